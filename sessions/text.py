"""Text as people type it, in any of the portal's scripts: the one place where typed
text is cleaned, counted and shortened.

- :func:`clean_typed_text`: what every text a delegation or a facilitator types goes
  through before it is stored (forms, autosave, plan items, drafting, workshop
  files): line ends normalised to ``\\n``; C0 and C1 control characters other than tab
  and newline removed, except Word's manual line break (``\\x0b``) and the form feed,
  which become a newline. PostgreSQL refuses NUL and SQLite keeps it, openpyxl
  refuses the other C0 characters: removing them at the door makes both databases
  and every export behave the same.
- :func:`word_count` and :func:`truncate_words` use ICU's word boundaries (PyICU),
  the same rules as the browser's ``Intl.Segmenter``: Thai is written without spaces
  between words, so splitting on spaces would count a Thai paragraph as one word.
"""

import re
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


@lru_cache(maxsize=8)
def _word_iterator(language):
    import icu

    return icu.BreakIterator.createWordInstance(icu.Locale(language or "en"))


def _words(text, language):
    """``(start, end)`` of each word of ``text`` (letters, digits or ideographs), in
    UTF-16 offsets converted back to Python string indices."""
    import icu

    iterator = _word_iterator(language)
    utext = icu.UnicodeString(text)
    iterator.setText(utext)
    words = []
    start = iterator.first()
    for end in iterator:
        # ICU's "word-like" statuses: numbers, letters, kana, ideographs (>= 100).
        if iterator.getRuleStatus() >= 100:
            words.append((start, end))
        start = end
    if not words:
        return []
    # ICU counts UTF-16 code units; map them to Python indices (astral characters).
    offsets, unit = {}, 0
    for index, char in enumerate(text):
        offsets[unit] = index
        unit += 2 if ord(char) > 0xFFFF else 1
    offsets[unit] = len(text)
    return [(offsets[a], offsets[b]) for a, b in words]


def word_count(text, language=""):
    """How many words ``text`` has, as the session page counts them."""
    if not text or not text.strip():
        return 0
    return len(_words(text, language))


def truncate_words(text, limit, language=""):
    """``text`` cut to at most ``limit`` characters at a word boundary, with "…" when
    cut; a single word longer than ``limit`` is cut at a character."""
    if len(text) <= limit:
        return text
    cut = 0
    for _start, end in _words(text, language):
        if end > limit - 1:
            break
        cut = end
    cut = cut or limit - 1
    return text[:cut].rstrip() + "…"
