"""Plain-text posts as HTML, and the sanitizer every post body passes through."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microblog.text.hashtags import tag_slug
from microblog.text.html import plain_text_to_html, sanitize_html
from microblog.text.linked import Link, LinkCollector, LinkKind


def tag_href(name: str) -> str:
    return f"/tags/{tag_slug(name)}/"


def to_html(text: str) -> str:
    return plain_text_to_html(text, tag_href)


def test_sample_post() -> None:
    text = "Senior engineers need a new playbook for AI: https://t.co/veS7PQrvoL #AI#Engineering"
    assert to_html(text) == (
        "<p>Senior engineers need a new playbook for AI: "
        '<a href="https://t.co/veS7PQrvoL">https://t.co/veS7PQrvoL</a> '
        '<a class="hashtag" href="/tags/ai/">#AI</a>'
        '<a class="hashtag" href="/tags/engineering/">#Engineering</a></p>'
    )


def test_html_in_a_text_post_is_shown_not_run() -> None:
    html = to_html("<script>alert(1)</script> & <b>bold</b> \"q\" 'a'")
    assert html == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt; \"q\" 'a'</p>"
    )


def test_lines_and_paragraphs() -> None:
    text = "first line\nsecond line\n\n  \nnew paragraph\r\nafter CRLF\n"
    assert to_html(text) == (
        "<p>first line<br>\nsecond line</p>\n<p>new paragraph<br>\nafter CRLF</p>"
    )


def test_www_link_and_url_with_ampersand() -> None:
    html = to_html("see www.example.com and https://x.example/?a=1&b=2.")
    assert '<a href="https://www.example.com">www.example.com</a>' in html
    assert '<a href="https://x.example/?a=1&amp;b=2">https://x.example/?a=1&amp;b=2</a>.' in html


def test_tags_in_urls_and_emails_are_not_linked() -> None:
    html = to_html("https://example.com/#top me#x@example.com issue #42")
    assert "hashtag" not in html


def test_unicode_hashtags() -> None:
    html = to_html("#educación #ภาษาไทย")
    assert '<a class="hashtag" href="/tags/educación/">#educación</a>' in html
    assert '<a class="hashtag" href="/tags/ภาษาไทย/">#ภาษาไทย</a>' in html


def test_empty_text() -> None:
    assert to_html("") == ""
    assert to_html("\n \n") == ""


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>hi<script>alert(1)</script></p>", "<p>hi</p>"),
        ("<style>p{}</style><p>x</p>", "<p>x</p>"),
        ('<iframe src="https://evil.example"></iframe>ok', "ok"),
        ('<p onclick="x()" style="color:red">p</p>', "<p>p</p>"),
        ('<img src="x.png" onerror="x()" alt="a">', '<img src="x.png" alt="a">'),
        ('<a href="javascript:alert(1)">j</a>', "<a>j</a>"),
        ('<a href="JaVaScRiPt:alert(1)">j</a>', "<a>j</a>"),
        ('<a href="vbscript:x">v</a>', "<a>v</a>"),
        ('<img src="data:image/png;base64,AAAA">', ""),  # no address left: no image
        ('<a href="mailto:me@example.com">m</a>', '<a href="mailto:me@example.com">m</a>'),
        (
            '<a href="/tags/a/" class="hashtag evil">#a</a>',
            '<a href="/tags/a/" class="hashtag">#a</a>',
        ),
        ('<span class="evil">s</span>', "<span>s</span>"),
        ("<!-- comment --><em>e</em>", "<em>e</em>"),
        ("<form><input value=x></form>t", "t"),
        ("<svg><script>x</script></svg>s", "s"),
    ],
)
def test_sanitize_html(dirty: str, clean: str) -> None:
    assert sanitize_html(dirty) == clean


def test_sanitize_keeps_post_markup() -> None:
    html = (
        "<h2>T</h2><p><strong>s</strong> <em>e</em> <b>b</b> <i>i</i> <code>c</code> "
        '<del>d</del> <sup>1</sup> <sub>2</sub> <abbr title="t">A</abbr></p>'
        "<blockquote><p>q</p></blockquote><pre><code>x</code></pre><ul><li>u</li></ul>"
        '<ol start="3"><li>o</li></ol><hr><figure><img src="https://x.example/a.png" alt="a" '
        'width="10" height="20"><figcaption>f</figcaption></figure>'
        "<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>d</td></tr></tbody></table>"
    )
    assert sanitize_html(html) == html


def test_addresses_are_left_open_until_a_page_is_rendered() -> None:
    links = LinkCollector()
    html = '<a href="ai/?a=1&amp;b" class="hashtag">#AI</a><img src="https://cdn.example/x.png">'
    body = links.finish(sanitize_html(html, links))
    assert body.links == (
        Link(LinkKind.SITE, "ai/?a=1&b"),
        Link(LinkKind.URL, "https://cdn.example/x.png"),
    )
    site = "https://site.example/"
    resolved = body.resolve(lambda link: (site if link.kind is LinkKind.SITE else "") + link.target)
    assert resolved == (
        '<a href="https://site.example/ai/?a=1&amp;b" class="hashtag">#AI</a>'
        '<img alt="" src="https://cdn.example/x.png">'
    )


# Inside a tag (escaped text has no "<"): script-running elements, handlers, script URLs.
DANGEROUS = re.compile(
    r"<(?:script|style|iframe)|<[^>]*(?:\son\w+=|=\"\s*(?:javascript|vbscript|data):)", re.I
)
HTML_PIECES = st.sampled_from(
    [
        *["<script>", "</script>", "<a href=", '"', "'", "javascript:", "data:", "onclick="],
        *["<img ", ">", "<", "&", "#tag", " ", "\n", "https://x.example/", "www.y.example"],
        *["<style>", "e\u0301"],
    ]
)


@settings(deadline=None)
@given(st.one_of(st.text(), st.lists(HTML_PIECES).map("".join)))
def test_nothing_that_runs_script_survives(text: str) -> None:
    assert not DANGEROUS.search(sanitize_html(text))
    assert not DANGEROUS.search(to_html(text))


URL_PIECES = st.sampled_from(
    [
        *['<a href="', '<img src="', '">', '"', "&amp;", "&quot;", "&lt;", "\u00a0", "&nbsp;"],
        *["https://x.example/ä?a=1&b=2", "images/cat.png", "../up", "#fn:1", "//host/p", "\\"],
        *["javascript:alert(1)", "mailto:a@b.example", " ", "<b>", "x"],
    ]
)


@settings(deadline=None)
@given(st.lists(URL_PIECES).map("".join))
def test_open_links_resolved_as_written_give_what_nh3_writes(html: str) -> None:
    """Leaving addresses open and writing them back as they were gives nh3's own output, byte
    for byte: the placeholders and the escaping of `LinkedHtml.resolve` lose nothing."""
    links = LinkCollector()
    body = links.finish(sanitize_html(html, links))
    assert body.resolve(lambda link: link.target) == sanitize_html(html)
