"""site.yaml: defaults, validation with every error at once, overrides and provenance."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from microblog.config import FINGERPRINT_FORMAT, ConfigError, SiteConfig, load_config
from microblog.paths import display_path
from microblog.settings import entries_in, sections, settings, with_flags
from tests.conftest import REPO


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def messages(error: ConfigError) -> list[str]:
    return [str(problem) for problem in error.problems]


def test_minimal_config_gets_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "title: T\nbase_url: https://example.org/archive\n"))
    assert config.base_url == "https://example.org/archive/"
    assert config.base_path == "/archive/"
    assert config.posts_per_page == 20
    assert config.feed.items == 20 and config.feed.full_content is True
    assert config.content_dir == tmp_path / "content"
    assert config.output_dir == tmp_path / "_site"
    assert config.timezone == "UTC" and config.language == "en"
    assert config.origin("title") == f"{display_path(tmp_path / 'site.yaml')}:1"
    assert config.origin("posts_per_page") == "default"
    assert config.origin("feed.items") == "default"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", "site.yaml: error MB006 missing required key 'title'"),
        (
            "- a\n- b\n",
            "site.yaml:1: error MB003 must be a mapping of keys (title: ..., base_url: ...), "
            "not a list",
        ),
        (
            "just text\n",
            "site.yaml:1: error MB003 must be a mapping of keys (title: ..., base_url: ...), "
            "not a single value",
        ),
        ("title: [unclosed\n", "site.yaml:2: error MB002 invalid YAML: expected ','"),
        ("title: &a x\nbase_url: *a\n", "site.yaml:2: error MB002 invalid YAML: aliases"),
        (
            "title: !!python/object:os.system {}\nbase_url: https://x.org/\n",
            "site.yaml:1: error MB002 invalid YAML: could not determine a constructor",
        ),
        (
            "title: T\nbase_url: javascript:alert(1)\n",
            "site.yaml:2: error MB005 key 'base_url' must be an absolute http(s) URL",
        ),
        (
            "title: T\nbase_url: https://x.org/\ndate: 2024-02-30\n",
            "site.yaml:3: error MB005 key 'date' is not a valid date",
        ),
        (
            "title: T\nbase_url: https://x.org/\nfeed: 3\n",
            "site.yaml:3: error MB005 key 'feed' must be a mapping (items: 20, "
            "full_content: true, footer_link: true, archive: true, digest: null, "
            "digest_tags: false)",
        ),
    ],
)
def test_fatal_config_problems(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    folder = display_path(tmp_path / "site.yaml").removesuffix("site.yaml")
    lines = messages(caught.value)
    assert any(line.startswith(folder + expected) for line in lines), lines
    for line in lines:  # one line each, naming the file
        assert "\n" not in line and line.startswith(folder + "site.yaml"), line


def test_yaml_one_one_surprises_stay_text(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "title: 1234\nbase_url: https://x.org\nlanguage: no\n"))
    assert config.title == "1234"
    assert config.language == "no"


def test_overrides_win_and_are_remembered(tmp_path: Path) -> None:
    path = write(tmp_path, "title: T\nbase_url: https://x.org/\n")
    config = load_config(path, {"base_url": "https://user.github.io/archive"})
    assert config.base_url == "https://user.github.io/archive/"
    assert config.origin("base_url") == "--base-url"
    with pytest.raises(ConfigError) as caught:
        load_config(path, {"base_url": "ftp://x"})
    assert "--base-url" in messages(caught.value)[0]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "nope.yaml")
    assert "config file not found" in messages(caught.value)[0]


def test_config_date_in_site_timezone(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            "title: T\nbase_url: https://x.org/\ntimezone: Asia/Kolkata\ndate: 2024-05-01\n",
        )
    )
    assert config.date is not None
    assert config.date.isoformat() == "2024-05-01T00:00:00+05:30"


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "title: T\nbase_url: https://x.org/\ntimezone: UTC\ntimezone: UTC\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert (
        "site.yaml:4: error MB002 invalid YAML: duplicate key 'timezone'"
        in messages(caught.value)[0]
    )


@pytest.mark.parametrize("url", ["https://ü..org/", "https://x.org:port/", "http:///path"])
def test_bad_hosts_are_config_errors(tmp_path: Path, url: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, f"title: T\nbase_url: '{url}'\n"))
    assert "base_url" in messages(caught.value)[0]


def test_international_host_is_accepted_and_feeds_stay_ascii(tmp_path: Path) -> None:
    from microblog.pages import Urls

    config = load_config(write(tmp_path, "title: T\nbase_url: https://bücher.example/ü/\n"))
    assert Urls(config).absolute("index.html") == "https://xn--bcher-kva.example/%C3%BC/"


def test_every_error_is_reported_at_once_with_its_code_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "titel: T\nbase_url: /relative/\nposts_per_page: many\ntimezone: Mars/Olympus\n"
        "feed:\n  itmes: 3\n  full_content: no\ndate: 2024-02-30\n",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path, {"output_dir": ""})
    shown = display_path(path)
    assert messages(caught.value) == [
        f"{shown}:1: error MB004 unknown key 'titel' (did you mean 'title'?)",
        f"{shown}:2: error MB005 key 'base_url' must be an absolute http(s) URL, not '/relative/'",
        f"{shown}:3: error MB005 key 'posts_per_page' must be a whole number",
        f"{shown}:4: error MB005 key 'timezone' is not a known time zone (like 'UTC' or "
        "'Europe/Madrid'): 'Mars/Olympus'",
        "--output: error MB005 --output must not be empty",
        f"{shown}: error MB006 missing required key 'title'",
        f"{shown}:6: error MB004 unknown key 'feed.itmes' (did you mean 'feed.items'?)",
        f"{shown}:7: error MB005 key 'feed.full_content' must be true or false",
        f"{shown}:8: error MB005 key 'date' is not a valid date",
    ]


def test_site_config_has_one_attribute_per_setting() -> None:
    """Each setting of the table is an attribute, with the table's default."""
    config_fields = {f.name: f for f in dataclasses.fields(SiteConfig)}
    assert list(config_fields)[:2] == ["site_dir", "config_path"]
    assert list(config_fields)[-1] == "origins"
    top = [entry.key for entry in entries_in("")]
    assert list(config_fields)[2:-1] == top
    for section in sections():
        factory = config_fields[section.name].default_factory
        assert dataclasses.is_dataclass(factory) and isinstance(factory, type)
        inner = [f.name for f in dataclasses.fields(factory)]
        assert inner == [entry.key for entry in entries_in(section.name)]
    defaults = SiteConfig(
        site_dir=Path("/s"), config_path=Path("/s/site.yaml"), title="", base_url=""
    )
    for setting in settings():
        if not setting.required:
            wanted = Path(setting.default) if setting.folder else setting.default
            assert defaults.value(setting.name) == wanted, setting.name


