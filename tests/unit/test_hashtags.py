"""Hashtags: finding them, grouping spellings, and the URL segment of a tag."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microblog.text.hashtags import (
    HashtagSpan,
    assign_tag_slugs,
    ends_with_hashtag_run,
    find_hashtags,
    tag_key,
    tag_slug,
)
from microblog.text.html import plain_text_to_html
from microblog.text.links import find_urls
from microblog.text.slugs import is_safe_segment, slug_from_text


def names(text: str) -> list[str]:
    return [span.name for span in find_hashtags(text)]


# --- find_hashtags ---------------------------------------------------------------------------


def test_glued_run_is_every_tag() -> None:
    text = "Design the interface first.\n#SystemDesign#Backend#Engineering"
    assert find_hashtags(text) == [
        HashtagSpan(28, 41, "SystemDesign"),
        HashtagSpan(41, 49, "Backend"),
        HashtagSpan(49, 61, "Engineering"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("playbook for AI: https://t.co/veS7PQrvoL #AI#Engineering", ["AI", "Engineering"]),
        ("#trading#educación#stocks", ["trading", "educación", "stocks"]),
        ("#日本語 and #ภาษาไทย and #हिन्दी", ["日本語", "ภาษาไทย", "हिन्दी"]),
        ("#สวัสดีครับ", ["สวัสดีครับ"]),  # vowel signs and tone marks stay inside
        ("#क्\u200dष #a\u200cb", ["क्\u200dष", "a\u200cb"]),  # joiners inside a tag
        ("#Backend. #foo! (#bar) #baz,", ["Backend", "foo", "bar", "baz"]),
        ("#snake_case #v2 #2fast", ["snake_case", "v2", "2fast"]),
    ],
)
def test_tags_found(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "issue #42",
        "in #2024",
        "5566#03",
        "a#b",
        "C#",
        "&#39;",
        "path/#frag",
        "##double",
        "#foo@example",
        "https://example.com/page#section",
        "www.example.com/#top",
        "write to me#work@example.com",
        "#",
        "# heading",
    ],
)
def test_not_tags(text: str) -> None:
    assert names(text) == []


def test_no_tag_in_a_glued_run_is_lost() -> None:
    assert names("#42#foo#2024#bar") == ["foo", "bar"]
    assert names("#a#b@c") == ["a"]
    assert names("#a\u200d#b") == ["a"]  # a "#" after a joiner is glued to a word


def test_trailing_joiner_is_not_part_of_the_tag() -> None:
    assert find_hashtags("#tag\u200d done") == [HashtagSpan(0, 4, "tag")]


# --- tag_key and tag_slug --------------------------------------------------------------------


def test_tag_key_groups_spellings() -> None:
    assert tag_key("Backend") == tag_key("BACKEND") == tag_key("backend") == "backend"
    nfc = unicodedata.normalize("NFC", "educación")
    nfd = unicodedata.normalize("NFD", "educación")
    assert nfc != nfd
    assert tag_key(nfc) == tag_key(nfd) == tag_key("EDUCACIÓN")
    assert tag_key("Straße") == tag_key("STRASSE") == "strasse"
    assert tag_key("KIRMIZI") == tag_key("kırmızı")
    assert tag_key("İstanbul") == tag_key("istanbul")


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Backend", "backend"),
        ("SystemDesign", "systemdesign"),
        ("educación", "educación"),
        ("ภาษาไทย", "ภาษาไทย"),
        ("snake_case", "snake_case"),
        ("con", "con-"),
        ("NUL", "nul-"),
        ("COM1", "com1-"),
        ("lpt9", "lpt9-"),
        ("a.b/c\\d", "a-b-c-d"),
        ("..", None),
        ("", None),
    ],
)
def test_tag_slug_examples(name: str, slug: str | None) -> None:
    if slug is None:
        assert tag_slug(name).startswith("tag-")
    else:
        assert tag_slug(name) == slug


def test_long_tag_slugs_are_cut_and_stay_distinct() -> None:
    first, second = "a" * 100 + "x", "a" * 100 + "y"
    assert tag_slug(first) != tag_slug(second)
    for name in (first, second, "日本語" * 40, "ภาษาไทย" * 30):
        slug = tag_slug(name)
        assert len(slug.encode("utf-8")) <= 80
        assert slug == tag_slug(name)
        assert is_safe_segment(slug)


@settings(deadline=None)
@given(st.text())
def test_tag_slug_is_always_a_safe_segment(name: str) -> None:
    slug = tag_slug(name)
    assert slug
    assert len(slug.encode("utf-8")) <= 80
    assert "/" not in slug and "\\" not in slug and slug not in {".", ".."}
    assert is_safe_segment(slug)
    assert slug == tag_slug(tag_key(name))


# --- assign_tag_slugs ------------------------------------------------------------------------


def slugs_of(*names: str) -> dict[str, str]:
    """Each name's slug among the tags `names`."""
    slugs = assign_tag_slugs(tag_key(name) for name in names)
    return {name: slugs[tag_key(name)] for name in names}


