"""`lock`: pin every published post's URL, guid and date in urls.lock, or check the pins;
`feed-preview`: the next e-mail a newsletter would send."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from microblog import settings, settings_docs
from microblog.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    Parser,
    UsageError,
    common_options,
    load,
    source_date_epoch,
)
from microblog.cli.report import count, err, report_problems
from microblog.config import SiteConfig, check_content_folder
from microblog.lockfile import LOCK_NAME, format_lock, lock_path
from microblog.paths import display_path
from microblog.problems import Problem, Severity

if TYPE_CHECKING:
    from microblog.feedpreview import PreviewItem
    from microblog.model import Post
    from microblog.pipeline import Content

# The codes of a build that would change a pinned URL, guid or date, or cannot read the pins.
LOCK_BREAKING = frozenset({"MB110", "MB112", "MB113", "MB114"})


def add_feed_commands(commands: argparse._SubParsersAction[Parser]) -> None:
    lock = commands.add_parser(
        "lock",
        help="pin every published post's URL, feed guid and date in urls.lock",
        description="Write urls.lock beside site.yaml: every published post's URL, feed guid"
        " and date, kept by every later build when the post is edited, renamed or moved."
        " Posts already pinned keep their pins.",
    )
    common_options(lock)
    _base_url_option(lock)  # new posts' guids are made from it
    lock.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when a build would change a pinned URL, guid or date",
    )
    lock.add_argument(
        "--update-dates",
        action="store_true",
        help="pin each post's own date where it differs from the pinned one",
    )
    preview = commands.add_parser(
        "feed-preview",
        help="show the feed items a newsletter would send next, as an e-mail shows them",
        description="List the items of the site's feed that a service which saw the feed as"
        " pinned in urls.lock would send next, and write them as an e-mail would show them,"
        " with what an e-mail client would drop, to feed-preview.html in .microblog-cache/.",
    )
    common_options(preview)
    _base_url_option(preview)
    preview.add_argument("--tag", metavar="SLUG", help="the feed of one tag (its page's slug)")
    preview.add_argument(
        "--digest", action="store_true", help="the digest feed (feed.digest in site.yaml)"
    )
    preview.add_argument(
        "--output", type=Path, metavar="FILE", help="write the preview there instead"
    )


def _base_url_option(parser: argparse.ArgumentParser) -> None:
    for setting in settings.with_flags():
        if setting.name == "base_url":
            parser.add_argument(setting.flag, **settings_docs.flag_arguments(setting))


def _load(args: argparse.Namespace) -> SiteConfig:
    base_url = getattr(args, "base_url", None)
    config = load(args, {"base_url": base_url} if base_url else None)
    check_content_folder(config)
    return config


def run_feed_preview(args: argparse.Namespace) -> int:
    from microblog.buildcache import CACHE_FOLDER
    from microblog.feedpreview import Preview, next_items, render_preview
    from microblog.pipeline import read_site
    from microblog.urls import Urls

    config = _load(args)
    content = read_site(config)
    urls = Urls(config)
    posts, title, slug = content.timeline.posts, config.title, None
    if args.tag is not None:
        found = [tag for tag in content.tags if tag.slug == args.tag]
        if not found:
            raise UsageError(f"--tag {args.tag}: no tag has that slug (see the tags page)")
        posts, title, slug = found[0].posts, f"{config.title}: #{found[0].name}", found[0].slug
    pinning = content.pinning  # the lock as the build read it (None: the site has none)
    pins = None if pinning is None else pinning.pins
    if args.digest:
        items = _digest_items(args, config, content, posts, slug)
    else:
        items = next_items(config, urls, posts, pins)
    unpinned = pinning.unpinned if pinning is not None else ()
    in_feed = {post.id for post in posts}
    undated = sum(1 for post in unpinned if post.date is None and post.id in in_feed)
    rss = Urls.digest_feed("rss", slug) if args.digest else Urls.feed("rss", slug)
    feed_url = urls.absolute(rss)
    preview = Preview(feed_url, title, tuple(items), pinning is not None, undated)
    page = render_preview(config, urls, preview)
    output = args.output or config.site_dir / CACHE_FOLDER / "feed-preview.html"
    try:
        if args.output is None:  # the cache folder: never through a link, as builds
            cache = output.parent
            if cache.is_symlink() or (cache.exists() and not cache.is_dir()):
                raise OSError(f"{display_path(cache)} is not a folder of the site's own")
            cache.mkdir(exist_ok=True)
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
        _write_beside(output, page.encode("utf-8"))
    except OSError as exc:
        err(f"microblog: cannot write {display_path(output)}: {exc.strerror or exc}")
        return EXIT_PROBLEMS
    report_problems([p for p in content.problems if p.code in LOCK_BREAKING], verbose=False)
    seen = "as pinned in urls.lock" if pinning is not None else "never (there is no urls.lock)"
    sys.stdout.write(
        f"{feed_url}: {count(len(items), 'item')} a service that saw the feed {seen} would"
        " send next\n"
    )
    for item in items:
        sys.stdout.write(f"  {item.date.date()}  {item.title}  {item.link}\n")
        for warning in item.warnings:
            err(f"{item.link}: warning: {warning}")
    sys.stdout.write(f"wrote {display_path(output)}\n")
    return EXIT_OK


def _digest_items(
    args: argparse.Namespace,
    config: SiteConfig,
    content: Content,
    posts: Sequence[Post],
    slug: str | None,
) -> list[PreviewItem]:
    """The digest items a service that saw the digest feed of the pinned posts would send."""
    from microblog.feedpreview import next_digest_items
    from microblog.urls import Urls

    if config.feed.digest is None:
        raise UsageError("--digest: there is no digest feed (set feed.digest in site.yaml)")
    if slug is not None and not config.feed.digest_tags:
        raise UsageError("--digest --tag: tags have no digest feeds (feed.digest_tags)")
    pinning = content.pinning
    pinned = None
    if pinning is not None:
        ids = set(pinning.matched.values())
        pinned = [post for post in posts if post.id in ids]
    epoch = source_date_epoch()
    fallback = datetime.fromtimestamp(epoch or 0, tz=UTC)
    return next_digest_items(config, Urls(config), posts, pinned, slug, fallback)


def run_lock(args: argparse.Namespace) -> int:
    from microblog.pinning import pins_of
    from microblog.pipeline import read_site
    from microblog.urls import Urls

    config = _load(args)
    content = read_site(config, keep_dates=not args.update_dates)
    pinning = content.pinning
    lock_problems = [p for p in content.problems if p.code.startswith("MB11")]
    path = lock_path(config)
    if args.check:
        report_problems([p for p in lock_problems if p.severity is not Severity.NOTE], verbose=True)
        _report_other_base(config, content)
        return _report_check(content.pinning is not None, lock_problems)
    unreadable = [p for p in lock_problems if p.code == "MB110"]
    if unreadable:
        report_problems(unreadable, verbose=True)
        err(
            f"microblog: {LOCK_NAME} was not written: restore the lines above from git, or"
            f" delete {display_path(path)} to pin every post afresh"
        )
        return EXIT_PROBLEMS
    pins = pins_of(content.timeline, pinning, Urls(config).absolute)
    data = format_lock(pins)
    _write_beside(path, data)
    published = sum(1 for pin in pins if pin.state == "published")
    new = len(pinning.unpinned) if pinning is not None else published
    removed = sum(1 for pin in pins if pin.state == "removed")
    moved = sum(1 for pin in pins if pin.state == "moved")
    sys.stdout.write(
        f"{display_path(path)}: {count(published, 'post')} pinned ({new} new),"
        f" {removed} removed, {moved} moved\n"
    )
    if new:
        sys.stdout.write(
            f"new guids are under {config.base_url} ({config.origin('base_url')}): the address"
            " your feed is published at, or give --base-url\n"
        )
    _report_other_base(config, content)
    return EXIT_OK


def _report_other_base(config: SiteConfig, content: Content) -> None:
    """Say when pinned guids are under another base URL than this one: right after a move
    to a new address (they stay, so nothing is sent again), wrong when the lock was made
    with the wrong one."""
    pinning = content.pinning
    if pinning is None:
        return
    guids = [post.guid for post in content.timeline.posts if post.guid]  # pinned, not permalinks
    others = sum(1 for guid in guids if not guid.startswith(config.base_url))
    if others:
        sys.stdout.write(
            f"{count(others, 'pinned guid')} not under {config.base_url}: feeds keep them"
            " (isPermaLink=false). Right if the site moved; if the lock was made with the"
            " wrong base URL, delete urls.lock and run `microblog lock --base-url URL` with"
            " the address the feed was published at\n"
        )


def _report_check(has_lock: bool, problems: list[Problem]) -> int:
    if not has_lock:
        sys.stdout.write(f"no {LOCK_NAME}: nothing is pinned (`microblog lock` writes it)\n")
        return EXIT_OK
    breaking = [p for p in problems if p.code in LOCK_BREAKING]
    unpinned = sum(1 for p in problems if p.code == "MB111")
    if unpinned:
        sys.stdout.write(f"{count(unpinned, 'post')} not pinned yet: `microblog lock` pins them\n")
    if breaking:
        err(
            f"{LOCK_NAME}: {count(len(breaking), 'problem')} above: a build would change a"
            " pinned URL, guid or date; undo the change, or run `microblog lock` to accept it"
        )
        return EXIT_PROBLEMS
    sys.stdout.write(f"{LOCK_NAME}: every pinned URL, guid and date holds\n")
    return EXIT_OK


def _write_beside(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all: a temporary file beside it, then a rename
    (a link at `path` is replaced, never followed)."""
    if path.is_dir():
        raise IsADirectoryError(21, "is a folder", str(path))
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        umask = os.umask(0)
        os.umask(umask)
        temporary.chmod(0o666 & ~umask)  # as a file the person wrote: mkstemp makes it 0600
        temporary.replace(path)
    except BaseException:
        temporary.unlink()
        raise
