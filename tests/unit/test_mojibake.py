"""Mojibake repair: ftfy's classes, the cp874 (Thai) class ftfy misses, correct text alone."""

from __future__ import annotations

import json
from pathlib import Path

import ftfy
import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog.text.mojibake import Repair, repair_mojibake
from tests.conftest import THOROUGH
from tests.support.optional import skip_or_fail_in_ci

FTFY_CASES = Path(__file__).parents[3] / "shared/real-exports/ftfy-test-cases"


def damage_cp874(text: str) -> str:
    """`text` as UTF-8 bytes read as windows-874, undefined bytes kept as C1 controls."""
    chars = []
    for byte in text.encode("utf-8"):
        try:
            chars.append(bytes([byte]).decode("cp874"))
        except UnicodeDecodeError:
            chars.append(chr(byte))
    return "".join(chars)


def load_cases(name: str) -> list[dict[str, str]]:
    if not FTFY_CASES.is_dir():
        skip_or_fail_in_ci(
            f"{FTFY_CASES} is not here", ci_must="check out ../shared beside the repository"
        )
    cases: list[dict[str, str]] = json.loads((FTFY_CASES / name).read_text(encoding="utf-8"))
    return cases


# --- the real sample: UTF-8 read as Thai cp874 / TIS-620 ------------------------------------


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ("Es el activo mรกs valioso", "Es el activo más valioso"),
        ("#trading#educaciรณn#stocks", "#trading#educación#stocks"),
        ("replacing engineersโit's about", "replacing engineers—it's about"),
        ("more than you think โ and that's", "more than you think — and that's"),
    ],
)
def test_sample_archive_lines_are_repaired(damaged: str, repaired: str) -> None:
    assert repair_mojibake(damaged)[0] == repaired


def test_sample_archive_repairs_are_reported_once_with_their_line() -> None:
    text = "fine line\nEs el activo mรกs valioso #educaciรณn\nok\nyou think โ and that's"
    fixed, repairs = repair_mojibake(text)
    assert fixed == "fine line\nEs el activo más valioso #educación\nok\nyou think — and that's"
    assert repairs == [
        Repair(2, "cp874", "mรกs", "más"),
        Repair(2, "cp874", "#educaciรณn", "#educación"),
        Repair(4, "cp874-truncated", "โ", "—"),
    ]


@pytest.mark.parametrize(
    "damaged",
    [
        "engineersโ\x80\x94it's",  # C1 controls kept by a lenient decoder
        "engineersโ€”it's",  # windows-874 proper: 0x80 is €, 0x94 is ”
        "engineersโit's",  # both continuation bytes dropped
        "engineersโ€it's",  # one kept
    ],
)
def test_em_dash_in_every_damaged_form(damaged: str) -> None:
    assert repair_mojibake(damaged)[0] == "engineers—it's"


def test_cut_off_punctuation_guesses_apostrophe_and_en_dash() -> None:
    assert repair_mojibake("I donโt know, from 2019โ2020")[0] == "I don’t know, from 2019–2020"


@pytest.mark.parametrize(
    "word",
    ["más", "educación", "Straße", "Éxito", "naïve", "Ñandú", "Привет", "😀", "Ærø", "café…"],
)
def test_cp874_damage_of_other_characters_is_repaired(word: str) -> None:
    assert repair_mojibake(f"say {damage_cp874(word)}!")[0] == f"say {word}!"


@pytest.mark.parametrize(
    "thai",
    [
        "ภาษาไทย",
        "สวัสดีครับ",
        "รณรงค์",
        "โรงเรียน",
        "มาก",
        "I love ไทย food",
        "โฆษณา โชค ดี",
        "ราคา ฿100 ๆ",
        "รถ",  # reads as "ö", but nothing says it is not Thai
        "“ไทย”…",
    ],
)
def test_genuine_thai_is_left_alone(thai: str) -> None:
    assert repair_mojibake(thai) == (thai, [])


def test_a_line_with_genuine_thai_gets_no_cp874_repair() -> None:
    # Documented rule: Thai that is not mojibake marks the whole line as genuine Thai.
    assert repair_mojibake("ทดสอบ educaciรณn") == ("ทดสอบ educaciรณn", [])
    assert repair_mojibake("ทดสอบ\neducaciรณn")[0] == "ทดสอบ\neducación"


def test_weak_evidence_needs_a_clear_case_in_the_same_line() -> None:
    # "รฉ" alone could be two Thai letters; next to "nรฃo" it is clearly Portuguese "é".
    assert repair_mojibake("Isso รฉ bom") == ("Isso รฉ bom", [])
    assert repair_mojibake("Isso รฉ bom, mas nรฃo")[0] == "Isso é bom, mas não"


# --- ftfy's classes --------------------------------------------------------------------------


def test_ftfy_classes_are_repaired_as_encoding_with_line_numbers() -> None:
    fixed, repairs = repair_mojibake("ok\ncafÃ© olÃ©\nok\n#С„СѓС‚Р±РѕР»")
    assert fixed == "ok\ncafé olé\nok\n#футбол"
    assert repairs == [
        Repair(2, "encoding", "cafÃ© olÃ©", "café olé"),
        Repair(4, "encoding", "#С„СѓС‚Р±РѕР»", "#футбол"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "“curly” ‘quotes’",
        "ﬁne ligature",
        "ｆｕｌｌｗｉｄｔｈ",
        "e\u0301 stays NFD",
        "&amp; &lt;b&gt;",
        "line\r\nbreaks\r",
        "bell\x07 and \x1b[31mred\x1b[0m",
        "nul\x00",
    ],
)
def test_nothing_cosmetic_is_changed(text: str) -> None:
    assert repair_mojibake(text) == (text, [])


