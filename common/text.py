"""Text as people type it, in any of the portal's scripts: the one place where typed
text is cleaned, counted and shortened.

- :func:`clean_typed_text`: what every text a delegation or a facilitator types goes
  through before it is stored (forms, autosave, plan items, drafting, workshop
  files): line ends normalised to ``\n``; C0 and C1 control characters other than tab
  and newline removed, except Word's manual line break (``\x0b``) and the form feed,
  which become a newline. PostgreSQL refuses NUL and SQLite keeps it, openpyxl
  refuses the other C0 characters: removing them at the door makes both databases
  and every export behave the same. :func:`clean_typed_line` is the same for a
  one-line field (a title, a name, a month's responsible), whose box shows no line
  break: each becomes a space, so what is stored is what the box showed.
  ``sessions.forms.TypedTextField`` applies them to a form's text fields (the
  delegations' forms, and every admin form through ``sessions.admin.TypedTextAdmin``).
  The pages do the same as people type (``cleanTyped`` in
  ``static/portal/editor/controls.js``), so the box, its counter and the stored text agree.
- :func:`word_count`, :func:`truncate_words` and :func:`split_words` use ICU's word
  boundaries (PyICU): Thai is written without spaces between words, so splitting on
  spaces would count a Thai paragraph as one word (13 words for an answer the page
  counts as 157).

Word counts match Chromium's ``Intl.Segmenter``, ICU with Chromium's two changes to the
word rules (docs/word-counts.md); ``tests/e2e/test_word_count_e2e.py`` compares them.
"""

import re
import threading
from functools import lru_cache

# C0 (but tab, newline and carriage return, handled below) and C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")


def clean_typed_text(value):
    """``value`` with line ends normalised and control characters removed (see the
    module docstring); ``None`` stays ``None``."""
    if value is None:
        return None
    return _CONTROL.sub("", _LINE_BREAKS.sub("\n", value))


def clean_typed_line(value):
    """``value`` cleaned for a one-line field: as :func:`clean_typed_text`, with each
    line break a space; ``None`` stays ``None``."""
    if value is None:
        return None
    return clean_typed_text(value).replace("\n", " ")


_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


def line_count(text):
    """Lines of cleaned ``text`` (:func:`clean_typed_text`): one more than its line
    breaks, 0 for no text. What a printed text costs grows with its lines."""
    return text.count("\n") + 1 if text else 0


def block_count(text):
    """Paragraphs of cleaned ``text``: runs of lines between blank lines, each printed
    as a block of its own."""
    return len([block for block in _BLANK_LINES.split(text or "") if block.strip()])


# ICU's "word-like" rule statuses (UBRK_WORD_NUMBER and above: numbers, letters,
# kana, ideographs); V8's ``isWordLike`` is the same test.
_WORD_LIKE = 100

_FULL_STOPS = r"\u002E\uFF0E"


@lru_cache(maxsize=8)
def _word_rules(language):
    """ICU's word break rules for ``language``, changed as Chromium changes them (see
    the module docstring). The rules are compiled from ICU's own source text, so a
    newer ICU brings its own rules with the same two changes."""
    import icu

    rules = str(icu.BreakIterator.createWordInstance(icu.Locale(language or "en")).getRules())

    def redefine(name, template):
        pattern = re.compile(r"(\$" + name + r"\s*=\s*)(\[[^;]*\])(\s*;)")
        return pattern.sub(lambda m: m[1] + template.format(m[2]) + m[3], rules, count=1)

    rules = redefine("ALetter", "[{}-[\\u0040]]")
    rules = redefine("MidNumLet", "[{}-[" + _FULL_STOPS + "]]")
    rules = redefine("MidNum", "[{}[" + _FULL_STOPS + "]]")
    return rules


_iterators = threading.local()


def _iterator(kind, language):
    """A break iterator (``"word"``, ``"sentence"`` or ``"character"``) for
    ``language``, one per thread: ICU's iterators hold the text they walk and must not
    be shared."""
    import icu

    cache = _iterators.__dict__.setdefault("cache", {})
    key = (kind, language)
    if key not in cache:
        if kind == "word":
            cache[key] = icu.RuleBasedBreakIterator(_word_rules(language))
        elif kind == "sentence":
            # With the locale's abbreviations ("M. Diallo" is one French sentence).
            locale = icu.Locale(f"{language or 'en'}@ss=standard")
            cache[key] = icu.BreakIterator.createSentenceInstance(locale)
        else:
            cache[key] = icu.BreakIterator.createCharacterInstance(icu.Locale(language or "en"))
    return cache[key]


def _segments(text, kind, language):
    """``(start, end, rule status)`` of each segment of ``text``, as Python string
    indices (ICU counts UTF-16 code units)."""
    import icu

    iterator = _iterator(kind, language or "")
    utext = icu.UnicodeString(text)
    iterator.setText(utext)
    offsets, unit = {}, 0
    for index, char in enumerate(text):
        offsets[unit] = index
        unit += 2 if ord(char) > 0xFFFF else 1
    offsets[unit] = len(text)
    segments = []
    start = iterator.first()
    for end in iterator:
        segments.append((offsets[start], offsets[end], iterator.getRuleStatus()))
        start = end
    return segments


def _words(text, language):
    """``(start, end)`` of each word of ``text`` (letters, digits or ideographs)."""
    return [
        (start, end)
        for start, end, status in _segments(text, "word", language)
        if status >= _WORD_LIKE
    ]


def sentence_spans(text, language=""):
    """``(start, end)`` of each sentence of ``text`` by ICU's sentence boundaries, its
    trailing spaces and line break included; the spans cover the whole text. A line
    break ends a sentence, so each line of a list is one; Thai, written without full
    stops, has a sentence per line."""
    if not text:
        return []
    return [(start, end) for start, end, _status in _segments(text, "sentence", language)]


def split_segments(text, language=""):
    """``text`` cut at ICU's word boundaries, spaces and punctuation included: the
    pieces joined give ``text`` back (what a word-level diff compares)."""
    return [text[start:end] for start, end, _status in _segments(text or "", "word", language)]


def split_words(text, language=""):
    """The words of ``text``, in order, as the session page finds them."""
    return [text[start:end] for start, end in _words(text or "", language)]


def word_count(text, language=""):
    """How many words ``text`` has, as the session page counts them. ``language``
    is the text's language code (``"th"``); empty for unknown."""
    if not text or not text.strip():
        return 0
    return len(_words(text, language))


def truncate_words(text, limit, language=""):
    """``text`` cut to at most ``limit`` characters (the "…" included) after its
    last whole word that fits, with "…" when cut. A first word longer than that is
    cut between two characters as people see them (a Thai consonant keeps its vowel
    and tone marks)."""
    if len(text) <= limit:
        return text
    room = limit - 1  # for the "…"
    cut = 0
    for _start, end in _words(text, language):
        if end > room:
            break
        cut = end
    if not cut:
        for _start, end, _status in _segments(text, "character", language):
            if end > room:
                break
            cut = end
    return text[:cut].rstrip() + "…"
