"""Delegation PDFs through a cache, and the organisers' bundle of a whole workshop.

A delegation's document is rendered only when something that goes into it changed:
its fingerprint hashes the frozen document data (everything the PDF shows except
the time it was generated) and the templates. Rendered PDFs and bundles live in the
database, so any app server or worker can serve them.

The bundle runs as a background task (``summaries.tasks.build_bundle``) and records
its progress on the ``Bundle`` row; at most one runs per workshop at a time.
"""

import dataclasses
import hashlib
import io
import zipfile
from functools import cache
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify

from .models import Bundle, RenderedDocument
from .pdf import plan_document, render_action_plan, render_ta_requests
from .pdf.render import html_to_pdf

RENDERERS = {
    RenderedDocument.Kind.ACTION_PLAN: render_action_plan,
    RenderedDocument.Kind.TA_REQUESTS: render_ta_requests,
}
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "summaries" / "pdf"


@cache
def _templates_digest():
    """Changing a PDF template or the stylesheet invalidates every cached PDF."""
    digest = hashlib.sha256()
    for path in sorted(TEMPLATE_DIR.iterdir()):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def document_fingerprint(doc, kind):
    """What the ``kind`` document shows, hashed: the TA requests document shows only
    the summaries its requests draw on and no action table, so other edits leave it be."""
    stable = dataclasses.replace(doc, generated_at=None)
    if kind == RenderedDocument.Kind.TA_REQUESTS:
        stable = dataclasses.replace(stable, sessions=doc.ta_sessions, actions=())
    return hashlib.sha256(f"{kind}|{_templates_digest()}|{stable!r}".encode()).hexdigest()


def document_pdf(*, delegation, kind, language=None):
    """``(pdf_bytes, rendered)``: the delegation's document, from the cache when its
    fingerprint is unchanged (``rendered`` is then False). Callers check access."""
    doc = plan_document(delegation=delegation, language=language)
    fingerprint = document_fingerprint(doc, kind)
    cached = (
        RenderedDocument.objects.filter(delegation=delegation, kind=kind, language=doc.language)
        .only("fingerprint", "pdf")
        .first()
    )
    if cached is not None and cached.fingerprint == fingerprint:
        return bytes(cached.pdf), False
    pdf = RENDERERS[kind](doc)
    RenderedDocument.objects.update_or_create(
        delegation=delegation,
        kind=kind,
        language=doc.language,
        defaults={"fingerprint": fingerprint, "pdf": pdf},
    )
    return pdf, True


def document_filename(delegation, kind, extension="pdf"):
    """ASCII-safe ``workshop_delegation_document.pdf``."""
    parts = [delegation.workshop.slug, slugify(delegation.name) or delegation.slug, kind]
    return "_".join(part.replace("-", "_") for part in parts) + "." + extension


@transaction.atomic
def bundle_request(*, workshop, user):
    """The bundle to follow: the one already queued or running for ``workshop``, else
    a new one. Returns ``(bundle, created)``; the caller enqueues a created bundle."""
    running = Bundle.objects.filter(
        workshop=workshop, status__in=[Bundle.Status.QUEUED, Bundle.Status.RUNNING]
    ).first()
    if running is not None:
        return running, False
    try:
        with transaction.atomic():
            return Bundle.objects.create(workshop=workshop, requested_by=user), True
    except IntegrityError:  # a concurrent click won the race
        return Bundle.objects.get(
            workshop=workshop, status__in=[Bundle.Status.QUEUED, Bundle.Status.RUNNING]
        ), False


def bundle_build(bundle, *, extra_files=()):
    """Render (or reuse) every delegation's PDFs, add a compendium and ``extra_files``
    (``(name, bytes)`` pairs, e.g. spreadsheets), and store the ZIP on ``bundle``.

    Progress is saved after each delegation. Memory holds one delegation's PDFs at a
    time plus the ZIP being written (the compendium is merged from the ZIP's PDFs).
    """
    delegations = list(bundle.workshop.delegations.select_related("workshop").order_by("name"))
    Bundle.objects.filter(pk=bundle.pk).update(
        status=Bundle.Status.RUNNING, total=len(delegations), done=0, rendered=0, reused=0
    )
    buffer = io.BytesIO()
    try:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            plans = []
            for delegation in delegations:
                counts = {True: 0, False: 0}
                for kind in RENDERERS:
                    pdf, rendered = document_pdf(delegation=delegation, kind=kind)
                    counts[rendered] += 1
                    name = f"{delegation.slug}/{document_filename(delegation, kind)}"
                    archive.writestr(name, pdf)
                    if kind == RenderedDocument.Kind.ACTION_PLAN:
                        plans.append((delegation, name))
                Bundle.objects.filter(pk=bundle.pk).update(
                    done=F("done") + 1,
                    rendered=F("rendered") + counts[True],
                    reused=F("reused") + counts[False],
                )
            archive.writestr(
                f"{bundle.workshop.slug}_compendium.pdf",
                _compendium(bundle.workshop, archive, plans),
            )
            for name, content in extra_files:
                archive.writestr(name, content)
    except Exception as exc:
        Bundle.objects.filter(pk=bundle.pk).update(
            status=Bundle.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    Bundle.objects.filter(pk=bundle.pk).update(
        status=Bundle.Status.DONE, archive=buffer.getvalue(), finished_at=timezone.now()
    )


def workshop_spreadsheets(workshop, *, base_url=""):
    """Every TA request and every action of ``workshop`` as CSV and XLSX files, for
    the bundle; links back are ``base_url`` + the delegation page."""
    from delegations.selectors.organisers import action_table, ta_request_table

    from .exports import table_csv, table_xlsx

    files = []
    for name, build_table in (("ta-requests", ta_request_table), ("actions", action_table)):
        table = build_table(workshop=workshop, link=lambda d: base_url + d.get_absolute_url())
        files.append((f"{workshop.slug}_{name}.csv", table_csv(table)))
        files.append((f"{workshop.slug}_{name}.xlsx", table_xlsx(table)))
    return files


def _compendium(workshop, archive, plans):
    """Every delegation's action plan in one PDF, after a table of contents, with one
    bookmark per delegation."""
    from pypdf import PdfReader, PdfWriter

    readers = [
        (delegation, PdfReader(io.BytesIO(archive.read(name)))) for delegation, name in plans
    ]
    entries, page = [], 2  # page 1 is the table of contents
    for delegation, reader in readers:
        entries.append((delegation.name, page))
        page += len(reader.pages)
    with translation.override(workshop.default_language):
        toc = html_to_pdf(
            render_to_string(
                "summaries/compendium_toc.html", {"workshop": workshop, "entries": entries}
            )
        )
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(toc)), import_outline=False)
    for delegation, reader in readers:
        start = len(writer.pages)
        writer.append(reader, import_outline=False)
        writer.add_outline_item(title=delegation.name, page_number=start)
    writer.add_metadata({"/Title": f"{workshop.title} — compendium"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
