"""The fast path for plain posts gives byte for byte what Python-Markdown gives, or stands aside."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from microblog.sources.markdown import render_markdown
from microblog.text.fastmarkdown import render

WORDS = st.sampled_from(
    ["Ship", "simple", "café", "日本語", "über", "x1", "2024", "a", "ok", "İ", "ß", "😀"]
)
URL_CHARS = st.text(
    st.sampled_from(list("abcXYZ019-._~:/?#@!$()*+,;=%&'\"<>[]_`\\{}| ")), max_size=12
)
AUTOLINKS = st.builds(
    lambda scheme, rest: f"<{scheme}://{rest}>",
    st.sampled_from(["https", "http", "ftp"]),
    URL_CHARS,
)
# Everything a post might hold that some Markdown rule, extension or escape gives a meaning.
TRICKY = st.sampled_from(
    [
        " ", "  ", "   ", "\t", "\n", "\n\n", "  \n", "   \n", " \n", "\n  \n", "\n   ",
        "#", "#tag", "# ", "## x", "#Tag#Glued", "1. ", "2) ", "10.", "- ", "-", "--", "---",
        "+ ", "* ", "*", "_", "__", "`", "```", "~~~", "~", "> ", ">", "<", "<b>", "&", "&amp;",
        "&#35;", "'", '"', "...", ". . .", "..", "|", "| a |", ":", ": ", "=", "===", "[x]",
        "[^1]", "![a](b)", "(x)", "{: .c}", "*[HTML]: x", "\\", "\\#", "@user", "100%", "$5",
        "a+b", "!", "?", ",", ";", "/", "\u00a0", "\u2028", "\x85", "\x02", "\u200b", "\ufdd0",
    ]
)  # fmt: skip


def body_of(parts: list[str]) -> str:
    """A post's body as the reader hands it on: without `\\r` or blank lines at either end."""
    return "".join(parts).replace("\r", "").strip("\n")


@given(st.lists(st.one_of(WORDS, TRICKY, AUTOLINKS), max_size=30).map(body_of))
@example("Budget <https://t.co/x>  \nShip simple.  \n#A#B")
@example("a  \n\nb")
@example("\u0663. foo")  # an Arabic-Indic digit starts a list too
@example("    \nHello")  # four spaces alone: an (empty) code block
@example("a\n\n  \nb")
def test_the_fast_path_is_python_markdown(body: str) -> None:
    fast = render(body)
    if fast is not None:
        assert fast == render_markdown(body)


PLAIN_PIECES = st.one_of(
    WORDS,
    st.sampled_from([" ", ". ", ", ", "! ", "? ", " #Tag", "#Glued#Run", " @user", " (x) "]),
    st.builds(
        lambda path: f" <https://t.co/{path}> ", st.from_regex(r"[A-Za-z0-9]{1,10}", fullmatch=True)
    ),
)


@given(st.lists(st.lists(PLAIN_PIECES, min_size=1, max_size=12), min_size=1, max_size=4))
def test_plain_posts_take_the_fast_path(lines: list[list[str]]) -> None:
    """Words, autolinks, hashtags and hard breaks, as an archive's posts hold them."""
    shown = [" ".join("".join(line).split()) for line in lines]
    shown = [line for line in shown if line and not line[0].isdigit()]  # `2024.` may list
    body = "  \n".join(shown)
    if not body:
        return
    fast = render(body)
    assert fast is not None, body
    assert fast == render_markdown(body)
