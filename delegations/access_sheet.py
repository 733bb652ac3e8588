"""Access cards: one cut-out card per delegation member with a sign-in link as a QR
code, and the sign-in name and password to type when scanning is not an option.

:func:`access_sheet_file` takes what ``services.delegation_cards_issue`` returns and
gives the PDF; it reads no request and writes nothing. A task worker calls it
(``services.access_sheet_render``), never a web request. The card link
(:func:`card_sign_in_url`) is a django-sesame token scoped to the workshop: it stops
working when the member's password changes (the card is reprinted) and, checked by
the sign-in view, when the workshop has ended (:func:`card_link_expires_at`).
"""

import datetime as dt
import math
import zoneinfo
from dataclasses import dataclass
from urllib.parse import urljoin

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from common.pdf import PDF_CONTENT_TYPE, RenderedFile, html_to_pdf, render_limits
from sessions.i18n import localized

# Eight cards to an A4 page: two columns of four, 10 mm page margin. The template
# draws exactly these sizes and the tests find the cards from them.
PAGE_MARGIN_MM = 10
CARD_WIDTH_MM = 94.5  # two to a row, with room for rounding
CARD_HEIGHT_MM = 68
CARDS_PER_PAGE = 8
PAGE_CSS = f"@page {{ size: A4; margin: {PAGE_MARGIN_MM}mm; }}"

# Each part of a card has a fixed box (mm, inside 5 mm / 4 mm padding); a text is set
# in the largest size (pt) that fills its box without overflowing. See the template.
TEXT_WIDTH_MM = CARD_WIDTH_MM - 2 * 5
FIELD_WIDTH_MM = TEXT_WIDTH_MM - 29  # beside the QR code
QR_SIZE_MM = 25
_BOXES = {
    # name: (width, height, largest, smallest, bold)
    "title": (TEXT_WIDTH_MM, 10, 8.5, 5, False),
    "name": (TEXT_WIDTH_MM, 11, 15, 6, True),
    "username": (FIELD_WIDTH_MM, 6, 12.5, 5.5, True),
    "url": (FIELD_WIDTH_MM, 6.5, 9.5, 5, False),
    "hint": (TEXT_WIDTH_MM, 7.5, 8.5, 5, False),
    "scan": (QR_SIZE_MM + 2, 4.5, 7, 4.5, False),
}
LINE_HEIGHT = 1.25
_MM_PER_PT = 25.4 / 72


def fit_font_size(text, *, width_mm, height_mm, largest, smallest, bold=False):
    """The largest font size (pt, in quarter points) at which ``text`` wraps into a
    ``width_mm`` × ``height_mm`` box, estimated on the generous side (every character
    as wide as a wide Latin letter, a sixth of each line lost to wrapping), never
    below ``smallest``."""
    advance = 0.66 if bold else 0.6  # em per character, above Noto Sans' averages
    size = largest
    while size > smallest:
        per_line = max(1, math.floor(width_mm * 0.85 / (advance * size * _MM_PER_PT)))
        lines = math.ceil(max(len(text), 1) / per_line)
        if lines * LINE_HEIGHT * size * _MM_PER_PT <= height_mm:
            return size
        size -= 0.25
    return smallest


def _fit(box, text):
    width, height, largest, smallest, bold = _BOXES[box]
    return fit_font_size(
        text, width_mm=width, height_mm=height, largest=largest, smallest=smallest, bold=bold
    )


def card_language(delegation):
    """The interface language of ``delegation``'s cards and card sign-in: its own
    language if the interface is translated into it, else its workshop's default
    language if so, else the site's default language."""
    codes = {code for code, _name in settings.LANGUAGES}
    for code in (delegation.language, delegation.workshop.default_language):
        if code in codes:
            return code
    return settings.LANGUAGE_CODE.split("-")[0]


def card_link_scope(workshop):
    """The sesame scope of the card links of ``workshop``: a link of one workshop
    signs in nobody through another workshop's address."""
    return f"access-card:{workshop.pk}"


