"""Access sheets: one cut-out card per delegation with its sign-in name and password.

:func:`access_sheet_pdf` takes what ``services.delegation_accounts_reset`` returns and
gives PDF bytes; it reads no request and writes nothing, so the passwords live only
in the returned bytes.
"""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string

from sessions.i18n import localized
from workshop_portal.pdf import html_to_pdf

# The cards fill the page themselves (their own styles are in the template).
PAGE_CSS = "@page { size: A4; margin: 10mm; }"


@dataclass(frozen=True)
class AccessCard:
    delegation: str
    workshop: str
    workshop_language: str  # the language ``workshop`` is written in
    username: str
    password: str
    portal_url: str
    language: str  # the interface language of the card's labels


def interface_language(workshop):
    """The workshop's default language if the interface is translated into it, else
    the site's default language."""
    codes = {code for code, _name in settings.LANGUAGES}
    if workshop.default_language in codes:
        return workshop.default_language
    return settings.LANGUAGE_CODE.split("-")[0]


def access_cards(accounts, *, portal_url):
    """One :class:`AccessCard` per ``(delegation, username, password)`` of ``accounts``."""
    cards = []
    for delegation, username, password in accounts:
        workshop = delegation.workshop
        title = localized(workshop, "title", workshop.default_language)
        cards.append(
            AccessCard(
                delegation=delegation.name,
                workshop=title.text,
                workshop_language=title.language,
                username=username,
                password=password,
                portal_url=portal_url,
                language=interface_language(workshop),
            )
        )
    return cards


def access_sheet_pdf(accounts, *, portal_url):
    """PDF bytes: the cards of ``accounts`` (as returned by
    ``delegation_accounts_reset``), eight to an A4 page with dashed cut lines, each
    card's labels in its workshop's interface language."""
    html = render_to_string(
        "delegations/access_sheet.html",
        {"cards": access_cards(accounts, portal_url=portal_url)},
    )
    return html_to_pdf(html, stylesheets=(PAGE_CSS,))
