"""Small pure pieces: date parsing, the restricted YAML loader, byte decoding."""

from __future__ import annotations

import codecs
import contextlib
from collections.abc import Callable
from datetime import UTC, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from microblog.dates import parse_date
from microblog.text.decode import decode_bytes
from microblog.yamlsafe import YamlDocument, YamlError, load_yaml, load_yaml_python

MADRID = ZoneInfo("Europe/Madrid")


@pytest.mark.parametrize(
    "text, iso",
    [
        ("2024-05-01", "2024-05-01T00:00:00+02:00"),
        ("2024-05-01 09:30", "2024-05-01T09:30:00+02:00"),
        ("2024-05-01T09:30:00Z", "2024-05-01T09:30:00+00:00"),
        ("2024-05-01T09:30:00+05:30", "2024-05-01T09:30:00+05:30"),
        ("2024-01-15T10:00:00-03:30", "2024-01-15T10:00:00-03:30"),
        ("Thu Nov 03 08:50:26 +0000 2022", "2022-11-03T08:50:26+00:00"),
        ("2999-12-31", "2999-12-31T00:00:00+01:00"),
    ],
)
def test_valid_dates(text: str, iso: str) -> None:
    parsed = parse_date(text, MADRID)
    assert parsed is not None and parsed.isoformat() == iso


@pytest.mark.parametrize(
    "text",
    [
        "2024-02-30",
        "2024-01-01 25:00:00",
        "yesterday",
        "",
        "0",
        "9999-12-31T23:59:59-14:00",
        "x" * 500,
    ],
)
def test_invalid_dates(text: str) -> None:
    assert parse_date(text, UTC) is None


@settings(deadline=None)
@given(st.text())
def test_parse_date_never_raises(text: str) -> None:
    parse_date(text, timezone(timedelta(hours=-12)))


def test_yaml_keeps_scalars_as_text() -> None:
    doc = load_yaml("lang: no\nslug: 010\ntitle: 1234\ndate: 2024-02-30\ndraft: true\nx:\n")
    assert doc.data == {
        "lang": "no",
        "slug": "010",
        "title": "1234",
        "date": "2024-02-30",
        "draft": True,
        "x": None,
    }
    assert doc.key_lines["date"] == 4


@pytest.mark.parametrize(
    "text",
    [
        "a: &x [1]\nb: *x\n",
        "!!python/object/apply:os.system ['echo']",
        "a: !!timestamp 2024-02-30",
        "a: !!timestamp 2024-02-01",
        "a: !!int",  # PyYAML's constructor raised IndexError
        "a: !!bool maybe",  # and KeyError
        "a: !!binary aGVsbG8=",
        "[" * 5000,
        "a: b: c",
        "x" * (300 * 1024),
    ],
)
def test_yaml_rejects(text: str) -> None:
    with pytest.raises(YamlError):
        load_yaml(text)


def test_billion_laughs_is_refused_fast() -> None:
    bomb = 'a: &a ["lol","lol"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)}]\n" for i in range(20)
    )
    with pytest.raises(YamlError, match="aliases"):
        load_yaml(bomb)


@settings(deadline=None)
@given(st.text())
def test_yaml_raises_only_yaml_error(text: str) -> None:
    with contextlib.suppress(YamlError):
        load_yaml(text)


def _outcome(load: Callable[[str], YamlDocument], text: str) -> tuple[object, ...]:
    try:
        document = load(text)
    except YamlError as exc:
        return ("refused", exc.message, exc.line)
    return ("read", repr(document.data), document.key_lines)


_YAML_PIECES = st.sampled_from(
    [
        "a", "b", "key", "tags", "date", "é", "日本", ":", ": ", "- ", "-", "\n", "\n  ", "  ",
        " ", "\t", "#", " # c", "[", "]", "{", "}", ",", "'", '"', "\\", "&x ", "*x", "!!str ",
        "!!int ", "!!timestamp ", "!x ", "|", ">", "? ", "---", "...", "%YAML 1.1\n", "yes",
        "no", "true", "null", "~", "010", "0x1f", "1e3", "2024-02-30", "2024-01-01T10:00:00Z",
        "\\u00e9", "\\ud800", "\x1b", "\x85", "\u2028", "\ufeff", "\x00", "@", "`",
    ]
)  # fmt: skip


@settings(deadline=None)
@given(st.lists(_YAML_PIECES, max_size=40).map("".join) | st.text(max_size=60))
@example("k: [a?b]")  # libyaml reads it, the Python loader refuses it
@example("k: {a?b: c}")
def test_the_c_loader_reads_as_the_python_loader(text: str) -> None:
    """libyaml reads where it can; what it reads is what the pure Python loader reads, and
    what either refuses is refused with the Python loader's message."""
    assert _outcome(load_yaml, text) == _outcome(load_yaml_python, text)


@pytest.mark.parametrize(
    "data",
    [
        {"date": "2024-01-01", "tags": ["a", "b"], "draft": True, "title": "x: y"},
        {"media": [{"file": "a.png", "alt": 'é "q"'}], "reply": {"to": "1", "url": "u"}},
        {"feed": {"items": 20}, "nav": [{"title": "About", "url": "/about/"}]},
    ],
)
@pytest.mark.parametrize("flow", [True, False, None])
def test_the_c_loader_reads_front_matter_as_the_python_loader(data: object, flow: bool) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    assert _outcome(load_yaml, text) == _outcome(load_yaml_python, text)
    assert _outcome(load_yaml, text)[0] == "read"


def test_decode_boms_and_line_ends() -> None:
    assert decode_bytes(codecs.BOM_UTF8 + b"a\r\nb\rc", "f")[0] == "a\nb\nc"
    text, problems = decode_bytes("hola\r\nqué".encode("utf-16"), "f")
    assert text == "hola\nqué" and problems[0].code == "MB010"
    assert decode_bytes(codecs.BOM_UTF8 * 2 + b"x", "f")[0] == "x"
    text, problems = decode_bytes(codecs.BOM_UTF16_BE + "x".encode("utf-16-be"), "f")
    assert text == "x"


def test_decode_reports_bad_bytes_and_nul_by_line() -> None:
    text, problems = decode_bytes(b"ok\nbad \xff here\nnul\x00 here\n", "c.txt")
    assert text == "ok\nbad \ufffd here\nnul here\n"
    assert [(p.location, p.code) for p in problems] == [("c.txt:2", "MB011"), ("c.txt:3", "MB012")]


@settings(deadline=None)
@given(st.binary())
def test_decode_any_bytes(raw: bytes) -> None:
    text, _ = decode_bytes(raw, "f")
    assert "\x00" not in text and "\r" not in text
