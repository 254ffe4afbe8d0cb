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

  // A result: the post's headline as a link, its date, and the excerpt; folded under its
  // warning, as on the post's page, when the post has one. The text's direction is its own.
  function resultItem(data) {
    const meta = data.meta || {};
    const item = document.createElement("li");
    item.className = "search-result";
    const link = document.createElement("a");
    link.href = data.url;
    link.dir = "auto";
    link.textContent = meta.title || data.url;
    item.append(link);
    if (meta.date) {
      const date = document.createElement("p");
      date.className = "search-date";
      date.textContent = meta.date;
      item.append(date);
    }
    const excerpt = document.createElement("p");
    excerpt.className = "search-excerpt";
    excerpt.dir = "auto";
    excerpt.append(...excerptNodes(data.excerpt || ""));
    if (meta.warning) {
      const folded = document.createElement("details");
      folded.className = "content-warning";
      const summary = document.createElement("summary");
      summary.textContent = meta.warning;
      folded.append(summary, excerpt);
      item.append(folded);
    } else {
      item.append(excerpt);
    }
    return item;
  }

  // Results are shown ten at a time: each one is a request for its post's excerpt.
  const PAGE = 10;
  const more = document.createElement("button");
  more.type = "button";
  more.className = "search-more";
  more.hidden = true;
  list.after(more);
  let shown = { search: 0, results: [], count: 0 }; // the search the list shows

  function describe(count, listed) {
    if (count === 0) return "No posts found.";
    if (count === 1) return "1 post found.";
    if (count > listed) return `${count} posts found; the first ${listed} are shown.`;
    return `${count} posts found.`;
  }

  function hideMore() {
    if (document.activeElement === more) input.focus();
    more.hidden = true;
  }

  function failed(error) {
    hideMore();
    status.textContent = "The search failed. Reload the page to try again.";
    console.error("search failed:", error);
  }

  // Shows `results` of search number `search` from `from` on (0: in place of the list);
  // the new items, or null when a newer search has started meanwhile.
  async function show(search, results, from) {
    const data = await Promise.all(results.slice(from, from + PAGE).map((r) => r.data()));
    if (search !== latest) return null;
    const items = data.map(resultItem);
    if (from === 0) list.replaceChildren(...items);
    else list.append(...items);
    shown = { search, results, count: from + items.length };
    status.textContent = describe(results.length, shown.count);
    const left = results.length - shown.count;
    if (left > 0) {
      more.textContent = `Show ${Math.min(left, PAGE)} more`;
      more.hidden = false;
    } else {
      hideMore();
    }
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
    hideMore();
    if (!term && !tag) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    status.textContent = "Searching…";
    const options = tag ? { filters: { tag: [tag] } } : {};
    const found = await pagefind.search(term || null, options);
    if (search !== latest) return; // a newer search has started
    await show(search, found.results, 0);
  }

  more.addEventListener("click", async () => {
    if (more.disabled || shown.search !== latest) return;
    more.disabled = true; // one page of results at a time
    try {
      const items = await show(shown.search, shown.results, shown.count);
      if (items && items.length) items[0].querySelector("a").focus();
    } catch (error) {
      failed(error);
    } finally {
      more.disabled = false;
    }
  });

  async function start() {
    pagefind = await import(root.dataset.bundle + "pagefind.js");
    await pagefind.options({ baseUrl: root.dataset.baseUrl });
    await pagefind.init();
    const filters = await pagefind.filters();
    const tags = Object.entries((filters && filters.tag) || {});
    tags.sort((a, b) => a[0].localeCompare(b[0]));
    for (const [name, count] of tags) tagSelect.append(new Option(`${name} (${count})`, name));
    const params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    tagSelect.value = params.get("tag") || "";
    root.hidden = false;
    fallback.hidden = true;
    input.addEventListener("input", () => run().catch(failed));
    tagSelect.addEventListener("change", () => run().catch(failed));
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
    document.getElementById("search-why").textContent = "The search could not be loaded.";
    fallback.hidden = false;
    status.textContent = "";
    console.error("search could not start:", error);
  });
})();
