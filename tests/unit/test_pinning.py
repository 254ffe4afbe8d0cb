"""urls.lock's file format, the text sketch, and the matching of posts to pins: rules one by
one, and random edit sequences against a lock that never change or repeat a pinned guid."""

from __future__ import annotations

import dataclasses
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microblog.config import load_config
from microblog.lockfile import Pin, format_lock, parse_lock
from microblog.pinmatch import IN_PLACE, SIMILAR
from microblog.pinning import pins_of
from microblog.pipeline import read_site
from microblog.text.sketch import SKETCH_SIZE, from_hex, similarity, sketch, to_hex
from microblog.urls import Urls
from tests.conftest import write_site

# -- the sketch ---------------------------------------------------------------------------


@given(st.text(max_size=300))
def test_a_sketch_is_small_and_matches_itself(text: str) -> None:
    values = sketch(text)
    assert len(values) <= SKETCH_SIZE
    assert list(values) == sorted(values)
    assert from_hex(to_hex(values)) == values
    if len(text.strip()) >= 3:
        assert similarity(values, values) == 1.0


@given(st.text(max_size=200), st.text(max_size=200))
def test_similarity_is_symmetric_and_between_0_and_1(one: str, other: str) -> None:
    a, b = sketch(one), sketch(other)
    assert similarity(a, b) == similarity(b, a)
    assert 0.0 <= similarity(a, b) <= 1.0


def test_a_typo_is_similar_and_another_post_is_not() -> None:
    post = "Queues decouple producers from consumers, and also hide how far behind you are"
    typo = post.replace("decouple", "decuople")
    other = "Idempotency keys turn a retry storm into a no-op instead of a double charge"
    assert similarity(sketch(post), sketch(typo)) >= SIMILAR
    assert similarity(sketch(post), sketch(other)) < SIMILAR / 2
    assert sketch("x" * 1_000_000)  # linear: a long post is cut, not compared whole


# -- the file -----------------------------------------------------------------------------

PIN = Pin(
    url="posts/hello/",
    guid="https://example.org/posts/hello/",
    date="2024-06-01T10:00:00+00:00",
    id="content/hello",
    file="content/hello.md",
    line=5,
    position=0,
    source="",
    text="0123456789abcdef",
    sketch=to_hex(sketch("hello there")),
    excerpt="hello there",
)


def test_the_file_round_trips_sorted_with_its_states() -> None:
    moved = dataclasses.replace(
        PIN, url="posts/a/", guid="", state="moved", moved_to="posts/hello/"
    )
    removed = dataclasses.replace(PIN, url="posts/z/", guid="g", state="removed")
    data = format_lock([removed, PIN, moved])
    lines = data.decode().splitlines()
    assert lines[0].startswith("# urls.lock")
    urls = [json.loads(line)["url"] for line in lines[1:]]
    assert urls == ["posts/a/", "posts/hello/", "posts/z/"]
    assert '"state"' not in lines[2]  # a published pin says nothing of its state
    pins, problems = parse_lock(data)
    assert problems == []
    assert pins == [moved, PIN, removed]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"url": "../etc/"}, "'url' is not like posts/<slug>/"),
        ({"url": "posts/../"}, "'url' is not like posts/<slug>/"),
        ({"url": "posts/a/b/"}, "'url' is not like posts/<slug>/"),
        ({"date": "yesterday"}, "'date' is not an ISO 8601"),
        ({"date": "2024-06-01T10:00:00"}, "'date' has no UTC offset"),
        ({"line": "5"}, "'line' is not a int"),
        ({"state": "lost"}, "'state' is not one of"),
        ({"guid": ""}, "'guid' is empty"),
        ({"sketch": "xyz"}, "not a sketch"),
        ({"extra": 1}, "unknown key 'extra'"),
        ({"date": "0001-01-01T00:00:00+14:00"}, "'date' is not between the years"),
        ({"excerpt": "\udc80"}, "'excerpt' holds a lone surrogate"),
        ({"url": "posts/CON/"}, "cannot be published: a Windows device name"),
        ({"url": "posts/a\u0000b/"}, "cannot be published"),
        ({"sketch": "-0000001"}, "not a sketch"),
    ],
)
def test_a_bad_line_is_a_problem_naming_it(change: dict[str, object], reason: str) -> None:
    line = json.dumps({**dataclasses.asdict(PIN), **change})
    other = format_lock([dataclasses.replace(PIN, url="posts/b/", guid="b")])
    pins, problems = parse_lock(other + line.encode() + b"\n")
    assert [pin.url for pin in pins] == ["posts/b/"]
    assert len(problems) == 1
    assert problems[0].line == 3
    assert reason in problems[0].message


def test_a_url_or_guid_pinned_twice_keeps_the_first() -> None:
    twice = format_lock([PIN]) + format_lock([dataclasses.replace(PIN, url="posts/other/")])
    pins, problems = parse_lock(twice)
    assert pins == [PIN]
    assert "pinned twice" in problems[0].message


@given(st.binary(max_size=400))
def test_any_bytes_give_pins_and_problems_never_an_exception(data: bytes) -> None:
    pins, problems = parse_lock(data)
    assert all(isinstance(pin, Pin) for pin in pins)
    assert all(problem.code == "MB110" for problem in problems)


# -- random edits against a lock ------------------------------------------------------------

