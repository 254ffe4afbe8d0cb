"""What the table of settings says to people: the README's table, init's site.yaml, flag help.

Each is made from `settings.SETTINGS`, so a setting is documented where it is declared. Pure.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any, TypedDict

from microblog.settings import Entry, Setting, entries_in, settings, yaml_value

COMMENT_WIDTH = 96
_YAML_WORDS = {"true", "false", "null", "~", "yes", "no", "on", "off"}


def readme_table() -> str:
    """The markdown table of the README's `## site.yaml` section, one row a setting."""
    rows = ["| key | default | meaning |", "| --- | --- | --- |"]
    rows += [f"| `{s.name}` | {_default_cell(s)} | {s.doc} |" for s in settings()]
    return "\n".join(rows) + "\n"


def _default_cell(setting: Setting) -> str:
    if setting.required:
        return "(required)"
    if setting.default in (None, ""):
        return "none"
    return f"`{yaml_value(setting.default)}`"


def commented_site_yaml() -> str:
    """Every setting with its doc as a comment: required ones with an example value, optional
    ones with their default (or, when they have no useful default, an example commented out)."""
    blocks = ["\n".join(_entry_lines(entry)) for entry in entries_in("")]
    return "\n\n".join(blocks) + "\n"


def _entry_lines(entry: Entry) -> list[str]:
    indent = "  " * entry.name.count(".")
    lines = textwrap.wrap(
        " ".join(_comment_sentences(entry)),
        COMMENT_WIDTH - len(indent),
        initial_indent=indent + "# ",
        subsequent_indent=indent + "# ",
        break_on_hyphens=False,
    )
    if not isinstance(entry, Setting):
        lines.append(f"{indent}{entry.key}:")
        for inner in entries_in(entry.name):
            if lines[-1].lstrip().startswith("#"):  # a commented-out example: set it apart
                lines.append("")
            lines += _entry_lines(inner)
    elif entry.required:
        lines.append(f"{indent}{entry.key}: {_yaml_text(entry.example)}")
    elif entry.example:
        lines.append(f"{indent}# {entry.key}: {_yaml_text(entry.example)}")
    else:
        lines.append(f"{indent}{entry.key}: {_yaml_text(entry.default)}")
    return lines


def _comment_sentences(entry: Entry) -> list[str]:
    sentences = [entry.doc[:1].upper() + entry.doc[1:] + "."]
    if isinstance(entry, Setting):
        if entry.detail:
            sentences.append(entry.detail)
        if entry.flag:
            sentences.append(f"`{entry.flag} {entry.metavar}` overrides it for one build.")
        if entry.required:
            sentences.append("Required.")
        else:
            default = "none" if entry.default in (None, "") else yaml_value(entry.default)
            sentences.append(f"Optional (default: {default}).")
    return sentences


def _yaml_text(value: Any) -> str:
    """A value as site.yaml would read it back unchanged; quoted where plain text would not."""
    if not isinstance(value, str):
        return yaml_value(value)
    text = value
    plain = (
        text
        and text.lower() not in _YAML_WORDS
        and text[0] not in "!&*[]{}|>'\"%@`#,?:- "
        and text[-1] != " "
        and ": " not in text
        and " #" not in text
    )
    return text if plain else json.dumps(text, ensure_ascii=False)


class OptionArguments(TypedDict):
    dest: str
    metavar: str
    help: str


def flag_arguments(setting: Setting) -> OptionArguments:
    """The keywords of `argparse.add_argument` for a setting's option: its value is kept
    under the setting's name, `args.output_dir` for `--output DIR`."""
    where = ", a folder relative to the current one" if setting.folder else ""
    default = "" if setting.required else f" (default: {yaml_value(setting.default)})"
    help_text = f"override {setting.name} of site.yaml{where}{default}"
    return {"dest": setting.name, "metavar": setting.metavar, "help": help_text}
