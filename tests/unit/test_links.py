"""Bare URLs and e-mail addresses in plain text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microblog.text.links import LinkSpan, find_emails, find_urls


def urls(text: str) -> list[str]:
    return [span.url for span in find_urls(text)]


def test_t_co_link_in_the_sample() -> None:
    text = "a new playbook for AI: https://t.co/veS7PQrvoL #AI#Engineering"
    assert find_urls(text) == [LinkSpan(23, 46, "https://t.co/veS7PQrvoL")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see www.example.com/docs.", ["https://www.example.com/docs"]),
        ("HTTP://EXAMPLE.COM/A?b=1&c=2", ["HTTP://EXAMPLE.COM/A?b=1&c=2"]),
        ("http://localhost:8000/x", ["http://localhost:8000/x"]),
        ("https://user@host.example:8080/p", ["https://user@host.example:8080/p"]),
        ("https://example.com/a#frag#b", ["https://example.com/a#frag#b"]),
        ("two: https://a.example, https://b.example!", ["https://a.example", "https://b.example"]),
        ("詳細はhttps://t.co/abc詳しく", ["https://t.co/abc"]),  # glued to CJK text
        ("https://fr.wikipedia.org/wiki/Éclair…", ["https://fr.wikipedia.org/wiki/Éclair"]),
    ],
)
def test_urls(text: str, expected: list[str]) -> None:
    assert urls(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(see https://example.com/a)", "https://example.com/a"),
        ("https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_(bar)"),
        ("(https://en.wikipedia.org/wiki/Foo_(bar)).", "https://en.wikipedia.org/wiki/Foo_(bar)"),
        ("[https://example.com/a]", "https://example.com/a"),
        ("https://example.com/a[1]", "https://example.com/a[1]"),
        ("'https://example.com/a'", "https://example.com/a"),
        ('"https://example.com/a"', "https://example.com/a"),
        ("<https://example.com/a>", "https://example.com/a"),
        ("https://example.com/a.,;:!?'", "https://example.com/a"),
        ("https://example.com/a<b>c", "https://example.com/a"),
        ("https://example.com/a\tb", "https://example.com/a"),
    ],
)
def test_url_ends(text: str, expected: str) -> None:
    assert urls(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)",
        "data:text/html,<script>",
        "vbscript:msgbox",
        "ftp://example.com",
        "https://",
        "https://.",
        "www.x",
        "xhttps://example.com",
        "a.www.example.com",
        "file:///etc/passwd",
    ],
)
def test_not_urls(text: str) -> None:
    assert find_urls(text) == []


def test_www_links_get_https() -> None:
    assert find_urls("go to www.example.org") == [
        LinkSpan(6, 21, "https://www.example.org"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "mail me@example.com, or a.b+c@sub.example.org.",
            ["me@example.com", "a.b+c@sub.example.org"],
        ),
        ("(x_y@example.co.uk)", ["x_y@example.co.uk"]),
        ("@mention only", []),
        ("foo@localhost", []),
        ("a@b.c1", []),
        ("a@@b.com", []),
    ],
)
def test_emails(text: str, expected: list[str]) -> None:
    assert [text[start:end] for start, end in find_emails(text)] == expected


@settings(deadline=None)
@given(st.text())
def test_spans_are_ordered_and_match_the_text(text: str) -> None:
    position = 0
    for span in find_urls(text):
        assert position <= span.start < span.end <= len(text)
        written = text[span.start : span.end]
        assert span.url in (written, "https://" + written)
        assert span.url.lower().startswith(("http://", "https://"))
        position = span.end
    position = 0
    for start, end in find_emails(text):
        assert position <= start < end <= len(text)
        assert "@" in text[start:end]
        position = end


URL_PIECES = st.sampled_from(
    [
        *["https://", "http://", "www.", "example", ".com", "/", "(", ")", "[", "]", ".", ","],
        *["#", "?", "=", "&", "@", ":", " ", "'", '"', "<", ">", "a", "é", "日", "\n"],
    ]
)


@settings(deadline=None)
@given(st.lists(URL_PIECES, max_size=40).map("".join))
def test_urls_never_hold_spaces_quotes_or_angle_brackets(text: str) -> None:
    for span in find_urls(text):
        assert not any(char in span.url for char in ' \n"<>')
        assert not span.url.endswith((".", ",", ";", ":", "!", "?", "'"))
        assert span.url.count("(") >= span.url.count(")") or not span.url.endswith(")")


def test_hostile_lines_finish() -> None:
    """Linear time on inputs that make naive URL regexes backtrack."""
    for text in ("(www." * 400_000, "https://." * 200_000, "a.b" * 600_000 + "@", "@" * 2_000_000):
        assert find_urls(text) == []
        assert find_emails(text) == []
    closing = "https://example.com/" + ")" * 2_000_000
    assert urls(closing) == ["https://example.com/"]
