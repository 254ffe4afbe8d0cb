"""The site's own templates/: read only from inside the site, and inspected before a build."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from jinja2.loaders import split_template_path

from microblog.config import SiteConfig
from microblog.paths import NotInsideError, display_path, is_within, open_inside, site_relative
from microblog.problems import Problem, Severity

DEFAULT_TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE_SUFFIXES = frozenset({".html", ".htm", ".xml", ".j2", ".jinja", ".jinja2"})
MAX_TEMPLATE_BYTES = 1024 * 1024  # a template is code: a bigger one is a mistake
STOPS_THE_BUILD = "build stopped; previous output kept"
STOPS_A_BUILD = "a build stops at the first page that uses it"


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


def inspect_templates(config: SiteConfig, env: jinja2.Environment) -> list[Problem]:
    """Problems with the site's templates/, found without rendering anything.

    Every template file (by suffix) is read as the build would read it and compiled; links
    leading out of the site, broken links and files that are not regular files are reported.
    Hidden files and editor backups (`post.html~`) are skipped, as the preview's watch does.
    """
    folder = config.templates_dir
    if not os.path.lexists(folder):
        return []
    inspection = _Inspection(config, env, os.path.realpath(config.site_dir))
    inspection.seen.add(os.path.realpath(config.output_dir))  # a built site is not templates
    if inspection.allowed(folder):
        inspection.folder(folder)
    return inspection.problems


@dataclass
class _Inspection:
    config: SiteConfig
    env: jinja2.Environment
    site_real: str
    problems: list[Problem] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    def warn(self, path: Path, code: str, message: str, action: str) -> None:
        shown = site_relative(path, self.config.site_dir)
        self.problems.append(Problem(shown, 0, code, Severity.WARNING, message, action))

    def allowed(self, path: Path) -> bool:
        """Whether `path` may be read: a link must resolve, and stay inside the site."""
        top = self.config.templates_dir
        stands_in = path != top and (DEFAULT_TEMPLATES / path.relative_to(top)).is_file()
        action = "not read; the default template of that name is used" if stands_in else "not read"
        if path.is_symlink() and not path.exists():
            self.warn(path, "MB071", "broken symbolic link", action)
            return False
        if not is_within(os.path.realpath(path), self.site_real):
            self.warn(path, "MB071", "symbolic link leads outside the site folder", action)
            return False
        return True

    def folder(self, folder: Path) -> None:
        self.seen.add(os.path.realpath(folder))
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as exc:
            self.warn(folder, "MB072", f"cannot list folder: {exc.strerror or exc}", "not read")
            return
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith(".") or entry.name.endswith("~") or not self.allowed(path):
                continue
            if entry.is_dir():
                if os.path.realpath(path) not in self.seen:  # a link loop is walked once
                    self.folder(path)
            elif not entry.is_file():
                self.warn(path, "MB072", "not a regular file", "not read")
            elif path.suffix.lower() in TEMPLATE_SUFFIXES:
                self.compile(path)

    def compile(self, path: Path) -> None:
        try:
            text = read_template(path, self.site_real)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            self.warn(path, "MB072", f"template cannot be read: {exc}", STOPS_A_BUILD)
            return
        try:
            self.env.compile(text, filename=str(path))
        except jinja2.TemplateSyntaxError as exc:
            shown = site_relative(path, self.config.site_dir)
            message = f"template error: {exc.message or exc}"
            self.problems.append(template_problem(shown, exc.lineno, message, STOPS_A_BUILD))
