"""The limits every typed text of a delegation is checked against: characters, lines
and paragraphs, with a message that says how long the text is."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from common.text import block_count, line_count


def grouped(number):
    """``number`` grouped as the active language writes it (12 345, 12.345, 12,345)."""
    return number_format(number, force_grouping=True)


def check_text_limits(value, *, max_length, label):
    """Refuse text over ``max_length`` characters, ``settings.TEXT_MAX_LINES`` lines or
    ``settings.TEXT_MAX_BLOCKS`` paragraphs, with a message that says how long it is:
    a printed text costs by its lines as much as by its characters. Nothing is cut."""
    value = value or ""
    if len(value) > max_length:
        raise ValidationError(
            _(
                "%(label)s is too long: %(length)s characters, the limit is %(limit)s. "
                "Nothing was cut: your text is still in the box. Shorten it to save it."
            ),
            code="too_long",
            params={"label": label, "length": grouped(len(value)), "limit": grouped(max_length)},
        )
    lines, blocks = line_count(value), block_count(value)
    if lines > settings.TEXT_MAX_LINES:
        raise ValidationError(
            _(
                "%(label)s has too many lines: %(lines)s, the limit is %(limit)s. "
                "Nothing was cut: your text is still in the box. Join some lines to save it."
            ),
            code="too_many_lines",
            params={
                "label": label,
                "lines": grouped(lines),
                "limit": grouped(settings.TEXT_MAX_LINES),
            },
        )
    if blocks > settings.TEXT_MAX_BLOCKS:
        raise ValidationError(
            _(
                "%(label)s has too many paragraphs: %(blocks)s, the limit is %(limit)s. "
                "Nothing was cut: your text is still in the box. Join some paragraphs to "
                "save it."
            ),
            code="too_many_blocks",
            params={
                "label": label,
                "blocks": grouped(blocks),
                "limit": grouped(settings.TEXT_MAX_BLOCKS),
            },
        )
    return value
