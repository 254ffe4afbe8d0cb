"""Static files: the package's defaults, overridden file by file by the site's `static/`."""

from __future__ import annotations

from pathlib import Path

from microblog.config import SiteConfig
from microblog.outpaths import path_problem
from microblog.paths import readable_relative
from microblog.problems import Problem, Severity
from microblog.urls import Urls
from microblog.walk import Skip, Skipped, Tree, walk

DEFAULT_STATIC = Path(__file__).parent / "static"
PUBLISHED_HIDDEN = frozenset({".well-known"})  # hidden, yet published: RFC 8615's folder
SEARCH_FILES = frozenset({Urls.SEARCH_SCRIPT})  # defaults published only with `search: true`


def static_tree(config: SiteConfig) -> Tree:
    """What a build publishes of the site's static/: links followed inside the site."""
    return Tree(config.static_dir, inside=config.site_dir, keep_hidden=PUBLISHED_HIDDEN)


def collect_static(config: SiteConfig) -> tuple[dict[str, Path], list[Problem]]:
    """{output path: source file}; links leading outside the site folder are not followed."""
    problems: list[Problem] = []
    files: dict[str, Path] = {}
    defaults = Tree(DEFAULT_STATIC, inside=DEFAULT_STATIC, keep_hidden=PUBLISHED_HIDDEN)
    _gather(defaults, DEFAULT_STATIC.parent, files, problems)
    if not config.search:  # the search page's script goes with it
        files = {path: source for path, source in files.items() if path not in SEARCH_FILES}
    _gather(static_tree(config), config.site_dir, files, problems)  # the site's file wins
    return dict(sorted(files.items())), problems


def _gather(tree: Tree, shown_root: Path, files: dict[str, Path], problems: list[Problem]) -> None:
    for item in walk(tree):
        shown = readable_relative(item.path, shown_root)
        if isinstance(item, Skipped):
            _skipped(item, shown, problems)
            continue
        problem = path_problem(item.relative)
        if problem is None:  # a second name of a file (a link) is published too
            files[item.relative] = item.path
        else:
            _warn(problems, shown, "MB082", f"file name cannot be published: {problem}")


def _skipped(item: Skipped, shown: str, problems: list[Problem]) -> None:
    match item.reason:
        case Skip.OUTSIDE:
            _warn(problems, shown, "MB080", "symbolic link leads outside the site folder")
        case Skip.UNLISTABLE:
            _warn(problems, shown, "MB082", f"cannot list folder: {item.detail}")
        case Skip.TOO_DEEP:
            _warn(problems, shown, "MB082", "folder nesting too deep")
        case _:  # a loop or a folder reached again is walked once; a broken link is nothing
            pass


def _warn(problems: list[Problem], shown: str, code: str, message: str) -> None:
    problems.append(Problem(shown, 0, code, Severity.WARNING, message, "not copied"))
