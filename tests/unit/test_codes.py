"""The registry of problem codes keeps up with the code that raises them.

Every `MBnnn` literal in microblog/ (docstrings and comments aside) must be declared in
microblog/codes.py, every declared code must be used, and the severity given where a code is
used must be one the registry declares. The severity is read from the source with `ast`:
from `Problem(..., "MB027", Severity.WARNING, ...)`, from helpers that pass their `code`
parameter on to `Problem` (`self.warn(path, "MB045", ...)`), and from messages written out
by hand (`"error MB008 ..."`).
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from microblog.codes import CODE_FORM, CODES, ProblemCode, UnknownCodeError, explain, find_code
from microblog.problems import Severity
from tests.conftest import REPO

PACKAGE = REPO / "microblog"
REGISTRY = PACKAGE / "codes.py"
_ANY_CODE = re.compile(r"\bMB[0-9]{3}\b")
_WRITTEN_OUT = re.compile(r"\b(error|warning|note) (MB[0-9]{3})\b")


@dataclass(frozen=True)
class Site:
    """One use of a code: where, and the severity given there (None: not readable)."""

    code: str
    where: str
    severity: Severity | None


@dataclass(frozen=True)
class Helper:
    """A callable that makes a Problem: its positional parameters (after `self`), the one that
    takes the code, and a fixed severity or the parameter that takes it."""

    params: tuple[str, ...]
    code: str
    severity: Severity | None = None
    severity_param: str | None = None

    def severity_at(
        self, bound: dict[str, ast.expr], aliases: dict[str, Severity]
    ) -> Severity | None:
        if self.severity_param is None:
            return self.severity
        return _severity(bound.get(self.severity_param), aliases)


PARAMS = ("path", "line", "code", "severity", "message", "action")
PROBLEM = Helper(PARAMS, "code", severity_param="severity")


def _modules() -> dict[str, ast.Module]:
    return {
        str(path.relative_to(REPO)): ast.parse(path.read_text("utf-8"), str(path))
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != REGISTRY
    }


def _docstrings(tree: ast.Module) -> set[int]:
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, kinds)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def _strings(tree: ast.Module) -> list[ast.Constant]:
    skip = _docstrings(tree)
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
    ]


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _severity(node: ast.expr | None, aliases: dict[str, Severity]) -> Severity | None:
    """`Severity.WARNING`, or a name given one (`warning = Severity.WARNING`)."""
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Severity"
    ):
        return Severity[node.attr]
    if isinstance(node, ast.Name):
        return aliases.get(node.id)
    return None


def _severity_aliases(tree: ast.Module) -> dict[str, Severity]:
    """Names bound to one severity in a module; a name bound to two is no alias."""
    aliases: dict[str, Severity | None] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, severity = node.targets[0], _severity(node.value, {})
            if isinstance(target, ast.Name) and severity is not None:
                known = aliases.setdefault(target.id, severity)
                aliases[target.id] = severity if known is severity else None
    return {name: severity for name, severity in aliases.items() if severity is not None}


def _tuples(tree: ast.Module) -> dict[str, ast.Tuple]:
    """`problem = ("MB020", message, action)`: names bound to tuples, for `f(*problem)`."""
    return {
        node.targets[0].id: node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Tuple)
    }


def _bind(call: ast.Call, helper: Helper, tuples: dict[str, ast.Tuple]) -> dict[str, ast.expr]:
    args: list[ast.expr] = []
    for arg in call.args:
        if isinstance(arg, ast.Starred):
            if not (isinstance(arg.value, ast.Name) and arg.value.id in tuples):
                break  # unknown length: later positions cannot be told
            args.extend(tuples[arg.value.id].elts)
        else:
            args.append(arg)
    bound = dict(zip(helper.params, args, strict=False))
    bound.update({keyword.arg: keyword.value for keyword in call.keywords if keyword.arg})
    return bound


class _Resolver:
    """Helpers by name (a module's own first), found until no new one appears."""

    def __init__(self, modules: dict[str, ast.Module]) -> None:
        self.modules = modules
        self.local: dict[str, dict[str, Helper]] = defaultdict(dict)
        self.shared: dict[str, Helper] = {"Problem": PROBLEM}
        self.tuples = {name: _tuples(tree) for name, tree in modules.items()}
        self.aliases = {name: _severity_aliases(tree) for name, tree in modules.items()}
        while self._find_helpers():
            pass

    def helper(self, module: str, call: ast.Call) -> Helper | None:
        name = _callee(call)
        if name is None:
            return None
        return self.local[module].get(name) or self.shared.get(name)

    def calls(
        self, module: str, node: ast.AST
    ) -> Iterator[tuple[Helper, dict[str, ast.expr], ast.expr | None]]:
        """Each call under `node` that makes a Problem: the helper, its arguments by
        parameter, and the argument given for the code."""
        for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
            helper = self.helper(module, call)
            if helper is not None:
                bound = _bind(call, helper, self.tuples[module])
                yield helper, bound, bound.get(helper.code)

    def _find_helpers(self) -> bool:
        found = False
        for module, tree in self.modules.items():
            for function in ast.walk(tree):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                new = self._as_helper(module, function)
                if new is not None and function.name not in self.local[module]:
                    self.local[module][function.name] = new
                    self.shared.setdefault(function.name, new)
                    found = True
        return found

    def _as_helper(
        self, module: str, function: ast.FunctionDef | ast.AsyncFunctionDef
    ) -> Helper | None:
        params = [arg.arg for arg in (*function.args.posonlyargs, *function.args.args)]
        if params[:1] in (["self"], ["cls"]):
            params = params[1:]
        for helper, bound, code in self.calls(module, function):
            if not (isinstance(code, ast.Name) and code.id in params):
                continue
            severity = helper.severity_at(bound, self.aliases[module])
            given = bound.get(helper.severity_param or "")
            if severity is None and isinstance(given, ast.Name) and given.id in params:
                return Helper(tuple(params), code.id, severity_param=given.id)
            return Helper(tuple(params), code.id, severity)
        return None

    def sites(self, module: str) -> list[Site]:
        tree = self.modules[module]
        sites: list[Site] = []
        read: set[int] = set()
        for helper, bound, code in self.calls(module, tree):
            if not (isinstance(code, ast.Constant) and isinstance(code.value, str)):
                continue
            if not CODE_FORM.fullmatch(code.value):
                continue
            severity = helper.severity_at(bound, self.aliases[module])
            sites.append(Site(code.value, f"{module}:{code.lineno}", severity))
            read.add(id(code))
        for node in _strings(tree):
            for match in _WRITTEN_OUT.finditer(node.value):
                sites.append(Site(match[2], f"{module}:{node.lineno}", Severity(match[1])))
                read.add(id(node))
            if id(node) not in read:
                sites.extend(
                    Site(code, f"{module}:{node.lineno}", None)
                    for code in _ANY_CODE.findall(node.value)
                )
        return sites


@pytest.fixture(scope="module")
def sites() -> list[Site]:
    resolver = _Resolver(_modules())
    return [site for module in resolver.modules for site in resolver.sites(module)]


def test_every_code_used_is_registered(sites: list[Site]) -> None:
    unregistered = sorted(
        {f"{site.code} ({site.where})" for site in sites if site.code not in CODES}
    )
    assert unregistered == [], "declare these codes in microblog/codes.py"


def test_every_registered_code_is_used(sites: list[Site]) -> None:
    used = {site.code for site in sites}
    assert sorted(set(CODES) - used) == [], "dead entries in microblog/codes.py"


def test_each_use_gives_a_registered_severity(sites: list[Site]) -> None:
    wrong = [
        f"{site.where}: {site.code} is {site.severity.value}, the registry says"
        f" {' or '.join(s.value for s in CODES[site.code].severities)}"
        for site in sites
        if site.severity is not None
        and site.code in CODES
        and site.severity not in CODES[site.code].severities
    ]
    assert wrong == []


def test_the_severity_of_every_code_is_checked_somewhere(sites: list[Site]) -> None:
    """Guards the test above: a refactoring that hides the severities from `ast` (a new kind of
    helper, say) must not turn it into a test of nothing."""
    checked = {site.code for site in sites if site.severity is not None}
    assert sorted(set(CODES) - checked) == [], "teach tests/unit/test_codes.py the new helper"


def test_a_code_with_two_severities_is_used_with_both(sites: list[Site]) -> None:
    seen: dict[str, set[Severity]] = defaultdict(set)
    for site in sites:
        if site.severity is not None:
            seen[site.code].add(site.severity)
    for entry in CODES.values():
        if len(entry.severities) > 1:
            assert seen[entry.code] == set(entry.severities), entry.code


def test_the_scan_reads_each_kind_of_use(sites: list[Site]) -> None:
    by_code = defaultdict(set)
    for site in sites:
        if site.severity is not None:
            by_code[site.code].add(site.severity)
    assert by_code["MB027"] == {Severity.WARNING}  # Problem(..., "MB027", Severity.WARNING)
    assert Severity.WARNING in by_code["MB045"]  # self.warn(path, "MB045", ...)
    assert Severity.WARNING in by_code["MB020"]  # _problem_at(line, *("MB020", ...))
    assert by_code["MB008"] == {Severity.ERROR}  # f"{where}: error MB008 {exc}"


@pytest.mark.parametrize("entry", list(CODES.values()), ids=list(CODES))
def test_entries_are_well_formed(entry: ProblemCode) -> None:
    assert CODE_FORM.fullmatch(entry.code)
    assert 1 <= len(entry.severities) == len(set(entry.severities)) <= 2
    assert len(entry.heading) <= 79 and not entry.title.endswith(".")
    assert entry.text.endswith((".", ".)")) and "  " not in entry.text
    assert len(entry.text) >= 80, "say what it means and what to do"


def test_codes_are_listed_in_order() -> None:
    assert list(CODES) == sorted(CODES)


@pytest.mark.parametrize("text", ["MB027", "mb027", " MB027\n"])
def test_find_code_takes_any_case(text: str) -> None:
    assert find_code(text) is CODES["MB027"]
    assert explain(text).startswith("MB027 warning: ")


@pytest.mark.parametrize("text", ["MB999", "MB000", "27", "MB27", "MB0270", "", "MB02٧"])
def test_find_code_refuses_unknown_and_malformed_codes(text: str) -> None:
    with pytest.raises(UnknownCodeError) as raised:
        find_code(text)
    assert "\n" not in str(raised.value)


def test_explain_wraps_the_paragraph() -> None:
    heading, blank, *lines = explain("MB008").splitlines()
    assert heading == "MB008 error: output folder refused" and blank == ""
    assert all(len(line) <= 79 for line in lines)
    assert " ".join(lines) == CODES["MB008"].text


SYNTHETIC = '''
"""A module docstring naming MB001 is not a use."""


def problem(path, code, severity):
    return Problem(path, 0, code, severity, "m")


class Walk:
    def warn(self, path, code, message):
        self.problems.append(problem(path, code, Severity.WARNING))


def uses(walk):
    note = Severity.NOTE
    walk.warn("a", "MB045", "m")
    problem("b", "MB040", Severity.ERROR)
    Problem(path="c", line=1, code="MB010", severity=note, message="m")
    fields = ("MB020", "m", "a")
    _at(1, *fields)
    raise ValueError(f"{where}: error MB008 {exc}")
    return [p for p in problems if p.code == "MB030"]


def _at(line, code, message, action):
    return Problem("", line, code, Severity.WARNING, message, action)
'''


def test_the_scan_reads_helpers_keywords_tuples_and_messages() -> None:
    resolver = _Resolver({"fake.py": ast.parse(SYNTHETIC)})
    assert sorted(resolver.sites("fake.py"), key=lambda site: site.where) == [
        Site("MB045", "fake.py:16", Severity.WARNING),
        Site("MB040", "fake.py:17", Severity.ERROR),
        Site("MB010", "fake.py:18", Severity.NOTE),
        Site("MB020", "fake.py:19", Severity.WARNING),
        Site("MB008", "fake.py:21", Severity.ERROR),
        Site("MB030", "fake.py:22", None),
    ]