def test_colliding_lossy_tags_get_a_hash_and_the_exact_tag_keeps_its_slug() -> None:
    slugs = slugs_of("C", "C++", "C#", ".NET", "NET", "a/b", "a\\b")
    assert slugs["C"] == "c" and slugs["NET"] == "net"
    for name, plain in (
        ("C++", "c"),
        ("C#", "c"),
        (".NET", "net"),
        ("a/b", "a-b"),
        ("a\\b", "a-b"),
    ):
        head, _, digest = slugs[name].rpartition("-")
        assert head == plain and len(digest) == 8 and digest.isalnum()
    assert len(set(slugs.values())) == len(slugs)


def test_a_lossy_tag_alone_keeps_its_plain_slug() -> None:
    assert slugs_of("C++", "backend") == {"C++": "c", "backend": "backend"}
    assert slugs_of("machine learning")["machine learning"] == "machine-learning"
    assert slugs_of("a/b", "..", "x" * 200) == {
        "a/b": "a-b",
        "..": tag_slug(".."),
        "x" * 200: tag_slug("x" * 200),
    }


def test_lossy_tags_that_collide_both_get_a_hash_whatever_their_order() -> None:
    slugs = slugs_of("C++", "C#")
    assert slugs["C++"] != "c" and slugs["C#"] != "c" and slugs["C++"] != slugs["C#"]
    assert slugs_of("C#", "C++") == slugs
    assert slugs_of("C++", "C#", "Rust")["C++"] == slugs["C++"]  # an unrelated tag: no move


def test_device_names_and_their_exact_neighbours_stay_distinct() -> None:
    slugs = slugs_of("con", "con-", "NUL")
    assert slugs["con-"] == "con-" and slugs["NUL"] == "nul-"
    assert slugs["con"].startswith("con-") and slugs["con"] != "con-"
    assert all(is_safe_segment(slug) for slug in slugs.values())


def test_a_hashed_slug_that_is_already_taken_gets_a_longer_hash() -> None:
    first = slugs_of("C++", "C")["C++"]  # c-<8 hex>
    slugs = slugs_of("C++", "C", first)  # someone tagged a post with that very slug
    assert slugs[first] == first
    assert slugs["C++"].startswith("c-") and len(slugs["C++"]) == 2 + 16


COLLIDING_NAMES = st.text(
    st.sampled_from([*"aAcC+#./\\ -_", *"ßſİıΣσς", "\u200c", "\u0301", "ǰ", "ΐ", "ﬁ"]),
    max_size=6,
)
ANY_NAMES = st.one_of(COLLIDING_NAMES, st.text(max_size=90))


def slug_casefolds(slugs: dict[str, str]) -> set[str]:
    return {slug.casefold() for slug in slugs.values()}


@settings(deadline=None)
@given(st.lists(ANY_NAMES, max_size=12))
def test_distinct_keys_get_distinct_safe_slugs(names: list[str]) -> None:
    keys = {tag_key(name) for name in names}
    slugs = assign_tag_slugs(tag_key(name) for name in names)
    assert set(slugs) == keys
    assert len(slug_casefolds(slugs)) == len(keys)  # distinct even as case-insensitive paths
    for key, slug in slugs.items():
        assert is_safe_segment(slug) and len(slug.encode("utf-8")) <= 80
        assert slug == tag_slug(key) or slug.startswith(tag_slug(key)[:40])


