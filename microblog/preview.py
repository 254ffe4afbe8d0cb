"""The site being previewed: what it watches, how it rebuilds, and what the server shows.

Each rebuild takes the build's incremental path (a post file parsed before is not parsed
again, only pages whose inputs changed are rendered, and only changed files written; its
output is always a clean build's); site.yaml is read again each time.
A failed build never raises here: it becomes errors that the server shows as a page.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from microblog.assets import static_tree
from microblog.buildcache import BuildCache
from microblog.config import ConfigError, SiteConfig, load_config
from microblog.lockfile import lock_path
from microblog.output import OutputError
from microblog.pipeline import BuildResult, build_to_folder
from microblog.render import RenderError
from microblog.site_templates import templates_tree
from microblog.sources import CONTENT_SUFFIXES
from microblog.sources.discover import content_tree
from microblog.walk import Found, Tree, walk


@dataclass
class PreviewState:
    """What the server shows: the output folder, or the errors of the last failed build."""

    root: Path
    base_path: str
    errors: tuple[str, ...] = ()
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def show_site(self, root: Path, base_path: str) -> None:
        with self.lock:
            self.root, self.base_path, self.errors = root, base_path, ()

    def show_errors(self, lines: Sequence[str]) -> None:
        with self.lock:
            self.errors = tuple(lines) or ("the build failed",)

    def snapshot(self) -> tuple[Path, str, tuple[str, ...]]:
        with self.lock:
            return self.root, self.base_path, self.errors


Snapshot = dict[str, tuple[int, int, int]]


def snapshot_files(watched: Iterable[Path | Tree], exclude: Iterable[Path] = ()) -> Snapshot:
    """(mtime, size, inode) of every file the walk finds in each of `watched` (a plain folder
    is walked as a Tree of its own: no hidden names, OS litter or editor backups), and of each
    plain file; nothing under `exclude` (the output folder)."""
    excluded = list(exclude)
    found: Snapshot = {}
    for item in watched:
        if isinstance(item, Path) and not item.is_dir():
            _stat_into(found, item)
            continue
        tree = item if isinstance(item, Tree) else Tree(item, inside=item)
        for entry in walk(tree, exclude=excluded):
            if isinstance(entry, Found):
                _stat_into(found, entry.path)
    return found


def _stat_into(found: Snapshot, path: Path) -> None:
    with contextlib.suppress(OSError):
        stat = path.stat()
        found[str(path)] = (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def changed_files(before: Snapshot, after: Snapshot) -> list[str]:
    """Paths added, removed or modified between two snapshots, sorted."""
    paths = before.keys() | after.keys()
    return sorted(path for path in paths if before.get(path) != after.get(path))


@dataclass(frozen=True, slots=True)
class BuildReport:
    """One build of the preview: what changed, and the result or the errors to show."""

    changed: tuple[str, ...]
    config: SiteConfig
    result: BuildResult | None = None
    errors: tuple[str, ...] = ()
    exception: BaseException | None = None  # an unexpected one: a bug to report

    @property
    def ok(self) -> bool:
        return self.result is not None


class Preview:
    """The site being previewed: re-reads site.yaml and rebuilds it on every change, as
    `build` does (only what changed is parsed, rendered and written)."""

    def __init__(
        self,
        config: SiteConfig,
        overrides: Mapping[str, str],
        *,
        source_date_epoch: int | None = None,
    ) -> None:
        self.config = config
        self.overrides = dict(overrides)
        self.source_date_epoch = source_date_epoch
        self.state = PreviewState(config.output_dir, unquote(config.base_path))
        self.state.show_errors(["the site has not been built yet"])
        self._seen: Snapshot = {}

    def watched(self) -> list[Path | Tree]:
        """What a build reads, walked as the build walks it; site.yaml and urls.lock."""
        config = self.config
        return [
            content_tree(config.site_dir, config.content_dir, CONTENT_SUFFIXES),
            templates_tree(config),
            static_tree(config),
            config.config_path,
            lock_path(config),
        ]

    def _snapshot(self) -> Snapshot:
        return snapshot_files(self.watched(), exclude=[self.config.output_dir])

    def poll(self) -> BuildReport | None:
        """Rebuild if anything watched changed since the last build."""
        now = self._snapshot()
        changed = changed_files(self._seen, now)
        return self.rebuild(changed, now) if changed else None

    def rebuild(self, changed: Sequence[str] = (), seen: Snapshot | None = None) -> BuildReport:
        """Build once; a failure is shown by the server (and reported), never raised."""
        watched = self.watched()
        self._seen = self._snapshot() if seen is None else seen
        report = self._build(tuple(changed))
        if self.watched() != watched:
            self._seen = self._snapshot()
        if report.ok:
            self.state.show_site(report.config.output_dir, unquote(report.config.base_path))
        else:
            self.state.show_errors(report.errors)
        return report

    def _build(self, changed: tuple[str, ...]) -> BuildReport:
        try:
            self.config = load_config(self.config.config_path, self.overrides)
            epoch = self.source_date_epoch
            cache = BuildCache.for_build(self.config, epoch, fingerprint=False)
            with cache.locked():  # the build's incremental path, without its whole-build check
                result = build_to_folder(self.config, source_date_epoch=epoch, cache=cache)
                cache.remember(result.problems, "", result.page_keys)
        except ConfigError as exc:
            return BuildReport(changed, self.config, errors=tuple(map(str, exc.problems)))
        except RenderError as exc:
            return BuildReport(changed, self.config, errors=(str(exc.problem),))
        except (OutputError, OSError) as exc:
            return BuildReport(changed, self.config, errors=(f"cannot write the site: {exc}",))
        except Exception as exc:  # a bug: keep serving, show it and let the caller report it
            message = f"internal error: {type(exc).__name__}: {exc} (please report it)"
            return BuildReport(changed, self.config, errors=(message,), exception=exc)
        return BuildReport(changed, self.config, result=result)
