"""Jinja2: the site's templates over the package defaults, Page -> bytes."""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import jinja2
from markupsafe import Markup

from microblog.config import SiteConfig
from microblog.model import Post
from microblog.pages import Page, Urls
from microblog.paths import display_path, is_within
from microblog.problems import Problem, Severity
from microblog.text.titles import shorten

DEFAULT_TEMPLATES = Path(__file__).parent / "templates"
UNUSABLE = "a build stops at the first page that uses it"


class SiteTemplateLoader(jinja2.FileSystemLoader):
    """The site's templates/ folder; a template whose real path leaves the site is not read."""

    def __init__(self, folder: Path, site_dir: Path) -> None:
        super().__init__(folder, followlinks=False)
        self.site_real = os.path.realpath(site_dir)

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        if not is_within(os.path.realpath(filename), self.site_real):
            raise jinja2.TemplateNotFound(template)  # fall back to the package default
        return source, filename, uptodate


class RenderError(Exception):
    """A template failed: the problem names the template file and line."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def make_environment(config: SiteConfig) -> jinja2.Environment:
    """Site templates win file by file; `default/NAME` always reaches the package's own."""
    defaults = jinja2.FileSystemLoader(DEFAULT_TEMPLATES)
    loaders: list[jinja2.BaseLoader] = []
    if config.templates_dir.is_dir():
        loaders.append(SiteTemplateLoader(config.templates_dir, config.site_dir))
    loaders += [defaults, jinja2.PrefixLoader({"default": defaults})]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    urls = Urls(config)
    tz = config.tz
    env.globals.update(
        site=config,
        url=urls.url,
        absolute_url=urls.absolute,
        post_path=Urls.post,
        tag_path=Urls.tag,
        home_path=Urls.home,
    )
    env.globals["card"] = _card_renderer(env)
    env.filters.update(
        local=lambda value: value.astimezone(tz) if isinstance(value, datetime) else value,
        shorten=shorten,
    )
    return env


def inspect_templates(config: SiteConfig) -> list[Problem]:
    """Problems with the site's own templates/, found without rendering anything.

    A file linked from outside the site is never read (the package default stands in) and a
    template that does not parse would stop the build: both are said before it is run.
    """
    folder = config.templates_dir
    if not folder.is_dir() and not folder.is_symlink():
        return []
    site_real = os.path.realpath(config.site_dir)
    if not is_within(os.path.realpath(folder), site_real):
        return [_outside_link(config, folder)]
    problems: list[Problem] = []
    env = make_environment(config)
    for top, dirs, files in os.walk(folder):  # links to folders are not walked into
        for name in sorted(dirs + files):
            path = Path(top, name)
            if name in dirs and not path.is_symlink():
                continue
            if not is_within(os.path.realpath(path), site_real):
                problems.append(_outside_link(config, path))
            elif name in files and not name.startswith("."):
                problems.extend(_parse_problems(env, path))
        dirs.sort()
    return problems


def _parse_problems(env: jinja2.Environment, path: Path) -> list[Problem]:
    try:
        env.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except jinja2.TemplateSyntaxError as exc:
        message = f"template error: {exc.message or exc}"
        return [_template_problem(str(path), exc.lineno, message, UNUSABLE)]
    except (OSError, UnicodeDecodeError) as exc:
        return [_template_problem(str(path), 0, f"template cannot be read: {exc}", UNUSABLE)]
    return []


def _outside_link(config: SiteConfig, path: Path) -> Problem:
    return Problem(
        path.relative_to(config.site_dir).as_posix(),
        0,
        "MB071",
        Severity.WARNING,
        "symbolic link leads outside the site folder",
        "not read; the default template is used",
    )


def _card_renderer(env: jinja2.Environment) -> Callable[[Post], Markup]:
    """`card(post)`: the `post_card` macro of `_macros.html`, rendered once per post.

    A post's card is the same on the home page and on each of its tag pages; rendering it once
    makes listing pages cheap on large archives (see benchmarks/build.py).
    """
    cards: dict[str, Markup] = {}

    def card(post: Post) -> Markup:
        html = cards.get(post.id)
        if html is None:
            macros = env.get_template("_macros.html").module
            html = cards[post.id] = Markup(macros.post_card(post))  # type: ignore[attr-defined]
        return html

    return card


def render_page(env: jinja2.Environment, page: Page) -> bytes:
    """Render one page; any template failure becomes a RenderError naming file and line."""
    try:
        template = env.get_template(page.template)
        html = template.render({**page.context, "page_path": page.path})
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or exc.name or page.template
        raise RenderError(
            _template_problem(where, exc.lineno, f"template error: {exc.message or exc}")
        ) from exc
    except jinja2.TemplateNotFound as exc:
        raise RenderError(
            _template_problem(page.template, 0, f"template error: template not found: {exc.name}")
        ) from exc
    except Exception as exc:  # a template raised: find its frame for file and line
        filename, line = _template_frame(exc)
        message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise RenderError(
            _template_problem(
                filename or page.template,
                line,
                f"template error: {message} (rendering {page.path})",
            )
        ) from exc
    return html.encode("utf-8")


def _template_frame(exc: BaseException) -> tuple[str | None, int]:
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".j2", ".jinja")):
            return frame.filename, frame.lineno or 0
    return None, 0


def _template_problem(
    filename: str,
    line: int | None,
    message: str,
    action: str = "build stopped; previous output kept",
) -> Problem:
    return Problem(display_path(filename), line or 0, "MB070", Severity.ERROR, message, action)
