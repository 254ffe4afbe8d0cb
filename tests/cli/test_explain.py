"""`microblog explain`: what a problem code means and what to do, for every registered code."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from microblog.cli import main
from microblog.codes import CODES
from tests.conftest import REPO


@pytest.mark.parametrize("code", list(CODES))
def test_explain_prints_the_code_its_severity_and_its_paragraph(
    code: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explain", code]) == 0
    out, err = capsys.readouterr()
    entry = CODES[code]
    severities = " or ".join(severity.value for severity in entry.severities)
    assert out.startswith(f"{code} {severities}: {entry.title}\n\n")
    assert textwrap.fill(entry.text, 79) in out
    assert err == ""


@pytest.mark.parametrize("text", ["MB999", "MB009", "mb99", "27", "MB-027", "MB0270", "MB027x"])
def test_explain_refuses_an_unknown_or_malformed_code_in_one_line(
    text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explain", text]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("microblog: ")


def test_explain_takes_a_code_in_lower_case(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "mb027"]) == 0
    assert capsys.readouterr().out.startswith("MB027 warning: ")


def test_explain_without_a_code_lists_every_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == list(CODES)
    assert lines[0] == "MB001 error: site.yaml cannot be read"
    assert err == ""


def test_explain_help_says_what_it_takes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "--help"]) == 0
    assert "like MB027" in capsys.readouterr().out


def test_python_build_py_explain_runs_as_a_real_process() -> None:
    completed = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "explain", "MB027"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("MB027 warning: Markdown too heavy, shown as text\n")
    assert "plain text" in completed.stdout
    assert completed.stderr == ""
