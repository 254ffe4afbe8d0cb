"""microblog: turn a microblog archive into a fast, permanent static site."""

from microblog.config import ConfigError, SiteConfig, load_config
from microblog.content import Content, load_content

__all__ = ["ConfigError", "Content", "SiteConfig", "load_config", "load_content"]
__version__ = "0.1.0"
