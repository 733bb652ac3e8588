"""PDF rendering: a :class:`~summaries.pdf.documents.PlanDocument` in, a
:class:`~workshop_portal.pdf.RenderedFile` out (file name, content type, bytes).

Nothing here reads the database or a request. User text reaches WeasyPrint only
through autoescaped templates; the engine (``workshop_portal.pdf``) supplies the
fonts and the fetcher that may read nothing else.
"""

from functools import cache
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from workshop_portal.pdf import (
    PDF_CONTENT_TYPE,
    RenderedFile,
    css_string,
    html_to_pdf,
    page_counter_content,
)

from . import labels

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "summaries" / "pdf"
CSS_FILE = TEMPLATE_DIR / "pdf.css"

DOCUMENTS = {
    "action_plan": ("summaries/pdf/action_plan.html", gettext_lazy("Action plan")),
    "ta_requests": ("summaries/pdf/ta_requests.html", gettext_lazy("TA requests")),
}


@cache
def stylesheet():
    """The plans' stylesheet (layout; the engine adds the fonts)."""
    return CSS_FILE.read_text(encoding="utf-8")


def _page_css(*, document_label, is_draft):
    """Margin boxes whose text is translated: page numbers, document name, draft mark."""
    header = css_string(document_label)
    if is_draft:
        header += " " + css_string(" · " + gettext("DRAFT"))
    pages = page_counter_content(gettext("Page %(page)s of %(pages)s"))
    return (
        f"@page {{ @top-right {{ content: {header}; }} }}\n"
        f"@page {{ @bottom-right {{ content: {pages}; }} }}\n"
    )


def document_filename(doc, kind):
    """``workshop_delegation_kind.pdf`` in ASCII (slugs), with ``_<language>`` when the
    document is not in the delegation's own language. The one name of a document,
    in a download and in the ZIP."""
    parts = [doc.workshop_slug, doc.delegation_slug, kind]
    if doc.language != doc.delegation_language:
        parts.append(doc.language)
    return "_".join(part.replace("-", "_") for part in parts) + ".pdf"


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


def render_document(doc, kind):
    """Document ``kind`` of ``doc`` as a :class:`RenderedFile`, labels in ``doc.language``."""
    html, page_css = document_html(doc, kind)
    return RenderedFile(
        filename=document_filename(doc, kind),
        content_type=PDF_CONTENT_TYPE,
        content=html_to_pdf(html, stylesheets=(stylesheet(), page_css)),
    )


def render_action_plan(doc):
    """The delegation's plan of actions."""
    return render_document(doc, "action_plan")


def render_ta_requests(doc):
    """The delegation's TA requests."""
    return render_document(doc, "ta_requests")
