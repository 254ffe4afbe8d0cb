"""The README keeps up with the code: every command and every site.yaml key is documented."""

from __future__ import annotations

import argparse
import difflib
import re
import tomllib
from pathlib import Path

from microblog.cli import make_parser
from microblog.settings import settings, with_flags
from microblog.settings_docs import readme_table
from tests.conftest import REPO

README = (REPO / "README.md").read_text("utf-8")
MODULE_LINE_BUDGET = 400


def commands() -> list[str]:
    parser = make_parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(actions[0].choices)


def test_every_command_is_documented() -> None:
    assert commands() == [
        "build",
        "check",
        "explain",
        "feed-preview",
        "import",
        "init",
        "lock",
        "new",
        "serve",
    ]
    for command in commands():
        assert f"microblog {command}" in README, command


def readme_section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    return README[start : README.index("\n## ", start + 1)]


def test_readme_site_yaml_table_is_the_settings_table() -> None:
    """The README's table of site.yaml keys is made from `microblog.settings`, row for row."""
    section = readme_section("site.yaml")
    start = section.index("| key |")
    in_readme = section[start : section.index("\n\n", start) + 1]
    expected = readme_table()
    diff = "".join(
        difflib.unified_diff(
            in_readme.splitlines(keepends=True),
            expected.splitlines(keepends=True),
            "README.md (## site.yaml)",
            "microblog.settings_docs.readme_table()",
        )
    )
    assert in_readme == expected, (
        "the README's site.yaml table differs from the settings table; change the docs in "
        f"microblog/settings.py or paste readme_table() into the README:\n{diff}"
    )


def test_every_setting_and_flag_is_documented() -> None:
    for setting in settings():
        assert f"| `{setting.name}` |" in readme_section("site.yaml"), setting.name
    for setting in with_flags():
        assert f"[{setting.flag} {setting.metavar}]" in readme_section("Commands"), setting.flag


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


# A script the package ships (microblog/static/), loaded by its URL: no inline code.
SHIPPED_SCRIPT = re.compile(r'<script src="\{\{ url\([a-z_]+\) \}\}" defer></script>')


def test_templates_have_no_inline_handlers_scripts_or_iframes() -> None:
    for template in Path(REPO / "microblog/templates").glob("*.html"):
        text = SHIPPED_SCRIPT.sub("", template.read_text("utf-8"))
        assert not re.search(r"\son[a-z]+\s*=", text, re.IGNORECASE), template
        if template.name == "search.html":  # the one script: from the site, deferred
            text = text.replace("<script src=\"{{ url('search/search.js') }}\" defer></script>", "")
        assert not re.search(r"<(script|iframe)\b", text, re.IGNORECASE), template