VOCABULARY_TEXT = """
cache queue retry timeout latency throughput backend frontend database index shard replica
leader follower consensus quorum partition network packet socket thread process memory heap
stack garbage collector compiler parser token syntax grammar module package library release
deploy rollback canary feature flag metric trace span alert pager incident review design
system service client server request response header payload schema migration version
branch commit merge rebase conflict pipeline runner artifact container image cluster node
scheduler worker batch stream event message broker topic consumer producer offset storage
bucket object block volume snapshot backup restore disaster recovery failover region zone
latencia sistema diseño servidor cliente mensaje cola reintento tiempo datos aprendizaje
"""
WORDS = st.sampled_from(VOCABULARY_TEXT.split())
POST = st.lists(WORDS, min_size=10, max_size=16).map(" ".join)
EDIT = st.one_of(
    st.tuples(st.just("typo"), st.integers(0, 50), st.integers(0, 50)),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("add"), POST),
    st.tuples(st.just("swap"), st.integers(0, 50), st.integers(0, 50)),
    st.tuples(st.just("move"), st.integers(0, 50)),  # to the other archive
    st.tuples(st.just("lock")),
)


class Archive:
    """Posts in two archive files; each post carries a serial word that edits never touch,
    so the test knows which post is which, whatever the matching does."""

    def __init__(self, site: Path, texts: list[str]) -> None:
        self.site = site
        self.files: dict[str, list[tuple[str, str]]] = {"content/a.txt": [], "content/b.txt": []}
        self.serial = 0
        self.edits: dict[str, int] = {}
        self.ever: list[tuple[int, ...]] = []
        for text in texts:
            self.add(text)

    def add(self, text: str) -> None:
        """A new post, unless it is much like one the archive ever held: then, to anyone
        reading the archive, it is that post edited, and the test would not know."""
        new = sketch(self.line(text, f"serial{self.serial + 1}"))
        if any(similarity(new, old) >= IN_PLACE for old in self.ever):
            return
        self.ever.append(new)
        self.serial += 1
        self.files["content/a.txt"].append((f"serial{self.serial}", text))

    @staticmethod
    def line(text: str, serial: str) -> str:
        return f"{text} {serial} #Tag"

    def all(self) -> list[tuple[str, int]]:
        return [(name, i) for name, posts in self.files.items() for i in range(len(posts))]

    def edit(self, step: tuple[object, ...]) -> None:
        where = self.all()
        if step[0] == "add":
            self.add(str(step[1]))
        elif not where:
            return
        elif step[0] == "typo":
            name, i = where[int(step[1]) % len(where)]  # type: ignore[call-overload]
            serial, text = self.files[name][i]
            if self.edits.get(serial, 0) >= 2:  # two typos since the last lock, at most
                return
            self.edits[serial] = self.edits.get(serial, 0) + 1
            words = text.split(" ")
            word = int(step[2]) % len(words)  # type: ignore[call-overload]
            letters = words[word]  # a typo: two letters swapped
            words[word] = letters[0] + letters[2] + letters[1] + letters[3:]
            self.files[name][i] = (serial, " ".join(words))
            self.ever.append(sketch(self.line(" ".join(words), serial)))
        elif step[0] == "delete":
            name, i = where[int(step[1]) % len(where)]  # type: ignore[call-overload]
            del self.files[name][i]
        elif step[0] == "swap":
            posts = self.files["content/a.txt"]
            if posts:
                i, j = (int(x) % len(posts) for x in step[1:])  # type: ignore[call-overload]
                posts[i], posts[j] = posts[j], posts[i]
        elif step[0] == "move":
            name, i = where[int(step[1]) % len(where)]  # type: ignore[call-overload]
            self.files["content/b.txt" if name == "content/a.txt" else "content/a.txt"].append(
                self.files[name].pop(i)
            )

    def write(self) -> None:
        for name, posts in self.files.items():
            head = "---\ndate: 2024-05-01T09:00:00+00:00\n---\n"
            body = "".join(self.line(text, serial) + "\n" for serial, text in posts)
            (self.site / name).write_text(head + body, encoding="utf-8")


@settings(max_examples=40)
@given(st.lists(POST, min_size=1, max_size=6), st.lists(EDIT, max_size=8))
def test_random_edits_never_change_or_repeat_a_pinned_guid(
    texts: list[str], edits: list[tuple[object, ...]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        site = write_site(Path(folder), {})
        archive = Archive(site, texts)
        archive.write()
        config = load_config(site / "site.yaml")
        absolute = Urls(config).absolute
        pinned: dict[str, tuple[str, str]] = {}  # serial -> (url, guid), as last locked
        ever: dict[str, str] = {}  # every guid ever pinned -> its serial

        def lock() -> None:
            content = read_site(config)
            data = format_lock(pins_of(content.timeline, content.pinning, absolute))
            (site / "urls.lock").write_bytes(data)
            pinned.clear()
            for post in content.timeline.posts:
                serial = post.text.split(" ")[-2]
                guid = post.guid or absolute(Urls.post(post))
                pinned[serial] = (post.slug, guid)
                assert ever.setdefault(guid, serial) == serial, "a guid went to another post"
            archive.edits.clear()

        lock()
        for step in edits:
            if step[0] == "lock":
                lock()
                continue
            archive.edit(step)
            archive.write()
            content = read_site(config)
            seen: set[str] = set()
            for post in content.timeline.posts:
                serial = post.text.split(" ")[-2]
                guid = post.guid or absolute(Urls.post(post))
                assert guid not in seen, f"guid {guid} twice"
                seen.add(guid)
                if serial in pinned:
                    assert (post.slug, guid) == pinned[serial], step
                else:
                    assert ever.get(guid, serial) == serial, "a pinned guid went to a new post"
            assert not [p for p in content.problems if p.code in ("MB110", "MB113", "MB114")]
