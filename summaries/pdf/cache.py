"""A delegation's PDFs, rendered only when something that goes into them changed.

A document's fingerprint hashes its frozen data (everything the PDF shows except the
time it was generated) and the templates. Rendered PDFs live in the database
(``RenderedDocument``), with the file name their renderer gave them, so any app
server or worker serves them and a download and the ZIP name them alike.
"""

import dataclasses
import hashlib
from functools import cache
from importlib.metadata import version
from pathlib import Path

import django
from django.conf import settings

import workshop_portal.pdf
from workshop_portal.pdf import PDF_CONTENT_TYPE, RenderedFile

from ..models import RenderedDocument
from .documents import plan_document
from .render import TEMPLATE_DIR, render_document

KINDS = tuple(RenderedDocument.Kind.values)


@cache
def templates_digest():
    """What makes a PDF besides its data, hashed: the PDF templates and stylesheet,
    the renderer and the engine (``summaries/pdf``, ``workshop_portal/pdf``, its text
    layer included), the compiled catalogues and the versions of Django and
    WeasyPrint. Changing any of them invalidates every cached PDF: a new translation
    or a mended text layer reaches documents rendered before it."""
    sources = [
        *sorted(TEMPLATE_DIR.iterdir()),
        *sorted(Path(__file__).parent.glob("*.py")),
        *sorted(Path(workshop_portal.pdf.__file__).parent.glob("*.py")),
        *sorted(
            mo for path in settings.LOCALE_PATHS for mo in Path(path).glob("*/LC_MESSAGES/*.mo")
        ),
    ]
    digest = hashlib.sha256(f"{django.__version__}|{version('weasyprint')}".encode())
    for path in sources:
        # The last parts of the path only: every checkout of the portal agrees.
        digest.update("/".join(path.parts[-4:]).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def document_fingerprint(doc, kind):
    """What the ``kind`` document shows, hashed: the TA requests document shows only
    the summaries its requests draw on and no action table, so other edits leave it be."""
    stable = dataclasses.replace(doc, generated_at=None)
    if kind == RenderedDocument.Kind.TA_REQUESTS:
        stable = dataclasses.replace(stable, sessions=doc.ta_sessions, actions=())
    return hashlib.sha256(f"{kind}|{templates_digest()}|{stable!r}".encode()).hexdigest()


def documents_refresh(*, delegation, kinds=KINDS, language=None):
    """Render those of the delegation's documents whose fingerprint changed.

    Returns ``(language, {kind: rendered})``; ``rendered`` is False for a document
    the cache already held. The document data is read once for all ``kinds``.
    """
    doc = plan_document(delegation=delegation, language=language)
    cached = dict(
        RenderedDocument.objects.filter(
            delegation=delegation, language=doc.language, kind__in=kinds
        ).values_list("kind", "fingerprint")
    )
    rendered = {}
    for kind in kinds:
        fingerprint = document_fingerprint(doc, kind)
        rendered[kind] = cached.get(kind) != fingerprint
        if rendered[kind]:
            output = render_document(doc, kind)
            RenderedDocument.objects.update_or_create(
                delegation=delegation,
                kind=kind,
                language=doc.language,
                defaults={
                    "fingerprint": fingerprint,
                    "filename": output.filename,
                    "pdf": output.content,
                },
            )
    return doc.language, rendered


def document_file(*, delegation, kind, language=None):
    """``(RenderedFile, rendered)``: the delegation's document, from the cache when its
    fingerprint is unchanged (``rendered`` is then False). Callers check access."""
    language, rendered = documents_refresh(delegation=delegation, kinds=(kind,), language=language)
    filename, pdf = RenderedDocument.objects.values_list("filename", "pdf").get(
        delegation=delegation, kind=kind, language=language
    )
    return RenderedFile(filename, PDF_CONTENT_TYPE, bytes(pdf)), rendered[kind]
