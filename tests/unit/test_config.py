"""site.yaml: defaults, validation with every error at once, overrides and provenance."""

from __future__ import annotations

from pathlib import Path

import pytest

from microblog.config import ConfigError, load_config


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
    assert config.origin("title") == f"{tmp_path / 'site.yaml'}:1" or config.origin(
        "title"
    ).endswith("site.yaml:1")
    assert config.origin("posts_per_page") == "default"


def test_every_error_is_reported_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "titel: T\nbase_url: /relative/\nposts_per_page: many\n"
        "timezone: Mars/Olympus\nfeed:\n  itmes: 3\n",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    text = "\n".join(messages(caught.value))
    assert "unknown key 'titel' (did you mean 'title'?)" in text
    assert "site.yaml:1:" in text
    assert "base_url" in text and "absolute http(s) URL" in text and "site.yaml:2:" in text
    assert "posts_per_page" in text and "site.yaml:3:" in text
    assert "Mars/Olympus" in text
    assert "unknown key 'feed.itmes' (did you mean 'feed.items'?)" in text
    assert "missing required key 'title'" in text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", "missing required key 'title'"),
        ("- a\n- b\n", "not a list"),
        ("just text\n", "not a single value"),
        ("title: [unclosed\n", "invalid YAML"),
        ("title: &a x\nbase_url: *a\n", "aliases"),
        ("title: !!python/object:os.system {}\nbase_url: https://x.org/\n", "invalid YAML"),
        ("title: T\nbase_url: javascript:alert(1)\n", "absolute http(s) URL"),
        ("title: T\nbase_url: https://x.org/\ndate: 2024-02-30\n", "'date' is not a valid date"),
    ],
)
def test_fatal_config_problems(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert expected.replace("not a list", "not a list") in "\n".join(messages(caught.value)) or (
        expected in "\n".join(messages(caught.value))
    )
    for message in messages(caught.value):
        assert "\n" not in message and "site.yaml" in message


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
