"""The organisers' bundle of a whole workshop: every delegation's PDFs (through the
cache of ``summaries.pdf.cache``), a compendium and the spreadsheets, as one ZIP kept
in the database.

The bundle runs as background tasks (``summaries.tasks``): one that starts it, one
per delegation (so every running ``db_worker`` takes a share), and the last of those
assembles the ZIP. Progress is recorded on the ``Bundle`` row; at most one bundle
runs per workshop at a time.
"""

import datetime as dt
import hashlib
import io
import zipfile

from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from workshop_portal.pdf import html_to_pdf

from .models import Bundle, RenderedDocument
from .pdf.cache import documents_refresh, templates_digest
from .pdf.render import stylesheet
from .selectors.organisers import action_table, ta_request_table

# A 60-delegation bundle takes about a minute; one still running after this was
# left behind by a stopped worker.
BUNDLE_GIVE_UP_AFTER = dt.timedelta(minutes=30)


@transaction.atomic
def bundle_request(*, workshop, user):
    """The bundle to follow: the one already queued or running for ``workshop``, else
    a new one. Returns ``(bundle, created)``; the caller enqueues a created bundle."""
    running = Bundle.objects.filter(
        workshop=workshop, status__in=[Bundle.Status.QUEUED, Bundle.Status.RUNNING]
    ).first()
    if running is not None and running.created_at < timezone.now() - BUNDLE_GIVE_UP_AFTER:
        # Its worker was stopped: give up on it rather than block every new bundle.
        bundle_fail(running, "Abandoned: no worker finished it in time.")
        running = None
    if running is not None:
        return running, False
    try:
        with transaction.atomic():
            return Bundle.objects.create(workshop=workshop, requested_by=user), True
    except IntegrityError:  # a concurrent click won the race
        return Bundle.objects.get(
            workshop=workshop, status__in=[Bundle.Status.QUEUED, Bundle.Status.RUNNING]
        ), False


def bundle_prepare(bundle):
    """Mark ``bundle`` running and return the ids of the delegations to render; each
    is rendered by its own task (``bundle_render_part``), so N workers share the work."""
    ids = list(bundle.workshop.delegations.order_by("name").values_list("pk", flat=True))
    Bundle.objects.filter(pk=bundle.pk).update(
        status=Bundle.Status.RUNNING, total=len(ids), done=0, rendered=0, reused=0
    )
    return ids


def bundle_render_part(bundle, delegation):
    """Render (or reuse from the cache) one delegation's PDFs and count it done.

    Returns True for the part that completes the bundle: the caller then assembles it.
    The bundle row is locked while counting, so exactly one part sees completion.
    """
    _language, rendered = documents_refresh(delegation=delegation)
    counts = {True: 0, False: 0}
    for was_rendered in rendered.values():
        counts[was_rendered] += 1
    with transaction.atomic():
        locked = Bundle.objects.select_for_update().only("done", "total").get(pk=bundle.pk)
        Bundle.objects.filter(pk=bundle.pk).update(
            done=F("done") + 1,
            rendered=F("rendered") + counts[True],
            reused=F("reused") + counts[False],
        )
        return locked.done + 1 == locked.total


def bundle_fail(bundle, error):
    Bundle.objects.filter(pk=bundle.pk).update(
        status=Bundle.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
    )


def bundle_assemble(bundle, *, extra_files=()):
    """Write the ZIP from the cached PDFs (every part is rendered by now): each
    delegation's documents, a compendium of the action plans and ``extra_files``
    (``(name, bytes)`` pairs, e.g. spreadsheets). Memory holds one PDF at a time
    plus the ZIP being written."""
    workshop = bundle.workshop
    delegations = {d.pk: d for d in workshop.delegations.select_related("workshop")}
    documents = RenderedDocument.objects.filter(
        delegation__workshop=workshop, language=F("delegation__language")
    ).order_by("delegation__name", "kind")
    fingerprint = _bundle_fingerprint(documents, extra_files)
    previous = (
        Bundle.objects.filter(workshop=workshop, status=Bundle.Status.DONE, fingerprint=fingerprint)
        .exclude(pk=bundle.pk)
        .values_list("archive", flat=True)
        .first()
    )
    if previous is not None:  # nothing changed since that bundle: the same ZIP
        Bundle.objects.filter(pk=bundle.pk).update(
            status=Bundle.Status.DONE,
            archive=previous,
            fingerprint=fingerprint,
            finished_at=timezone.now(),
        )
        return
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        plans = []
        rows = documents.values_list("delegation_id", "kind", "filename", "pdf")
        for delegation_id, kind, filename, pdf in rows.iterator(chunk_size=20):
            delegation = delegations[delegation_id]
            name = f"{delegation.slug}/{filename}"
            archive.writestr(name, bytes(pdf))
            if kind == RenderedDocument.Kind.ACTION_PLAN:
                plans.append((delegation, name))
        archive.writestr(f"{workshop.slug}_compendium.pdf", _compendium(workshop, archive, plans))
        for name, content in extra_files:
            archive.writestr(name, content)
    Bundle.objects.filter(pk=bundle.pk).update(
        status=Bundle.Status.DONE,
        archive=buffer.getvalue(),
        fingerprint=fingerprint,
        finished_at=timezone.now(),
    )


def _bundle_fingerprint(documents, extra_files):
    digest = hashlib.sha256(templates_digest().encode())
    for delegation_id, kind, fingerprint in documents.values_list(
        "delegation_id", "kind", "fingerprint"
    ):
        digest.update(f"{delegation_id}|{kind}|{fingerprint}".encode())
    for name, content in extra_files:
        # An XLSX embeds the time it was written; its CSV twin holds the same rows.
        digest.update(name.encode())
        if not name.endswith(".xlsx"):
            digest.update(hashlib.sha256(content).digest())
    return digest.hexdigest()


def workshop_spreadsheets(workshop, *, base_url=""):
    """Every TA request and every action of ``workshop`` as CSV and XLSX files, for
    the bundle; links back are ``base_url`` + the delegation page."""
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

    # Two passes over the ZIP's PDFs, so that no more than one reader is alive at a time.
    entries, page = [], 2  # page 1 is the table of contents
    for delegation, name in plans:
        entries.append((delegation.name, page))
        page += len(PdfReader(io.BytesIO(archive.read(name))).pages)
    with translation.override(workshop.default_language):
        toc = html_to_pdf(
            render_to_string(
                "summaries/compendium_toc.html", {"workshop": workshop, "entries": entries}
            ),
            stylesheets=(stylesheet(),),
        )
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(toc)), import_outline=False)
    for delegation, name in plans:
        start = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(archive.read(name))), import_outline=False)
        writer.add_outline_item(title=delegation.name, page_number=start)
    writer.add_metadata({"/Title": f"{workshop.title} — compendium"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