def _expected(case: dict[str, str]) -> str:
    return case.get("fixed-encoding", case["fixed"])


@pytest.mark.parametrize("name", ["in-the-wild.json", "synthetic.json", "language-names.json"])
def test_ftfy_cases_are_fixed_at_least_as_well_as_ftfy_fix_encoding(name: str) -> None:
    cases = [case for case in load_cases(name) if case["expect"] == "pass"]
    worse = [
        case["label"]
        for case in cases
        if ftfy.fix_encoding(case["original"]) == _expected(case)
        and repair_mojibake(case["original"])[0] != _expected(case)
    ]
    assert worse == []
    assert all(repair_mojibake(case["original"])[0] == _expected(case) for case in cases)


def test_ftfy_negative_cases_come_out_unchanged() -> None:
    cases = load_cases("negative.json")
    for case in cases:
        # One case expects ftfy's C1-control fix ("parlé\x85" -> "parlé…"); all others are
        # expected unchanged.
        assert repair_mojibake(case["original"])[0] == _expected(case), case["label"]
    assert sum(_expected(case) == case["original"] for case in cases) == len(cases) - 1


# --- properties ------------------------------------------------------------------------------

HOSTILE = st.sampled_from(
    [
        *"aé#ร ณโ€\x80\x94\x9f\n@.:/",
        *["\udc80", "\ud800", "\x00", "Ã", "©", "ะ", "ั", "ก", "https://", "ไทย", "😀"],
        *["\u0301", "\u200d", "\r", "Ð", "â€™"],
    ]
)


@THOROUGH  # 500 examples in CI
@given(st.one_of(st.text(), st.lists(HOSTILE).map("".join)))
def test_never_raises_and_keeps_the_lines(text: str) -> None:
    fixed, repairs = repair_mojibake(text)
    assert fixed.count("\n") == text.count("\n")
    assert all(1 <= repair.line <= text.count("\n") + 1 for repair in repairs)
    assert (fixed == text) == (not repairs)


PROSE_WORDS = [
    *["The", "quick", "brown", "fox", "don't", "it's", "engineers", "2024", "A", "I"],
    *["educación", "más", "café", "déjà", "garçon", "naïve", "à", "é", "où", "Straße", "Éxito"],
    *["ภาษาไทย", "สวัสดีครับ", "รณรงค์", "โรงเรียน", "มาก", "ไทย", "รถ", "ลงรถ", "โชค", "ยก", "ๆ"],
    *["日本語", "こんにちは", "東京", "カタカナ", "。", "、"],
    *["Привет", "мир", "футбол", "да", "Ελληνικά"],
    *["😀", "🎉", "👍🏽", "❤️", "👩\u200d💻"],
    *["—", "–", "…", "“", "”", "‘", "’", "«", "»", "!", "?", "(", ")", "€", "£", "©", "°", "±"],
    *["https://t.co/veS7PQrvoL", "https://example.com/a?b=c#d", "www.example.org", "#AI"],
    *["#educación", "#ภาษาไทย", "\u00a0"],
]
SEPARATORS = [" ", " ", " ", "\n", ", ", ". "]


@st.composite
def prose(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(PROSE_WORDS), min_size=1, max_size=30))
    pieces = [words[0]]
    for word in words[1:]:
        pieces += [draw(st.sampled_from(SEPARATORS)), word]
    return "".join(pieces)


@THOROUGH  # 500 examples in CI
@given(prose())
def test_correct_prose_in_many_scripts_is_never_changed(text: str) -> None:
    assert repair_mojibake(text) == (text, [])


ACCENTED_WORDS = ["educación", "más", "café", "naïve", "über", "São", "Ñandú", "garçon", "déjà"]
LATIN_WORDS = [
    *ACCENTED_WORDS,
    *["Straße", "Øre", "crème", "brûlée", "año", "À", "Île", "été", "coração", "Ärger", "é"],
    *["è", "the", "and", "hello", "2024", "—", "“quoted”", "…", "it’s", "«non»", "Œuvre"],
]


@st.composite
def latin_prose(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(LATIN_WORDS), max_size=20))
    words.insert(draw(st.integers(0, len(words))), draw(st.sampled_from(ACCENTED_WORDS)))
    return " ".join(words)


@THOROUGH  # 500 examples in CI
@given(latin_prose())
def test_cp874_damage_of_accented_prose_repairs_back(text: str) -> None:
    assert repair_mojibake(damage_cp874(text))[0] == text


def test_a_long_line_is_repaired_piece_by_piece() -> None:
    middle = "Measure first, architect second. " * 1_000
    fixed, repairs = repair_mojibake("cafÃ© " + middle + "olÃ©")
    assert fixed == "café " + middle + "olé"
    assert [repair.kind for repair in repairs] == ["encoding"]
    assert repairs[0].before.startswith("cafÃ©") and repairs[0].before.endswith("…")


def test_huge_lines_finish() -> None:
    """Linear time: a 2 MB line and a 200 KB hashtag run (each takes well under a second)."""
    plain = "Measure first, architect second. " * 61_000
    assert repair_mojibake(plain) == (plain, [])
    tags = "#a" * 100_000
    assert repair_mojibake(tags) == (tags, [])
    thai = "ภาษาไทย " * 250_000
    assert repair_mojibake(thai) == (thai, [])
    damaged = "educaciรณn " * 20_000
    assert repair_mojibake(damaged)[0] == "educación " * 20_000