@settings(deadline=None)
@given(st.lists(ANY_NAMES, max_size=12), st.lists(ANY_NAMES, min_size=1, max_size=3))
def test_adding_tags_never_moves_a_tag_whose_slug_is_its_key(
    names: list[str], added: list[str]
) -> None:
    before = assign_tag_slugs(tag_key(name) for name in names)
    after = assign_tag_slugs(tag_key(name) for name in names + added)
    for key, slug in before.items():
        if slug == key:
            assert after[key] == key


@settings(deadline=None)
@given(st.lists(ANY_NAMES, max_size=12), st.data())
def test_slugs_do_not_depend_on_the_order_of_tags(names: list[str], data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(names))
    keys = [tag_key(name) for name in names]
    assert assign_tag_slugs(keys) == assign_tag_slugs(tag_key(name) for name in shuffled)


# --- ends_with_hashtag_run -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("#SystemDesign#Backend#Engineering", True),
        ("Ship it. #AI#Engineering  ", True),
        ("Ship it. #AI #Engineering\n", True),
        ("Ship it #AI.", False),
        ("Ship it", False),
        ("see https://example.com/#top", False),
        ("issue #42", False),
        ("", False),
    ],
)
def test_ends_with_hashtag_run(line: str, expected: bool) -> None:
    assert ends_with_hashtag_run(line) is expected


# --- properties ------------------------------------------------------------------------------

TAG_ALPHABET = st.sampled_from(
    [*"abcXYZ019_", *"éñßçØ", *"ภาษาไทยสวัสดีครับ", *"हिन्दी", *"日本語カナ", *"Привет", "\u0301"]
)
TAG_NAMES = st.text(TAG_ALPHABET, min_size=1, max_size=12).filter(
    lambda name: any(char.isalpha() for char in name)
)


@settings(deadline=None)
@given(st.lists(TAG_NAMES, min_size=1, max_size=8))
def test_glued_run_round_trips(tags: list[str]) -> None:
    assert names("#" + "#".join(tags)) == tags


@settings(deadline=None)
@given(st.lists(TAG_NAMES, min_size=1, max_size=8), st.sampled_from([" ", "\n", ", ", " and "]))
def test_separated_tags_round_trip(tags: list[str], separator: str) -> None:
    assert names(separator.join("#" + tag for tag in tags)) == tags


@settings(deadline=None)
@given(st.text())
def test_find_hashtags_never_raises_and_spans_start_with_hash(text: str) -> None:
    for span in find_hashtags(text):
        assert text[span.start] == "#"
        assert text[span.start + 1 : span.end] == span.name
        assert any(char.isalpha() for char in span.name)


CASE_TEXT = st.text(st.sampled_from([*"#  .@/", *"aBcIıİſσςΣßéÉǅ", *"ภา日", "\u0301"]), max_size=40)


@settings(deadline=None)
@given(st.one_of(st.text(), CASE_TEXT))
def test_tag_keys_are_stable_under_case_changes(text: str) -> None:
    upper, lower = text.upper(), text.lower()
    if not len(upper) == len(lower) == len(text):
        return
    assert [tag_key(name) for name in names(upper)] == [tag_key(name) for name in names(lower)]


def test_huge_lines_finish() -> None:
    """Linear time: a 200 KB glued run and a 2 MB line (each takes well under a second)."""
    run = "#a" * 100_000
    assert len(find_hashtags(run)) == 100_000
    assert ends_with_hashtag_run(run)
    assert slug_from_text(run) == ""
    plain = "Measure first, architect second. " * 61_000
    assert find_hashtags(plain) == []
    assert not ends_with_hashtag_run(plain)
    assert find_urls(plain) == []
    assert slug_from_text(plain) == "measure-first-architect-second-measure-first-architect"
    assert plain_text_to_html(plain, lambda name: "/tags/").startswith("<p>Measure first")
