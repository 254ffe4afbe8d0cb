// The search page (search/index.html) over Pagefind's index (pagefind/): its fields, made
// here (a page without JavaScript shows none; a search runs as it is typed), and results as
// a list of links with the matching words marked. Without JavaScript, or when the
// index cannot be loaded, the page keeps its pointer to the archive and the tags page.
// The page's address carries the search (?q=words&tag=name): a search can be linked.
"use strict";

(function () {
  const root = document.getElementById("search");
  if (!root) return;
  const fields = document.getElementById("search-form");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const fallback = document.getElementById("search-fallback");
  let pagefind = null;
  let latest = 0;

  function field(tag, id, name, text) {
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = text;
    const element = document.createElement(tag);
    element.id = id;
    element.name = name;
    fields.append(label, element);
    return element;
  }

  const input = field("input", "search-input", "q", "Words to find");
  input.type = "search";
  input.autocomplete = "off";
  const tagSelect = field("select", "search-tag", "tag", "Tag");
  tagSelect.append(new Option("Any tag", ""));

  // The excerpt is Pagefind's HTML: text with <mark> around the words found. Only the text
  // and the marks are taken from it, never other markup. Pagefind marks a whole
  // space-separated token ("monolith."): the punctuation around the word is left unmarked.
  function excerptNodes(html) {
    const parsed = new DOMParser().parseFromString(html, "text/html");
    const nodes = [];
    parsed.body.childNodes.forEach((node) => {
      if (node.nodeName === "MARK") {
        const parts = /^([\p{P}\p{S}]*)(.*?)([\p{P}\p{S}]*)$/su.exec(node.textContent);
        const [before, word, after] = parts[2] ? parts.slice(1) : ["", node.textContent, ""];
        const mark = document.createElement("mark");
        mark.textContent = word;
        if (before) nodes.push(document.createTextNode(before));
        nodes.push(mark);
        if (after) nodes.push(document.createTextNode(after));
      } else {
        nodes.push(document.createTextNode(node.textContent || ""));
      }
    });
    return nodes;
  }

  function resultItem(data) {
    const item = document.createElement("li");
    item.className = "search-result";
    const link = document.createElement("a");
    link.href = data.url;
    link.textContent = (data.meta && data.meta.title) || data.url;
    item.append(link);
    if (data.meta && data.meta.date) {
      const date = document.createElement("p");
      date.className = "search-date";
      date.textContent = data.meta.date;
      item.append(date);
    }
    const excerpt = document.createElement("p");
    excerpt.className = "search-excerpt";
    excerpt.append(...excerptNodes(data.excerpt || ""));
    item.append(excerpt);
    return item;
  }

  // Results are shown ten at a time: each one is a request for its post's excerpt.
  const PAGE = 10;
  const more = document.createElement("button");
  more.type = "button";
  more.className = "search-more";
  more.hidden = true;
  list.after(more);
  let results = []; // the last search's, in Pagefind's order

  function describe(count, shown) {
    if (count === 0) return "No posts found.";
    if (count === 1) return "1 post found.";
    if (count > shown) return `${count} posts found; the first ${shown} are shown.`;
    return `${count} posts found.`;
  }

  // Shows the next results of search number `search` (the first ones, in place of the last
  // search's, when `fresh`); false when a newer search has started meanwhile.
  async function showNext(search, fresh) {
    const from = fresh ? 0 : list.children.length;
    const shown = await Promise.all(results.slice(from, from + PAGE).map((r) => r.data()));
    if (search !== latest) return false;
    const items = shown.map(resultItem);
    if (fresh) list.replaceChildren();
    list.append(...items);
    status.textContent = describe(results.length, list.children.length);
    const left = results.length - list.children.length;
    more.hidden = left === 0;
    more.textContent = `Show ${Math.min(left, PAGE)} more`;
    return items;
  }

  async function run() {
    const term = input.value.trim();
    const tag = tagSelect.value;
    const search = ++latest;
    const params = new URLSearchParams();
    if (term) params.set("q", term);
    if (tag) params.set("tag", tag);
    const query = params.toString();
    history.replaceState(null, "", query ? "?" + query : location.pathname);
    if (!term && !tag) {
      list.replaceChildren();
      more.hidden = true;
      status.textContent = "";
      return;
    }
    status.textContent = "Searching…";
    const options = tag ? { filters: { tag: [tag] } } : {};
    const found = await pagefind.search(term || null, options);
    if (search !== latest) return; // a newer search has started
    results = found.results;
    await showNext(search, true);
  }

  more.addEventListener("click", async () => {
    const items = await showNext(latest, false);
    if (items && items.length) items[0].querySelector("a").focus();
  });

  async function start() {
    pagefind = await import(root.dataset.bundle + "pagefind.js");
    await pagefind.options({ baseUrl: root.dataset.baseUrl });
    await pagefind.init();
    const filters = await pagefind.filters();
    const tags = Object.entries((filters && filters.tag) || {});
    tags.sort((a, b) => a[0].localeCompare(b[0]));
    for (const [name, count] of tags) {
      const option = document.createElement("option");
      option.value = name;
      option.textContent = `${name} (${count})`;
      tagSelect.append(option);
    }
    const params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    tagSelect.value = params.get("tag") || "";
    root.hidden = false;
    fallback.hidden = true;
    input.addEventListener("input", () => run());
    tagSelect.addEventListener("change", () => run());
    if (input.value || tagSelect.value) {
      await run();
    } else if (tags.length) {
      // Pagefind's first search in a page is the slowest (its WebAssembly warms up): one
      // for the most used tag is made now, so the reader's first search is not that one.
      await pagefind.search(tags.reduce((a, b) => (b[1] > a[1] ? b : a))[0]);
    }
    root.dataset.ready = "";
  }

  start().catch((error) => {
    root.hidden = true;
    fallback.hidden = false;
    status.textContent = "";
    console.error("search could not start:", error);
  });
})();
