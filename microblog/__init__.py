"""microblog: turn a microblog archive into a fast, permanent static site."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from microblog.config import ConfigError, SiteConfig, load_config
    from microblog.pipeline import BuildResult, Content, build_site, read_site

__all__ = [
    "BuildResult",
    "ConfigError",
    "Content",
    "SiteConfig",
    "build_site",
    "load_config",
    "read_site",
]
__version__ = "0.1.0"

_HOMES = {"ConfigError": "config", "SiteConfig": "config", "load_config": "config"}


def __getattr__(name: str) -> Any:
    """The public names, imported when first used: a command that needs no build (a build
    with nothing changed, `explain`) does not pay for Markdown, Jinja2 and the readers."""
    if name not in __all__:
        raise AttributeError(f"module 'microblog' has no attribute {name!r}")
    return getattr(importlib.import_module(f"microblog.{_HOMES.get(name, 'pipeline')}"), name)
