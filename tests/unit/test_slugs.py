"""Slugs from a post's words and from user-given front matter; safe path segments."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microblog.text.slugs import clean_slug, is_safe_segment, slug_from_text

SAMPLE_POST = (
    "Your AI copilot writes code faster than you can review it. But velocity without judgment "
    "is just technical debt. https://t.co/veS7PQrvoL #AI#Engineering"
)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        (SAMPLE_POST, "your-ai-copilot-writes-code-faster-than-you-can-review-it"),
        ("Boundaries matter.\n#SystemDesign#Backend#Engineering", "boundaries-matter"),
        ("Ship it #AI", "ship-it"),
        ("I love #python and #rust a lot", "i-love-python-and-rust-a-lot"),
        ("I love #python and #rust", "i-love-python-and"),  # a trailing tag is not a word
        ("Read: https://t.co/haHNJ1nHYS now", "read-now"),
        ("Don't over-engineer, it’s fine", "dont-over-engineer-its-fine"),
        ("Hello   WORLD!!! École ﬁle", "hello-world-école-file"),
        ("No es opcional. Es el activo más valioso", "no-es-opcional-es-el-activo-más-valioso"),
        ("สวัสดีครับ ภาษาไทย", "สวัสดีครับ-ภาษาไทย"),
        ("#SystemDesign#Backend", ""),
        ("https://t.co/x", ""),
        ("…", ""),
        ("", ""),
    ],
)
def test_slug_from_text(text: str, slug: str) -> None:
    assert slug_from_text(text) == slug


def test_slug_is_cut_at_a_word_boundary() -> None:
    assert slug_from_text("alpha beta gamma delta", max_chars=12) == "alpha-beta"
    assert slug_from_text("alpha beta gamma delta", max_chars=10) == "alpha-beta"
    assert slug_from_text("supercalifragilistic word", max_chars=8) == "supercal"


def test_text_without_spaces_is_cut_by_characters() -> None:
    japanese = "今日はとても良い天気なので公園を散歩しました"
    assert slug_from_text(japanese, max_chars=10) == japanese[:10]


@pytest.mark.parametrize(
    ("value", "slug"),
    [
        ("../../x", "x"),
        ("/abs", "abs"),
        ("a/b", "a-b"),
        ("a\\b", "a-b"),
        ("con", "con-"),
        ("CON.txt", "con-.txt"),
        ("lpt1", "lpt1-"),
        ("..", ""),
        (".", ""),
        (".hidden", "hidden"),
        ("trailing.", "trailing"),
        ("nul\x00byte", "nul-byte"),
        ("Hello World", "hello-world"),
        ("x" * 300, "x" * 80),
        ("\U00020000" * 80, "\U00020000" * 63),  # 80 such letters are 320 bytes: over 255
        ("é" * 100, "é" * 80),  # 160 bytes
        ("com\u00b9", "com1-"),  # NFKC: a superscript one is a one
        ("Ünïcödé Slug", "ünïcödé-slug"),
        ("日本語", "日本語"),
        ('a?b*c:d|e<f>g"h', "a-b-c-d-e-f-g-h"),
        ("\u202eevil", "evil"),
        ("   ", ""),
    ],
)
def test_clean_slug(value: str, slug: str) -> None:
    assert clean_slug(value) == (slug, slug != value)


def test_clean_slug_keeps_a_good_slug() -> None:
    assert clean_slug("my-post_2024.v2") == ("my-post_2024.v2", False)


@pytest.mark.parametrize(
    ("segment", "safe"),
    [
        ("my-post", True),
        ("index.html", True),
        ("日本語", True),
        ("", False),
        (".", False),
        ("..", False),
        (".hidden", False),
        ("a/b", False),
        ("a\\b", False),
        ("a b", False),
        ("a\x00b", False),
        ("con", False),
        ("Aux.txt", False),
        ("com1", False),
        ("x" * 81, False),
        ("trailing.", False),
        ("q?", False),
    ],
)
def test_is_safe_segment(segment: str, safe: bool) -> None:
    assert is_safe_segment(segment) is safe


def test_a_slug_of_80_wide_letters_can_be_written() -> None:
    """An 80-character slug of Supplementary-plane letters was 320 bytes: `build` failed
    with "File name too long". Slugs ask the output path rule for the length verdict."""
    slug, changed = clean_slug("\U00020000" * 80)
    assert changed and len(slug.encode("utf-8")) <= 255 and is_safe_segment(slug)
    assert not is_safe_segment("\U00020000" * 80)


@settings(deadline=None)
@given(st.text())
def test_clean_slug_is_safe_and_idempotent(value: str) -> None:
    slug, changed = clean_slug(value)
    assert slug == "" or is_safe_segment(slug)
    assert slug == slug.lower()
    assert changed == (slug != value)
    assert clean_slug(slug) == (slug, False)


@settings(deadline=None)
@given(st.text(), st.integers(min_value=1, max_value=80))
def test_slug_from_text_is_short_and_safe(text: str, max_chars: int) -> None:
    slug = slug_from_text(text, max_chars)
    assert slug == "" or is_safe_segment(slug)
    assert len(slug) <= max_chars