def test_only_settings_with_a_flag_can_be_overridden(tmp_path: Path) -> None:
    path = write(tmp_path, "title: T\nbase_url: https://x.org/\n")
    assert {setting.name: setting.flag for setting in with_flags()} == {
        "base_url": "--base-url",
        "output_dir": "--output",
    }
    with pytest.raises(KeyError, match="title"):
        load_config(path, {"title": "Another"})


def test_folders_are_relative_to_the_site_or_to_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    path = write(site, "title: T\nbase_url: https://x.org/\noutput_dir: ../out\n")
    monkeypatch.chdir(tmp_path)
    assert load_config(path).output_dir == tmp_path / "out"
    config = load_config(path, {"output_dir": "built"})
    assert config.output_dir == tmp_path / "built"
    assert config.origin("output_dir") == "--output"


def test_config_is_hashable_and_origins_are_read_only(tmp_path: Path) -> None:
    path = write(tmp_path, "title: T\nbase_url: https://x.org/\nfeed:\n  items: 5\n")
    first, second = load_config(path), load_config(path)
    assert first == second and hash(first) == hash(second)
    assert len({first, second}) == 1
    assert first.origin("feed.items") == f"{display_path(path)}:4"
    assert sorted(first.origins.items())[0] == ("base_url", f"{display_path(path)}:2")
    with pytest.raises(TypeError):
        first.origins["title"] = "elsewhere"  # type: ignore[index]
    # where a value came from is not part of it
    same_url = load_config(path, {"base_url": "https://x.org/"})
    assert same_url.origin("base_url") == "--base-url"
    assert same_url == first and same_url.fingerprint() == first.fingerprint()


SITE = "title: T\nbase_url: https://x.org/\n"


@pytest.mark.parametrize(
    "change",
    [
        "title: U\n",
        "base_url: https://x.org/blog/\n",
        "author: A\n",
        "description: D\n",
        "language: es\n",
        "timezone: Europe/Madrid\n",
        "content_dir: posts\n",
        "output_dir: out\n",
        "posts_per_page: 5\n",
        "feed:\n  items: 5\n",
        "feed:\n  full_content: false\n",
        "date: 2024-05-01\n",
        "dates_from_git: false\n",
        "cname: blog.example.org\n",
    ],
)
def test_every_setting_changes_the_fingerprint(tmp_path: Path, change: str) -> None:
    base = load_config(write(tmp_path, SITE)).fingerprint()
    assert re.fullmatch(r"[0-9a-f]{64}", base)
    key = change.split(":")[0]
    kept = [line for line in SITE.splitlines(keepends=True) if not line.startswith(key + ":")]
    assert load_config(write(tmp_path, "".join(kept) + change)).fingerprint() != base


def test_fingerprint_is_the_same_in_another_process(tmp_path: Path) -> None:
    path = write(tmp_path, SITE + "date: 2024-05-01T09:30\ntimezone: Asia/Kolkata\n")
    script = (
        "import sys; from pathlib import Path; from microblog.config import load_config; "
        "sys.stdout.write(load_config(Path(sys.argv[1])).fingerprint())"
    )
    other = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env={**os.environ, "PYTHONHASHSEED": "12345"},  # another order of sets and dicts
    )
    assert other.stdout == load_config(path).fingerprint()


def test_fingerprint_is_pinned() -> None:
    """A change to what the fingerprint hashes must change FINGERPRINT_FORMAT too."""
    config = SiteConfig(
        site_dir=Path("/site"),
        config_path=Path("/site/site.yaml"),
        title="Tïtle",
        base_url="https://x.org/",
        content_dir=Path("/site/content"),
        output_dir=Path("/site/_site"),
        date=datetime(2024, 5, 1, 9, 30, tzinfo=ZoneInfo("Asia/Kolkata")),
    )
    assert FINGERPRINT_FORMAT == "microblog-settings-5"
    assert config.fingerprint() == (
        "60e77ddf4b84d77053a6ec748a75adafc45e12a37537df47c7513825c8be365e"
    )
