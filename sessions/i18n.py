"""Reading translated content in a chosen language, with a visible fallback.

modeltranslation's own fallback is silent; pages must say when they show another
language than the one asked for, so they read fields through :func:`localized`.
"""

from dataclasses import dataclass

from django.conf import settings
from modeltranslation.utils import build_localized_fieldname


@dataclass(frozen=True)
class Localized:
    text: str
    language: str  # the language ``text`` is written in
    requested: str

    @property
    def is_fallback(self):
        return bool(self.text) and self.language != self.requested

    def __str__(self):
        return self.text


def content_language_name(code):
    return dict(settings.CONTENT_LANGUAGES).get(code, code)


def localized(obj, field, language, fallbacks=()):
    """``obj.field`` in ``language``, else in the first of ``fallbacks`` and the
    project's fallback languages that has a text, else any language that has one."""
    chain = [
        language,
        *fallbacks,
        *settings.MODELTRANSLATION_FALLBACK_LANGUAGES["default"],
        *settings.MODELTRANSLATION_LANGUAGES,
    ]
    for code in dict.fromkeys(chain):
        value = getattr(obj, build_localized_fieldname(field, code), None)
        if value:
            return Localized(value, code, language)
    return Localized("", language, language)
