"""`microblog new` (a post with front matter, never overwriting) and `microblog init`."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from microblog.cli import main
from microblog.config import FeedConfig, SiteConfig, load_config
from microblog.scaffold import SITE_YAML, new_post
from microblog.settings import SETTINGS, settings
from tests.conftest import REPO, MakeSite


def front_matter_of(path: Path) -> tuple[dict[str, Any], str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    head, body = text[4:].split("\n---\n", 1)
    values = yaml.safe_load(head)
    assert isinstance(values, dict)
    return values, body


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    return make_site(timezone="Asia/Kolkata")  # +05:30 all year: the offset is always visible


def run_new(
    site: Path, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, Path | None, str]:
    code = main(["new", *args, "--config", str(site / "site.yaml")])
    out, err = capsys.readouterr()
    path = Path(out.strip()) if out.strip() else None
    return code, path, err


def test_new_writes_a_post_with_date_and_tags(
    site: Path, capsys: pytest.CaptureFixture[str], in_dir: Callable[[Path], None]
) -> None:
    in_dir(site)
    code, path, err = run_new(site, capsys, "Shipped the #Backend rewrite today #café #backend")
    assert (code, err) == (0, "")
    assert path is not None and path.parent == Path("content")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d-shipped-the-backend-rewrite-today\.md", path.name), (
        path.name
    )
    values, body = front_matter_of(path)
    assert list(values) == ["date", "tags"]
    assert values["tags"] == ["Backend", "café"]  # display form, one per tag
    date = datetime.fromisoformat(values["date"])
    assert values["date"].endswith("+05:30")
    assert path.name.startswith(f"{date:%Y-%m-%d}-")
    assert body == "Shipped the #Backend rewrite today #café #backend\n"


def test_new_never_overwrites(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _code, first, _err = run_new(site, capsys, "Same words #x")
    _code, second, _err = run_new(site, capsys, "Same words #x")
    assert first is not None and second is not None and second != first
    config = load_config(site / "site.yaml")
    now = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
    paths = [new_post(config, "Same words #x", now=now) for _ in range(3)]
    assert [path.name for path in paths] == [
        "2024-05-01-same-words.md",
        "2024-05-01-same-words-2.md",
        "2024-05-01-same-words-3.md",
    ]
    first_text = paths[0].read_text(encoding="utf-8")
    assert first_text.startswith("---\ndate: '2024-05-01T15:00:00+05:30'\n")
    assert new_post(config, "Same words #x", now=now).name == "2024-05-01-same-words-4.md"
    assert paths[0].read_text(encoding="utf-8") == first_text


def test_new_front_matter_round_trips_through_check(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = 'key: "value" #true #null\n---\n- item: [1, 2] #123abc & #déjà_vu'
    code, path, _err = run_new(site, capsys, text)
    assert code == 0 and path is not None
    values, _body = front_matter_of(path)
    assert values["tags"] == ["true", "null", "123abc", "déjà_vu"]
    assert main(["check", "--json", "--config", str(site / "site.yaml")]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 1
    assert records[0]["date"] == values["date"]
    assert records[0]["tags"] == ["true", "null", "123abc", "déjà_vu"]


def test_new_refuses_empty_text(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, path, err = run_new(site, capsys, "  \n ")
    assert (code, path) == (2, None)
    assert err.count("\n") == 1 and "empty" in err
    assert list((site / "content").iterdir()) == []


def test_new_edit_opens_the_editor(
    site: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = tmp_path / "fake editor.py"
    editor.write_text(
        "import sys\n"
        "with open(sys.argv[1], 'a', encoding='utf-8') as post:\n"
        "    post.write('Added in the editor.\\n')\n"
    )
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(editor))}")
    code, path, _err = run_new(site, capsys, "Draft #idea", "--edit")
    assert code == 0 and path is not None
    assert path.read_text(encoding="utf-8").endswith("Draft #idea\nAdded in the editor.\n")


def test_new_edit_reports_a_failing_or_missing_editor(
    site: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} -c 'raise SystemExit(3)'")
    code, path, err = run_new(site, capsys, "One", "--edit")
    assert code == 1 and path is not None and path.is_file()
    assert "status 3" in err
    monkeypatch.delenv("EDITOR")
    monkeypatch.delenv("VISUAL", raising=False)
    code, path, err = run_new(site, capsys, "Two", "--edit")
    assert code == 2 and path is not None and path.is_file()
    assert "EDITOR" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("variable", "command", "reason"),
    [
        ("EDITOR", 'vim "x', "No closing quotation"),
        ("EDITOR", "vim 'x", "No closing quotation"),
        ("EDITOR", "vim \\", "No escaped character"),
        ("EDITOR", '""', "it names no command"),
        ("VISUAL", "code --wait 'x", "No closing quotation"),
    ],
)
def test_new_edit_reports_an_editor_it_cannot_parse_in_one_line(
    site: Path, variable: str, command: str, reason: str
) -> None:
    environ = {k: v for k, v in os.environ.items() if k not in ("EDITOR", "VISUAL")}
    completed = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "new", "Draft #idea", "--edit"],
        cwd=site,
        env={**environ, variable: command},
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert completed.returncode == 2, completed.stderr
    (written,) = (site / "content").iterdir()  # the post is written all the same
    assert completed.stdout == f"content/{written.name}\n"
    assert completed.stderr.count("\n") == 1, completed.stderr
    assert "Traceback" not in completed.stderr
    assert f"cannot parse {variable}" in completed.stderr and reason in completed.stderr
    assert completed.stderr.rstrip().endswith(f"the post is written: content/{written.name}")


# -- init -----------------------------------------------------------------------------------


def build(config: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "build.py"), "build", "--config", str(config)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_init_makes_a_site_that_builds_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "my site"
    assert main(["init", str(folder)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "site.yaml" in out and "welcome.md" in out
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        ".gitignore",
        "content/welcome.md",
        "site.yaml",
    ]
    values, _body = front_matter_of(folder / "content" / "welcome.md")
    assert datetime.fromisoformat(values["date"]).utcoffset() is not None
    completed = build(folder / "site.yaml", tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""  # no warnings
    assert "1 post from 1 file (0 drafts, 0 undated)" in completed.stdout
    assert (folder / "_site" / "index.html").is_file()
    assert "Welcome to your new microblog!" in (folder / "_site" / "index.html").read_text()


def test_init_site_yaml_explains_every_key() -> None:
    lines = SITE_YAML.splitlines()
    for entry in SETTINGS:
        indent = "  " * entry.name.count(".")
        pattern = re.compile(rf"^{indent}(# )?{entry.key}:")
        found = [n for n, line in enumerate(lines) if pattern.match(line)]
        assert found, f"site.yaml does not show {entry.name!r}"
        start = found[0]
        while start > 0 and lines[start - 1].lstrip().startswith("#"):
            start -= 1
        comment = " ".join(lines[start : found[0]])
        assert len(comment) > 40, f"{entry.name!r} has no comment explaining it"
        assert " ".join(comment.replace("#", "").split()).lower().startswith(entry.doc.lower())


def test_init_site_yaml_shows_the_real_defaults(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    config = load_config(tmp_path / "site.yaml")
    defaults = SiteConfig(
        site_dir=tmp_path, config_path=tmp_path / "site.yaml", title="", base_url=""
    )
    for setting in settings():
        if setting.name in ("title", "base_url", "content_dir", "output_dir"):
            continue
        assert config.value(setting.name) == defaults.value(setting.name), setting.name
    assert config.content_dir == tmp_path / "content"
    assert config.output_dir == tmp_path / "_site"
    assert dataclasses.asdict(config.feed) == dataclasses.asdict(FeedConfig())


def test_init_refuses_a_folder_that_is_not_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["init", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "--force" in err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    (tmp_path / "file").write_text("x")
    assert main(["init", str(tmp_path / "file")]) == 2


def test_init_force_adds_files_and_keeps_existing_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = "title: Mine\nbase_url: https://example.org/mine/\n"
    (tmp_path / "site.yaml").write_text(mine)
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["init", str(tmp_path), "--force"]) == 0
    _out, err = capsys.readouterr()
    assert "kept" in err and "site.yaml" in err
    assert (tmp_path / "site.yaml").read_text() == mine
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert (tmp_path / "content" / "welcome.md").is_file()
    welcome = (tmp_path / "content" / "welcome.md").read_text()
    assert main(["init", str(tmp_path), "--force"]) == 0  # again: nothing changes
    assert (tmp_path / "content" / "welcome.md").read_text() == welcome


def run_init_process(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "build.py"), "init", folder.name, *args],
        cwd=folder.parent,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("target", ["outside", "outside/not-yet", "../outside"])
def test_init_never_writes_through_a_link_out_of_the_folder(tmp_path: Path, target: str) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "site").mkdir()
    link = tmp_path / "site" / "content"
    link.symlink_to(tmp_path / target if not target.startswith("..") else Path(target))
    completed = run_init_process(tmp_path / "site", "--force")
    assert completed.returncode == 2, completed.stderr
    assert completed.stdout == ""
    assert completed.stderr.count("\n") == 1 and "Traceback" not in completed.stderr
    assert "site/content leads outside site" in completed.stderr, completed.stderr
    assert list((tmp_path / "outside").iterdir()) == []  # nothing made there, not even a folder
    assert [p.name for p in (tmp_path / "site").iterdir()] == ["content"]  # refused before writing
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outside", "site"]


def test_init_follows_a_link_that_stays_inside_the_folder(tmp_path: Path) -> None:
    (tmp_path / "site" / "posts").mkdir(parents=True)
    (tmp_path / "site" / "content").symlink_to("posts")
    completed = run_init_process(tmp_path / "site", "--force")
    assert completed.returncode == 0, completed.stderr
    assert (tmp_path / "site" / "posts" / "welcome.md").is_file()