def card_link_expires_at(workshop):
    """When ``workshop``'s card links stop working: the midnight that ends its last
    day, in its time zone."""
    try:
        zone = zoneinfo.ZoneInfo(workshop.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    return dt.datetime.combine(workshop.end_date + dt.timedelta(days=1), dt.time.min, zone)


def card_sign_in_url(user, workshop, *, portal_url):
    """The absolute sign-in link printed (as a QR code) on ``user``'s card."""
    from sesame.utils import get_query_string

    path = reverse("delegations:card_sign_in", kwargs={"workshop": workshop.slug})
    return urljoin(portal_url, path) + get_query_string(user, scope=card_link_scope(workshop))


def qr_code_data_url(text):
    """``text`` as a QR code, an SVG ``data:`` URL (the PDF engine fetches nothing
    else, and WeasyPrint draws SVG sharply at any size)."""
    import segno

    return segno.make(text, error="m", micro=False).svg_data_uri(border=2)


@dataclass(frozen=True)
class AccessCard:
    delegation: str
    workshop: str
    workshop_language: str  # the language ``workshop`` is written in
    username: str
    password: str
    portal_url: str
    sign_in_url: str
    qr_code: str  # data: URL of the QR code of ``sign_in_url``
    language: str  # the interface language of the card's labels
    hint: str
    scan: str
    sizes: dict  # font size (pt) of each box, by name of ``_BOXES``


def access_cards(issued, *, portal_url):
    """One :class:`AccessCard` per ``IssuedCard`` of ``issued``."""
    cards = []
    for card in issued:
        delegation = card.delegation
        workshop = delegation.workshop
        language = card_language(delegation)
        title = localized(workshop, "title", language)
        sign_in_url = card_sign_in_url(card.user, workshop, portal_url=portal_url)
        with translation.override(language):
            hint = _("Change nothing: sign in and choose your session.")
            scan = _("Scan to sign in")
        texts = {
            "title": title.text,
            "name": delegation.name,
            "username": card.user.get_username(),
            "url": portal_url,
            "hint": hint,
            "scan": scan,
        }
        cards.append(
            AccessCard(
                delegation=delegation.name,
                workshop=title.text,
                workshop_language=title.language,
                username=card.user.get_username(),
                password=card.password,
                portal_url=portal_url,
                sign_in_url=sign_in_url,
                qr_code=qr_code_data_url(sign_in_url),
                language=language,
                hint=hint,
                scan=scan,
                sizes={box: _fit(box, text) for box, text in texts.items()},
            )
        )
    return cards


def access_sheet_filename(issued):
    """``access-cards-<workshop>-<delegation>.pdf`` for one delegation's cards,
    ``access-sheets-<workshop>.pdf`` for one workshop's, else ``access-sheets.pdf``."""
    delegations = {card.delegation.pk: card.delegation for card in issued}
    workshops = {delegation.workshop.slug for delegation in delegations.values()}
    if len(delegations) == 1:
        (delegation,) = delegations.values()
        return f"access-cards-{delegation.workshop.slug}-{delegation.slug}.pdf"
    if len(workshops) == 1:
        return f"access-sheets-{workshops.pop()}.pdf"
    return "access-sheets.pdf"


def access_sheet_file(issued, *, portal_url):
    """The PDF of the cards of ``issued`` (as returned by ``delegation_cards_issue``),
    eight to an A4 page with dashed cut lines, each card in its delegation's
    language (:func:`card_language`), as a ``RenderedFile``. Rendered in a child
    process within the limits of every PDF (``common.pdf.render_limits``): raises
    ``RenderLimitExceeded`` past them."""
    html = render_to_string(
        "delegations/access_sheet.html",
        {
            "cards": access_cards(issued, portal_url=portal_url),
            "card_width": CARD_WIDTH_MM,
            "card_height": CARD_HEIGHT_MM,
            "qr_size": QR_SIZE_MM,
            "field_width": FIELD_WIDTH_MM,
            "boxes": {name: box[1] for name, box in _BOXES.items()},
            "line_height": LINE_HEIGHT,
        },
    )
    return RenderedFile(
        access_sheet_filename(issued),
        PDF_CONTENT_TYPE,
        html_to_pdf(html, stylesheets=(PAGE_CSS,), limits=render_limits()),
    )
