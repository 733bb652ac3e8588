"""PDF rendering: a :class:`~summaries.pdf.documents.PlanDocument` in, PDF bytes out.

Nothing here reads the database or a request. User text reaches WeasyPrint only
through autoescaped templates, and WeasyPrint may fetch nothing but ``data:`` URLs
and the fonts the project ships (``fetcher.SafeURLFetcher``), so no text a delegation
types can make the renderer read a local file or open a network connection.

``weasyprint`` is imported inside the functions: importing it takes ~0.6 s.
"""

import re
from functools import cache
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from . import labels

CSS_FILE = Path(__file__).resolve().parent.parent / "templates" / "summaries" / "pdf" / "pdf.css"


class UnsafeResourceError(RuntimeError):
    """The HTML asked WeasyPrint for a resource it may not fetch; nothing was rendered.

    Templates never do this and user text is escaped: it means a template bug.
    """


DOCUMENTS = {
    "action_plan": ("summaries/pdf/action_plan.html", gettext_lazy("Action plan")),
    "ta_requests": ("summaries/pdf/ta_requests.html", gettext_lazy("TA requests")),
}


@cache
def stylesheet():
    """The PDFs' stylesheet (fonts, layout); its font URLs are relative to the fonts."""
    return CSS_FILE.read_text(encoding="utf-8")


def _css_string(text):
    """``text`` as a CSS string literal, safe inside a stylesheet."""
    escaped = "".join(
        f"\\{ord(char):x} " if char in '"\\<>' or ord(char) < 0x20 else char for char in text
    )
    return f'"{escaped}"'


def _counter_content(label):
    """CSS ``content`` for a translated "Page %(page)s of %(pages)s"."""
    tokens = []
    for part in re.split(r"(%\((?:page|pages)\)s)", label):
        if part == "%(page)s":
            tokens.append("counter(page)")
        elif part == "%(pages)s":
            tokens.append("counter(pages)")
        elif part:
            tokens.append(_css_string(part))
    return " ".join(tokens)


def _page_css(*, document_label, is_draft):
    """Margin boxes whose text is translated: page numbers, document name, draft mark."""
    header = _css_string(document_label)
    if is_draft:
        header += " " + _css_string(" · " + gettext("DRAFT"))
    pages = _counter_content(gettext("Page %(page)s of %(pages)s"))
    return (
        f"@page {{ @top-right {{ content: {header}; }} }}\n"
        f"@page {{ @bottom-right {{ content: {pages}; }} }}\n"
    )


def html_to_pdf(html, *, page_css=""):
    """PDF bytes of ``html`` (template output, user text escaped) with the project's
    fonts and stylesheet. Raises ``UnsafeResourceError`` if it asks for any resource
    but ``data:`` URLs and the fonts."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError, path2url

    from .fetcher import SafeURLFetcher, fonts_dir

    fetcher = SafeURLFetcher()
    # The @font-face rules only take effect if this one FontConfiguration is given
    # both to the stylesheet and to write_pdf.
    font_config = FontConfiguration()
    stylesheets = [
        CSS(
            string=stylesheet(),
            base_url=path2url(fonts_dir()),
            url_fetcher=fetcher,
            font_config=font_config,
        )
    ]
    if page_css:
        stylesheets.append(CSS(string=page_css, url_fetcher=fetcher, font_config=font_config))
    try:
        pdf = HTML(string=html, url_fetcher=fetcher).write_pdf(
            stylesheets=stylesheets, font_config=font_config
        )
    except FatalURLFetchingError as exc:
        raise UnsafeResourceError(str(exc)) from exc
    if fetcher.refused:
        raise UnsafeResourceError(
            f"Refused to fetch {fetcher.refused[0][:200]!r} while rendering a PDF."
        )
    return pdf


def document_html(doc, kind):
    """``(html, page_css)`` of document ``kind`` (a key of ``DOCUMENTS``), with every
    label in ``doc.language``."""
    template_name, document_label = DOCUMENTS[kind]
    with translation.override(doc.language):
        label = str(document_label)
        context = {
            "doc": doc,
            "document_label": label,
            "action_labels": labels.ACTION,
            "ta_labels": labels.TA_REQUEST,
        }
        html = render_to_string(template_name, context)
        page_css = _page_css(document_label=label, is_draft=doc.is_draft)
    return html, page_css


def render_action_plan(doc):
    """The delegation's plan of actions as PDF bytes, labels in ``doc.language``."""
    html, page_css = document_html(doc, "action_plan")
    return html_to_pdf(html, page_css=page_css)


def render_ta_requests(doc):
    """The delegation's TA requests as PDF bytes, labels in ``doc.language``."""
    html, page_css = document_html(doc, "ta_requests")
    return html_to_pdf(html, page_css=page_css)
