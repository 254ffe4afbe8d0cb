"""The README keeps up with the code: every command and every site.yaml key is documented."""

from __future__ import annotations

import argparse
import re
import tomllib
from pathlib import Path

from microblog.cli import make_parser
from microblog.config import FEED_KEYS, TOP_KEYS
from tests.conftest import REPO

README = (REPO / "README.md").read_text("utf-8")
MODULE_LINE_BUDGET = 400


def commands() -> list[str]:
    parser = make_parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(actions[0].choices)


def test_every_command_is_documented() -> None:
    assert commands() == ["build", "check", "init", "new", "serve"]
    for command in commands():
        assert f"microblog {command}" in README, command


def test_every_site_yaml_key_is_documented() -> None:
    for key in TOP_KEYS:
        if key != "feed":
            assert f"`{key}`" in README, key
    for key in FEED_KEYS:
        assert f"`feed.{key}`" in README, key


def test_quick_start_has_exactly_two_commands() -> None:
    start = README.index("## Quick start")
    section = README[start : README.index("\n## ", start + 1)]
    blocks = section.split("```sh\n")[1:]
    commands = [block.split("```")[0].strip() for block in blocks]
    assert len(commands) == 2
    assert "python build.py" in commands[0]
    assert commands[1].endswith("python -m pytest")
    assert commands[1] in (REPO / ".ci" / "run").read_text("utf-8")


def test_package_ships_templates_and_static_files() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    data = pyproject["tool"]["setuptools"]["package-data"]["microblog"]
    assert "templates/**/*" in data and "static/**/*" in data
    assert (REPO / "microblog/templates/base.html").is_file()
    assert (REPO / "microblog/static/style.css").is_file()


def test_modules_stay_small() -> None:
    too_long = {
        str(path.relative_to(REPO)): count
        for path in (REPO / "microblog").rglob("*.py")
        if (count := len(path.read_text("utf-8").splitlines())) > MODULE_LINE_BUDGET
    }
    assert too_long == {}, f"split these modules (budget {MODULE_LINE_BUDGET} lines): {too_long}"


def test_templates_have_no_inline_handlers_scripts_or_iframes() -> None:
    for template in Path(REPO / "microblog/templates").glob("*.html"):
        text = template.read_text("utf-8")
        assert not re.search(r"\son[a-z]+\s*=", text, re.IGNORECASE), template
        assert not re.search(r"<(script|iframe)\b", text, re.IGNORECASE), template
