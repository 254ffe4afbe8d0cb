"""microblog: turn a microblog archive into a fast, permanent static site."""

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
