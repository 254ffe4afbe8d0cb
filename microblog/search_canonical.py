"""Pagefind's bundle in the same bytes for the same pages.

Pagefind (1.5) writes each filter index (`filter/<lang>_<hash>.pf_filter`: the tags and the
pages of each) in the order of a hash map, which changes from run to run; the file's name, the
metadata file that names it (`pagefind.<lang>_<hash>.pf_meta`) and `pagefind-entry.json`,
which names that, change with it. Everything else (the word index and one fragment per page)
is stable. Here the filter entries are sorted and the three files renamed by a digest of
their new bytes (the browser only fetches a file by the name the one before it gives).

A filter file is gzip'd `pagefind_dcd` + CBOR: [filter name, [[value, [page, ...]], ...]].
Its CBOR is walked here by hand (item lengths only), not decoded and re-encoded with a CBOR
library: the entries keep Pagefind's own bytes, only their order changes.
A bundle not of that shape is left as Pagefind wrote it: search still works, only two builds
then differ in those three files (tests/sitebuild/test_search.py says so).
"""

from __future__ import annotations

import gzip
import hashlib
import re
from typing import Final

SIGNATURE: Final = b"pagefind_dcd"
_FILTER: Final = re.compile(r"filter/(?P<lang>[^/_]+)_(?P<hash>[0-9a-f]+)\.pf_filter")
_META: Final = re.compile(r"pagefind\.(?P<lang>[^/_]+)_(?P<hash>[0-9a-f]+)\.pf_meta")
ENTRY: Final = "pagefind-entry.json"


def canonical_bundle(bundle: dict[str, bytes]) -> dict[str, bytes]:
    """`bundle` ({path in pagefind/: bytes}) with its filter files sorted and renamed."""
    try:
        return _canonical(bundle)
    except ValueError:
        return bundle


def _canonical(bundle: dict[str, bytes]) -> dict[str, bytes]:
    out = dict(bundle)
    renamed: dict[str, str] = {}  # old hash text (`en_1a2b3c4`) -> new
    for path in sorted(bundle):
        found = _FILTER.fullmatch(path)
        if found is None:
            continue
        data = _gzip(_sorted_filter(_gunzip(bundle[path])))
        old = f"{found['lang']}_{found['hash']}"
        new = f"{found['lang']}_{_digest(data, len(found['hash']))}"
        del out[path]
        out[f"filter/{new}.pf_filter"] = data
        renamed[old] = new
    if not renamed:
        return out
    metas = [path for path in bundle if _META.fullmatch(path)]
    entry = bundle[ENTRY].decode("utf-8")
    for path in metas:
        found = _META.fullmatch(path)
        assert found is not None
        meta = _gunzip(bundle[path])
        for old, new in renamed.items():
            meta = _replace_once(meta, old.encode(), new.encode(), optional=True)
        data = _gzip(meta)
        old_meta = f"{found['lang']}_{found['hash']}"
        new_meta = f"{found['lang']}_{_digest(data, len(found['hash']))}"
        del out[path]
        out[f"pagefind.{new_meta}.pf_meta"] = data
        entry = _replace_once(entry.encode(), old_meta.encode(), new_meta.encode()).decode()
    out[ENTRY] = entry.encode("utf-8")
    return out


def _sorted_filter(data: bytes) -> bytes:
    """The filter file's CBOR with its [value, pages] entries in the order of their bytes."""
    if not data.startswith(SIGNATURE):
        raise ValueError("not a Pagefind file")
    at = len(SIGNATURE)
    major, count, at = _head(data, at)
    if (major, count) != (4, 2):
        raise ValueError("a filter file is [name, entries]")
    at = _skip(data, at)  # the filter's name
    start = at
    major, count, at = _head(data, at)
    if major != 4:
        raise ValueError("a filter's entries are an array")
    entries = []
    for _ in range(count):
        end = _skip(data, at)
        entries.append(data[at:end])
        at = end
    if at != len(data):
        raise ValueError("bytes after a filter's entries")
    return data[:start] + data[start : _head(data, start)[2]] + b"".join(sorted(entries))


def _head(data: bytes, at: int) -> tuple[int, int, int]:
    """A CBOR item's major type, its argument and where what follows the head starts."""
    if at >= len(data):
        raise ValueError("CBOR ends early")
    first = data[at]
    major, info = first >> 5, first & 0x1F
    if info < 24:
        return major, info, at + 1
    if info > 27:
        raise ValueError("indefinite or reserved CBOR length")
    size = 1 << (info - 24)
    if at + 1 + size > len(data):
        raise ValueError("CBOR ends early")
    return major, int.from_bytes(data[at + 1 : at + 1 + size], "big"), at + 1 + size


def _skip(data: bytes, at: int) -> int:
    """Where the CBOR item at `at` ends."""
    major, argument, at = _head(data, at)
    if major in (2, 3):  # bytes, text
        if at + argument > len(data):
            raise ValueError("CBOR ends early")
        return at + argument
    if major in (4, 5):  # array, map
        for _ in range(argument * (2 if major == 5 else 1)):
            at = _skip(data, at)
        return at
    if major == 6:  # a tagged item
        return _skip(data, at)
    return at  # integers, simple values, floats (their bytes are the head's)


def _replace_once(data: bytes, old: bytes, new: bytes, *, optional: bool = False) -> bytes:
    count = data.count(old)
    if count == 0 and optional:
        return data
    if count != 1 or len(old) != len(new):
        raise ValueError(f"{old!r} found {count} times")
    return data.replace(old, new)


def _gunzip(data: bytes) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError) as exc:
        raise ValueError(f"not gzip: {exc}") from exc


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def _digest(data: bytes, length: int) -> str:
    return hashlib.sha256(data).hexdigest()[:length]
