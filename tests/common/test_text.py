"""Typed text (common/text.py): cleaned at the door, counted and shortened at ICU
word boundaries, as the session page counts them (the browser comparison is in
tests/e2e/test_word_count_e2e.py)."""

import sys
import threading

import icu
import pytest

from common.text import (
    block_count,
    clean_typed_text,
    line_count,
    split_words,
    truncate_words,
    word_count,
)

THAI = "ผู้สูงอายุในชุมชนเพิ่มขึ้น น้ำสะอาดกำลังมาในฤดูฝน ชุมชนทำงานประจำที่ศูนย์สุขภาพ"


def icu_word_boundaries(text, language):
    """Every boundary ICU's own word iterator puts in ``text`` (no dots or ``@`` in
    the texts used with it, where the portal's rules differ)."""
    iterator = icu.BreakIterator.createWordInstance(icu.Locale(language))
    iterator.setText(text)
    return {iterator.first(), *iterator}


# --- clean_typed_text ----------------------------------------------------------------


def test_clean_typed_text_normalises_line_ends():
    assert clean_typed_text("a\r\nb\rc\x0bd\x0ce\u2028f\x85g") == "a\nb\nc\nd\ne\nf\ng"


def test_clean_typed_text_removes_control_characters_but_tab_and_newline():
    assert clean_typed_text("a\x00b\x07c\x1bd\x7fe\x9ff\tg\nh") == "abcdef\tg\nh"


def test_clean_typed_text_keeps_thai_and_vietnamese_as_typed():
    assert clean_typed_text("น้ำสะอาด Nguyễn") == "น้ำสะอาด Nguyễn"


def test_clean_typed_text_keeps_none():
    assert clean_typed_text(None) is None


# --- word_count and split_words ---------------------------------------------------


def test_split_words_thai_at_icu_word_boundaries():
    assert split_words("ผู้สูงอายุในชุมชน น้ำสะอาด", "th") == [
        "ผู้",
        "สูง",
        "อายุ",
        "ใน",
        "ชุมชน",
        "น้ำ",
        "สะอาด",
    ]


def test_word_count_thai_counts_words_not_spaces():
    assert (word_count(THAI, "th"), len(THAI.split())) == (20, 3)


def test_word_count_vietnamese_counts_each_syllable():
    assert word_count("Người cao tuổi ở tỉnh Quảng Nam chiếm 12,5% dân số.", "vi") == 11


def test_word_count_french_keeps_elisions_and_numbers_whole():
    assert split_words("L'ONG a reçu 3,5 millions, aujourd'hui.", "fr") == [
        "L'ONG",
        "a",
        "reçu",
        "3,5",
        "millions",
        "aujourd'hui",
    ]


def test_word_count_splits_at_full_stops_and_at_signs_as_chromium_does():
    assert split_words("awa.diop@example.sn, www.sante.gouv.sn, พ.ศ. 2569, 25.5", "fr") == [
        "awa",
        "diop",
        "example",
        "sn",
        "www",
        "sante",
        "gouv",
        "sn",
        "พ",
        "ศ",
        "2569",
        "25.5",
    ]


@pytest.mark.parametrize("text", ["", "   \n\t", "« — » !?", "👍🏽 🇹🇭"])
def test_word_count_of_text_without_words_is_zero(text):
    assert word_count(text, "th") == 0


def test_word_count_with_astral_characters_before_words():
    assert split_words("𝐀 👍 ทำงาน", "th") == ["𝐀", "ทำงาน"]


@pytest.fixture
def frequent_thread_switches():
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


def test_word_count_threads_do_not_share_an_iterator(frequent_thread_switches):
    # gunicorn's threads count at the same time: an iterator shared between threads
    # would walk another thread's text.
    texts = {"long": THAI * 8, "short": "Le budget dépend des partenaires. " * 3}
    results = {name: set() for name in texts}

    def count(name):
        results[name].update(word_count(texts[name], "th") for _ in range(300))

    threads = [threading.Thread(target=count, args=(name,)) for name in [*texts, *texts]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == {"long": {160}, "short": {15}}


# --- truncate_words ----------------------------------------------------------------


def test_truncate_words_leaves_short_text_alone():
    assert truncate_words("ผู้สูงอายุ", 10, "th") == "ผู้สูงอายุ"


def test_truncate_words_cuts_after_the_last_whole_word():
    assert truncate_words("Le budget dépend des partenaires", 20, "fr") == "Le budget dépend…"


def test_truncate_words_thai_cuts_after_the_last_whole_thai_word():
    assert truncate_words("ผู้สูงอายุในชุมชนเพิ่มขึ้น", 16, "th") == "ผู้สูงอายุใน…"


@pytest.mark.parametrize("limit", range(4, len(THAI)))
def test_truncate_words_never_cuts_inside_a_thai_word(limit):
    shortened = truncate_words(THAI, limit, "th")
    kept = shortened.removesuffix("…")
    assert (
        len(shortened) <= limit,
        shortened.endswith("…"),
        THAI.startswith(kept),
        len(kept) in icu_word_boundaries(THAI, "th"),
    ) == (True, True, True, True)


def test_truncate_words_long_first_word_cut_between_characters_as_seen():
    # One word; its sixth character as people see it is ธิ (consonant and vowel).
    assert truncate_words("ประชาธิปไตย", 7, "th") == "ประชา…"


@pytest.mark.parametrize(
    ("text", "lines", "blocks"),
    [("", 0, 0), ("one", 1, 1), ("a\nb", 2, 1), ("a\n\nb", 3, 2), ("a\n \t\n\n b\n", 5, 2)],
)
def test_line_and_block_counts(text, lines, blocks):
    assert (line_count(text), block_count(text)) == (lines, blocks)
