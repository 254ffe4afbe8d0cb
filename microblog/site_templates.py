"""The site's own templates/: read only from inside the site, and inspected before a build."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import jinja2
from jinja2.loaders import split_template_path

from microblog.config import SiteConfig
from microblog.paths import NotInsideError, display_path, open_inside, readable_relative
from microblog.problems import Problem, Severity
from microblog.walk import Skip, Skipped, Tree, walk

DEFAULT_TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE_SUFFIXES = frozenset({".html", ".htm", ".xml", ".j2", ".jinja", ".jinja2"})
MAX_TEMPLATE_BYTES = 1024 * 1024  # a template is code: a bigger one is a mistake
STOPS_THE_BUILD = "build stopped; previous output kept"
STOPS_A_BUILD = "a build stops at the first page that uses it"
_USES_DEFAULT = "not read; the default template of that name is used"


class SiteTemplateLoader(jinja2.BaseLoader):
    """Templates from the site's templates/ folder, each proven to lie inside the site.

    A name that is missing here, or leads out of the site, is left to the package defaults
    (inspect_templates says so); one that cannot be read as a template stops the render.
    """

    def __init__(self, folder: Path, site_dir: Path) -> None:
        self.folder = folder
        self.site_real = os.path.realpath(site_dir)

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        path = self.folder.joinpath(*split_template_path(template))
        try:
            mtime = path.stat().st_mtime
            text = read_template(path, self.site_real)
        except (FileNotFoundError, NotADirectoryError, NotInsideError) as exc:
            raise jinja2.TemplateNotFound(template) from exc
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise jinja2.TemplateSyntaxError(
                f"template cannot be read: {exc}", 1, template, str(path)
            ) from exc

        def uptodate() -> bool:
            try:
                return path.stat().st_mtime == mtime
            except OSError:
                return False

        return text, str(path), uptodate


def read_template(path: Path, site_real: str) -> str:
    """A template's text: a regular UTF-8 file inside the site of at most 1 MB."""
    with open_inside(path, site_real) as handle:
        size = os.fstat(handle.fileno()).st_size
        data = handle.read(min(size, MAX_TEMPLATE_BYTES) + 1)
    if len(data) > MAX_TEMPLATE_BYTES:
        raise ValueError(f"larger than {MAX_TEMPLATE_BYTES // 1024} KB")
    return data.decode("utf-8")


def template_problem(
    filename: str, line: int | None, message: str, action: str = STOPS_THE_BUILD
) -> Problem:
    return Problem(display_path(filename), line or 0, "MB070", Severity.ERROR, message, action)


def templates_tree(config: SiteConfig) -> Tree:
    """What a build may read of the site's templates/: every name (a template can include
    any file), links followed inside the site."""
    return Tree(config.templates_dir, inside=config.site_dir)


def inspect_templates(config: SiteConfig, env: jinja2.Environment) -> list[Problem]:
    """Problems with the site's templates/, found without rendering anything.

    Every template file (by suffix) is read as the build would read it and compiled; links
    leading out of the site, broken links and files that are not regular files are reported.
    Hidden files and editor backups (`post.html~`) are skipped, as the preview's watch does.
    """
    site_real = os.path.realpath(config.site_dir)
    problems: list[Problem] = []
    for item in walk(templates_tree(config), exclude=[config.output_dir]):
        shown = readable_relative(item.path, config.site_dir)
        if isinstance(item, Skipped):
            _skipped(item, shown, problems)
        elif item.path.suffix.lower() in TEMPLATE_SUFFIXES:
            problems.extend(_compile(item.path, shown, site_real, env))
    return problems


def _skipped(item: Skipped, shown: str, problems: list[Problem]) -> None:
    def warn(code: str, message: str, action: str = "not read") -> None:
        problems.append(Problem(shown, 0, code, Severity.WARNING, message, action))

    match item.reason:
        case Skip.BROKEN | Skip.OUTSIDE:
            stands_in = bool(item.relative) and (DEFAULT_TEMPLATES / item.relative).is_file()
            warn("MB071", item.reason.value, _USES_DEFAULT if stands_in else "not read")
        case Skip.UNLISTABLE:
            warn("MB072", f"cannot list folder: {item.detail}")
        case Skip.NOT_REGULAR | Skip.TOO_DEEP:
            warn("MB072", item.reason.value)
        case _:  # a loop or a folder reached again is walked once
            pass


def _compile(path: Path, shown: str, site_real: str, env: jinja2.Environment) -> list[Problem]:
    try:
        text = read_template(path, site_real)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        message = f"template cannot be read: {exc}"
        return [Problem(shown, 0, "MB072", Severity.WARNING, message, STOPS_A_BUILD)]
    try:
        env.compile(text, filename=str(path))
    except jinja2.TemplateSyntaxError as exc:
        message = f"template error: {exc.message or exc}"
        return [template_problem(shown, exc.lineno, message, STOPS_A_BUILD)]
    return []
