"""Jinja2: the site's templates over the package defaults, Page -> bytes."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from microblog.charts import column_chart, row_chart
from microblog.config import SiteConfig
from microblog.dates import full_date, month_label, readable_date, readable_time
from microblog.model import NETWORK_NAMES, Post
from microblog.onthisday import month_day_label
from microblog.pagecache import TAG_POSTS, LookedUp
from microblog.pages import Page
from microblog.problems import Problem
from microblog.site_templates import DEFAULT_TEMPLATES, SiteTemplateLoader, template_problem
from microblog.taxonomy import TagIndex
from microblog.text.titles import shorten
from microblog.urls import Urls


class RenderError(Exception):
    """A template failed: the problem names the template file and line."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class WatchedTemplate(jinja2.Template):
    """A template whose module (made once, for `{% import %}`, `{% from %}` and `card`) notes
    again, each time it is used, the posts its top-level code looked up while it was made:
    every page using the module depends on them, not only the first one (pagecache.py)."""

    _module_looked_up: tuple[str, ...] = ()

    def _get_default_module(self, ctx: jinja2.runtime.Context | None = None) -> Any:
        looked_up = getattr(self.environment, "looked_up", None)
        if looked_up is None:
            return super()._get_default_module(ctx)
        made = self._module is None
        with looked_up.watch() as ids:
            module = super()._get_default_module(ctx)
        if module is self._module:
            if made:
                self._module_looked_up = tuple(ids)
            looked_up.note(self._module_looked_up)
        return module


class SiteEnvironment(jinja2.Environment):
    """Templates read a post's HTML as `post.html`: its links resolved for the pages of this
    site (a record keeps them open, text/linked.py), once per post."""

    template_class = WatchedTemplate
    urls: Urls
    looked_up: LookedUp  # posts_by_id, noting what each page looks up (pagecache.py)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if attribute == "html" and isinstance(obj, Post):
            return Markup(self.urls.post_html(obj))
        if attribute == "posts" and isinstance(obj, TagIndex):
            self.looked_up.note((TAG_POSTS + obj.slug,))
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if argument == "posts" and isinstance(obj, TagIndex):
            self.looked_up.note((TAG_POSTS + obj.slug,))
        return super().getitem(obj, argument)


class _CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled once a process, kept by name and a checksum of their source (Jinja
    checks it), so that every build of the preview or the tests does not compile them again."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


def make_environment(config: SiteConfig, urls: Urls, posts: Sequence[Post] = ()) -> SiteEnvironment:
    """Site templates win file by file; `default/NAME` always reaches the package's own."""
    defaults = jinja2.FileSystemLoader(DEFAULT_TEMPLATES)
    loaders: list[jinja2.BaseLoader] = []
    if config.templates_dir.is_dir():
        loaders.append(SiteTemplateLoader(config.templates_dir, config.site_dir))
    loaders += [defaults, jinja2.PrefixLoader({"default": defaults})]
    env = SiteEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        bytecode_cache=_COMPILED,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.urls = urls
    env.looked_up = LookedUp({post.id: post for post in posts})
    tz = config.tz
    env.globals.update(
        site=config,
        url=urls.url,
        absolute_url=urls.absolute,
        post_path=Urls.post,
        tag_path=Urls.tag,
        home_path=Urls.home,
        digest_path=Urls.digest,
        digest_feed_path=Urls.digest_feed,
        stats_path=Urls.STATS,
        on_this_day_index=Urls.ON_THIS_DAY,
        on_this_day_path=Urls.on_this_day,
        on_this_day_script=Urls.ON_THIS_DAY_SCRIPT,
        month_day_label=month_day_label,
        month_label=month_label,
        column_chart=column_chart,
        row_chart=row_chart,
        posts_by_id=env.looked_up,  # a reply's parent, when it is ours
    )
    env.globals["card"] = _card_renderer(env)
    env.filters.update(
        local=lambda value: value.astimezone(tz) if isinstance(value, datetime) else value,
        shorten=shorten,
        direction=text_direction,
        http_url=http_url,
        network_name=lambda network: NETWORK_NAMES.get(network, "the web"),
        network_of=network_of,
        readable_date=readable_date,
        readable_time=readable_time,
        full_date=full_date,
    )
    return env


_TWITTER_HOSTS = frozenset({"twitter.com", "www.twitter.com", "mobile.twitter.com", "x.com"})


def http_url(value: object) -> str:
    """`value` when it is an absolute http(s) address a page may link to, else "": imported
    data names addresses, and only these may become links."""
    if not isinstance(value, str) or len(value) > 4000:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    if any(ord(char) <= 0x20 or char in '"<>\\^`{|}' or ord(char) == 0x7F for char in value):
        return ""
    return value


def network_of(url: str) -> str:
    """Which network an address of a post is on."""
    host = (urlsplit(url).hostname or "").lower()
    return "twitter" if host in _TWITTER_HOSTS else "mastodon"


# Languages and scripts written right to left (BCP 47 primary subtags and script subtags).
_RTL_LANGUAGES = frozenset(
    {"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ji", "ks", "ps", "sd", "syr", "ug", "ur", "yi"}
)
_RTL_SCRIPTS = frozenset({"arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg"})


def text_direction(lang: str) -> str:
    """`rtl` for a language tag written right to left (`ar`, `he-IL`, `az-Arab`), else `ltr`."""
    parts = lang.lower().replace("_", "-").split("-")
    if parts[0] in _RTL_LANGUAGES or any(part in _RTL_SCRIPTS for part in parts[1:]):
        return "rtl"
    return "ltr"


def _card_renderer(env: SiteEnvironment) -> Callable[..., Markup]:
    """`card(post, level=2)`: the `post_card` macro of `_macros.html`, rendered once per post
    and heading level (h2 in a list; h3 under a list's own h2, as a day page's years).

    A post's card is the same on the home page and on each of its tag pages; rendering it once
    makes listing pages cheap on large archives (see benchmarks/build.py). The posts its
    rendering looked up by id count as looked up by each page that shows it.
    """
    cards: dict[tuple[str, int], tuple[Markup, tuple[str, ...]]] = {}

    def card(post: Post, level: int = 2) -> Markup:
        known = cards.get((post.id, level))
        if known is None:
            macros = env.get_template("_macros.html").module
            with env.looked_up.watch() as ids:
                html = Markup(macros.post_card(post, level))  # type: ignore[attr-defined]
            known = cards[(post.id, level)] = (html, tuple(ids))
        env.looked_up.note(known[1])
        return known[0]

    return card


def render_page(env: jinja2.Environment, page: Page) -> bytes:
    """Render one page; any template failure becomes a RenderError naming file and line."""
    try:
        template = env.get_template(page.template)
        html = template.render({**page.context, "page_path": page.path})
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or exc.name or page.template
        raise RenderError(
            template_problem(where, exc.lineno, f"template error: {exc.message or exc}")
        ) from exc
    except jinja2.TemplateNotFound as exc:
        filename, line = _template_frame(exc)  # the template that includes or extends it
        raise RenderError(
            template_problem(
                filename or page.template, line, f"template error: template not found: {exc.name}"
            )
        ) from exc
    except Exception as exc:  # a template raised: find its frame for file and line
        filename, line = _template_frame(exc)
        message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise RenderError(
            template_problem(
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
