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
import shutil
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from common.pdf import html_to_pdf
from common.pdf.join import PdfJoiner
from delegations import permissions
from sessions.models import GuidanceQuestion, Session

from .exporters import workshop_exporters
from .models import ActionItem, Bundle, BundleChunk, BundlePart, RenderedDocument, TARequest
from .pdf.cache import KINDS, documents_fresh, documents_refresh, templates_digest
from .pdf.render import render_limits, stylesheet

# A bundle that has not moved for this long was left behind by stopped workers:
# a new request gives up on it rather than wait for it.
BUNDLE_GIVE_UP_AFTER = dt.timedelta(minutes=30)
# A part's claim; the worker renews it every third of this while it renders, so a
# killed worker's part is free again within this.
PART_LEASE = dt.timedelta(seconds=30)
# Done bundles kept per workshop (older ones, and their ZIPs, are deleted).
BUNDLES_KEPT = 3
RUNNING = (Bundle.Status.QUEUED, Bundle.Status.RUNNING)


@dataclass(frozen=True)
class BundleContents:
    """What a workshop's bundle holds for each delegation, and its compendiums."""

    kinds: tuple  # plan documents (``RenderedDocument.Kind``) of every delegation
    sessions: tuple  # sessions whose summary every delegation's part holds

    def documents(self, workshop):
        """The stored documents of the bundle, in the delegations' own language, in
        order (delegation, then plan documents before summaries in session order)."""
        summaries = Q(kind=RenderedDocument.Kind.SUMMARY, session__in=self.sessions)
        return (
            RenderedDocument.objects.filter(
                Q(kind__in=self.kinds, session__isnull=True) | summaries,
                delegation__workshop=workshop,
                language=F("delegation__language"),
            )
            .order_by("delegation__name", "delegation_id", "session__order", "session__day", "kind")
            .values_list("delegation_id", "kind", "session__code", "filename", "pk")
        )


def bundle_contents(workshop):
    """Each delegation's action plan and TA requests, with a compendium of the plans
    and one of the TA requests for partners, when the workshop has an
    action-planning session (Day 3) or any plan item; and, when it has no Day 3 (a
    consultation, a questionnaire), each delegation's summary of every session members
    can see that has questions, with a compendium of those summaries."""
    day3 = permissions.action_planning_session(workshop.pk)
    has_plans = day3 is not None or any(
        model.objects.live().filter(delegation__workshop=workshop).exists()
        for model in (ActionItem, TARequest)
    )
    sessions = ()
    if day3 is None:
        sessions = (
            Session.objects.filter(workshop=workshop)
            .exclude(status=Session.Status.DRAFT)
            .filter(Exists(GuidanceQuestion.objects.filter(session=OuterRef("pk"))))
            .order_by("order", "day", "code")
        )
    return BundleContents(kinds=tuple(KINDS) if has_plans else (), sessions=tuple(sessions))


def bundle_stalled_after():
    """No progress for this long and organisers are offered to retry
    (setting ``BUNDLE_STALLED_SECONDS``, 2 minutes by default)."""
    return dt.timedelta(seconds=getattr(settings, "BUNDLE_STALLED_SECONDS", 120))


def bundle_last_moved(bundle):
    return bundle.progress_at or bundle.created_at


def bundle_is_stalled(bundle, *, now=None):
    """True for a queued or running bundle that has not moved for
    ``bundle_stalled_after()``: the page then offers "retry"."""
    now = now or timezone.now()
    return bundle.status in RUNNING and bundle_last_moved(bundle) < now - bundle_stalled_after()


@transaction.atomic
def bundle_request(*, workshop, user):
    """The bundle to follow: the one already queued or running for ``workshop``, else
    a new one. Returns ``(bundle, created)``; the caller enqueues a created bundle."""
    running = Bundle.objects.filter(workshop=workshop, status__in=RUNNING).first()
    if running is not None and bundle_last_moved(running) < timezone.now() - BUNDLE_GIVE_UP_AFTER:
        # Nothing moved for long: give up on it rather than block every new bundle.
        bundle_fail(running, "Abandoned: no progress in time.")
        running = None
    if running is not None:
        return running, False
    try:
        with transaction.atomic():
            return Bundle.objects.create(workshop=workshop, requested_by=user), True
    except IntegrityError:  # a concurrent click won the race
        return Bundle.objects.get(workshop=workshop, status__in=RUNNING), False


def bundle_prepare(bundle):
    """Mark ``bundle`` running with one part per delegation and return the ids of the
    delegations still to render; each is rendered by its own task
    (``bundle_render_part``), so N workers share the work. A delegation whose
    documents are all cached with their current fingerprints (read for every
    delegation at once, ``documents_fresh``) is done here, with no task. Safe to call
    again."""
    delegations = list(bundle.workshop.delegations.select_related("workshop").order_by("name"))
    ids = [delegation.pk for delegation in delegations]
    BundlePart.objects.bulk_create(
        [BundlePart(bundle=bundle, delegation_id=pk) for pk in ids], ignore_conflicts=True
    )
    contents = bundle_contents(bundle.workshop)
    fresh = documents_fresh(delegations, kinds=contents.kinds, sessions=contents.sessions)
    reused = BundlePart.objects.filter(
        bundle=bundle, delegation_id__in=fresh, status=BundlePart.Status.QUEUED
    ).update(status=BundlePart.Status.DONE)
    done = BundlePart.objects.filter(bundle=bundle, status=BundlePart.Status.DONE).count()
    Bundle.objects.filter(pk=bundle.pk, status__in=RUNNING).update(
        status=Bundle.Status.RUNNING,
        total=len(ids),
        done=done,
        reused=F("reused") + reused * (len(contents.kinds) + len(contents.sessions)),
        progress_at=timezone.now(),
    )
    return list(
        BundlePart.objects.filter(bundle=bundle)
        .exclude(status=BundlePart.Status.DONE)
        .order_by("delegation__name")
        .values_list("delegation_id", flat=True)
    )


def bundle_part_renew(bundle, delegation, *, worker):
    """Extend ``worker``'s claim on the part; False if it holds it no longer."""
    return bool(
        BundlePart.objects.filter(
            bundle=bundle, delegation=delegation, status=BundlePart.Status.RENDERING, worker=worker
        ).update(leased_until=timezone.now() + PART_LEASE)
    )


def bundle_render_part(bundle, delegation, *, worker="", renew=None):
    """Claim one delegation's part, render (or reuse from the cache) its PDFs and
    count it done.

    Returns None if the part is not free (done, or claimed by a living worker), else
    True for the one part that completes the bundle (the caller then assembles it)
    and False for the others. Any exit other than finishing (``SystemExit`` of a
    stopping worker included) gives the claim back and re-raises. ``renew`` is a
    context manager factory that keeps the lease alive while rendering.
    """
    now = timezone.now()
    claimed = (
        BundlePart.objects.filter(bundle=bundle, delegation=delegation)
        .filter(
            Q(status=BundlePart.Status.QUEUED)
            | Q(status=BundlePart.Status.RENDERING, leased_until__lt=now)
        )
        .update(status=BundlePart.Status.RENDERING, leased_until=now + PART_LEASE, worker=worker)
    )
    if not claimed:
        return None
    contents = bundle_contents(bundle.workshop)
    refresh = {"kinds": contents.kinds, "sessions": contents.sessions}
    try:
        if renew is not None:
            with renew():
                _language, rendered = documents_refresh(delegation=delegation, **refresh)
        else:
            _language, rendered = documents_refresh(delegation=delegation, **refresh)
    except BaseException:
        bundle_part_release(bundle, delegation, worker=worker)
        raise
    counts = {True: 0, False: 0}
    for was_rendered in rendered.values():
        counts[was_rendered] += 1
    with transaction.atomic():
        # The bundle row is locked, and the part is marked done by a conditional
        # update first, so a part finished twice (its lease ran out meanwhile) counts
        # once and exactly one part sees the bundle complete.
        locked = Bundle.objects.select_for_update().only("total", "status").get(pk=bundle.pk)
        finished = BundlePart.objects.filter(
            bundle=bundle, delegation=delegation, status=BundlePart.Status.RENDERING
        ).update(status=BundlePart.Status.DONE, leased_until=None)
        if not finished or locked.status != Bundle.Status.RUNNING:
            return False
        done = BundlePart.objects.filter(bundle=bundle, status=BundlePart.Status.DONE).count()
        Bundle.objects.filter(pk=bundle.pk).update(
            done=done,
            rendered=F("rendered") + counts[True],
            reused=F("reused") + counts[False],
            progress_at=timezone.now(),
        )
        return done == locked.total


def bundle_part_release(bundle, delegation, *, worker):
    """Give ``worker``'s claim back, so the next task or poll takes the part at once."""
    BundlePart.objects.filter(
        bundle=bundle, delegation=delegation, status=BundlePart.Status.RENDERING, worker=worker
    ).update(status=BundlePart.Status.QUEUED, leased_until=None)


def bundle_heal(bundle):
    """The delegation ids whose part lost its worker (lease expired) and must be
    enqueued again; each is returned to exactly one of any number of simultaneous
    callers (the status poll calls this)."""
    if bundle.status != Bundle.Status.RUNNING:
        return []
    now = timezone.now()
    expired = BundlePart.objects.filter(
        bundle=bundle, status=BundlePart.Status.RENDERING, leased_until__lt=now
    ).values_list("delegation_id", flat=True)
    healed = []
    for delegation_id in expired:
        # Re-lease it as queued, so a second poll does not enqueue it again.
        if BundlePart.objects.filter(
            bundle=bundle,
            delegation_id=delegation_id,
            status=BundlePart.Status.RENDERING,
            leased_until__lt=now,
        ).update(status=BundlePart.Status.QUEUED, leased_until=None, worker=""):
            healed.append(delegation_id)
    return healed


def bundle_retry(bundle):
    """Organisers' "retry" of a stalled bundle. Returns ``(start, delegation_ids)``:
    ``start`` when the bundle never started (enqueue ``build_bundle`` again), else the
    parts not done that are not held by a living worker, to enqueue again (an empty
    list for a bundle whose parts are all done: enqueue its assembly). Counts as
    progress, so the page stops offering it at once."""
    now = timezone.now()
    Bundle.objects.filter(pk=bundle.pk).update(progress_at=now)
    if bundle.status == Bundle.Status.QUEUED:
        return True, []
    if bundle.status != Bundle.Status.RUNNING:
        return False, []
    free = BundlePart.objects.filter(bundle=bundle).filter(
        Q(status=BundlePart.Status.QUEUED)
        | Q(status=BundlePart.Status.RENDERING, leased_until__lt=now)
    )
    ids = list(free.values_list("delegation_id", flat=True))
    free.filter(status=BundlePart.Status.RENDERING).update(
        status=BundlePart.Status.QUEUED, leased_until=None, worker=""
    )
    return False, ids


def bundle_fail(bundle, error):
    Bundle.objects.filter(pk=bundle.pk).update(
        status=Bundle.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
    )


def bundle_zip_chunks(bundle):
    """The ZIP of a done bundle (its own, or the earlier bundle's it reuses), piece by
    piece: one piece in memory at a time, for the download."""
    holder = bundle.archive_of_id or bundle.pk
    indexes = list(BundleChunk.objects.filter(bundle_id=holder).values_list("index", flat=True))
    for index in indexes:
        yield bytes(
            BundleChunk.objects.values_list("data", flat=True).get(bundle_id=holder, index=index)
        )


def bundle_zip_size(bundle):
    holder = bundle.archive_of_id or bundle.pk
    return Bundle.objects.values_list("size", flat=True).get(pk=holder)


def bundle_zip(bundle):
    """The whole ZIP's bytes (for tests and scripts; the download streams the pieces)."""
    return b"".join(bundle_zip_chunks(bundle))


def bundle_assemble(bundle, *, extra_files=()):
    """Write the ZIP from the cached PDFs (every part is rendered by now): each
    delegation's documents, a compendium of the action plans and ``extra_files``
    (``(name, bytes)`` pairs, e.g. spreadsheets), then prune the workshop's old
    bundles. The ZIP and the compendium are written to temporary files, one PDF at a
    time is read, and the ZIP is stored in pieces, so the assembler's memory does not
    grow with the number of delegations."""
    workshop = bundle.workshop
    delegations = {d.pk: d for d in workshop.delegations.select_related("workshop")}
    documents = bundle_contents(workshop).documents(workshop)
    fingerprint = _bundle_fingerprint(documents, extra_files)
    previous = (
        Bundle.objects.filter(
            workshop=workshop,
            status=Bundle.Status.DONE,
            fingerprint=fingerprint,
            archive_of__isnull=True,
        )
        .exclude(pk=bundle.pk)
        .values_list("pk", flat=True)
        .first()
    )
    if previous is not None:  # nothing changed since that bundle: the same ZIP
        Bundle.objects.filter(pk=bundle.pk).update(
            status=Bundle.Status.DONE,
            archive_of=previous,
            fingerprint=fingerprint,
            finished_at=timezone.now(),
        )
        bundle_prune(workshop)
        return
    with tempfile.TemporaryFile() as spool, tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
            # One read of each stored PDF: into the ZIP and into its compendium's folder.
            compendiums = {}
            for delegation_id, kind, code, filename, pk in documents.iterator(chunk_size=100):
                delegation = delegations[delegation_id]
                pdf = _document_pdf(pk)
                archive.writestr(f"{delegation.slug}/{filename}", pdf)
                title = f"{delegation.name} — {code}" if code else delegation.name
                compendium = compendiums.get(kind)
                if compendium is None:
                    compendium = compendiums[kind] = _Compendium(workshop, kind, Path(tmp) / kind)
                compendium.keep(title, pdf)
                del pdf
            _join_compendiums(archive, compendiums.values())
            for name, content in extra_files:
                archive.writestr(name, content)
        size = spool.tell()
        spool.seek(0)
        with transaction.atomic():
            BundleChunk.objects.filter(bundle=bundle).delete()  # of an assembly cut short
            index = 0
            while piece := spool.read(BundleChunk.CHUNK_SIZE):
                BundleChunk.objects.create(bundle=bundle, index=index, data=piece)
                index += 1
            Bundle.objects.filter(pk=bundle.pk).update(
                status=Bundle.Status.DONE,
                size=size,
                fingerprint=fingerprint,
                finished_at=timezone.now(),
            )
    bundle_prune(workshop)


def bundle_prune(workshop, *, keep=BUNDLES_KEPT):
    """Delete the workshop's done bundles older than the ``keep`` newest, except one
    whose ZIP a kept bundle reuses."""
    done = Bundle.objects.filter(workshop=workshop, status=Bundle.Status.DONE)
    kept = list(done.order_by("-created_at", "-pk").values_list("pk", "archive_of_id")[:keep])
    protected = {pk for pk, _of in kept} | {of for _pk, of in kept if of is not None}
    done.exclude(pk__in=protected).delete()


def _document_pdf(pk):
    return bytes(RenderedDocument.objects.values_list("pdf", flat=True).get(pk=pk))


def _bundle_fingerprint(documents, extra_files):
    digest = hashlib.sha256(templates_digest().encode())
    for delegation_id, kind, code, fingerprint in documents.values_list(
        "delegation_id", "kind", "session__code", "fingerprint"
    ):
        digest.update(f"{delegation_id}|{kind}|{code}|{fingerprint}".encode())
    for name, content in extra_files:
        # An XLSX embeds the time it was written; its CSV twin holds the same rows.
        digest.update(name.encode())
        if not name.endswith(".xlsx"):
            digest.update(hashlib.sha256(content).digest())
    return digest.hexdigest()


def workshop_spreadsheets(workshop, *, base_url=""):
    """The exports page's spreadsheets (``exporters.workshop_exporters``), as CSV and
    XLSX, for the bundle. Links back are ``base_url`` + the page."""
    return [
        file
        for exporter in workshop_exporters(workshop, base_url=base_url)
        for file in exporter.archive_files()
    ]


# The compendiums' file names (after the workshop's slug) and their contents pages' titles.
COMPENDIUM_FILES = {
    RenderedDocument.Kind.ACTION_PLAN: "compendium",
    RenderedDocument.Kind.TA_REQUESTS: "ta_requests_compendium",
    RenderedDocument.Kind.SUMMARY: "summaries_compendium",
}
COMPENDIUM_TITLES = {
    RenderedDocument.Kind.ACTION_PLAN: gettext_lazy("Compendium of the delegations’ action plans"),
    RenderedDocument.Kind.TA_REQUESTS: gettext_lazy(
        "Compendium of the delegations’ requests for technical assistance"
    ),
    RenderedDocument.Kind.SUMMARY: gettext_lazy("Compendium of the delegations’ summaries"),
}


class _Compendium:
    """One compendium being made: its documents kept in a folder, one file each, with
    their titles and page counts, for :func:`_join_compendiums`."""

    def __init__(self, workshop, kind, folder):
        self.workshop, self.kind, self.folder = workshop, kind, folder
        self.folder.mkdir()
        self.entries = []  # (title, path)
        self.counts = []

    def keep(self, title, pdf):
        path = self.folder / f"{len(self.entries)}.pdf"
        path.write_bytes(pdf)
        with pikepdf.open(path) as document:
            self.counts.append(len(document.pages))
        self.entries.append((title, path))

    @property
    def name(self):
        return f"{self.workshop.slug}_{COMPENDIUM_FILES[self.kind]}.pdf"

    def contents(self):
        """Its table of contents (a PDF), made in this thread's own connection."""
        try:
            return _table_of_contents(self.workshop, self.kind, self.entries, self.counts)
        finally:
            connection.close()

    def join(self, toc, out):
        """Write into ``out`` its documents in one PDF, after the table of contents
        ``toc`` (a future), with one bookmark per document.

        :class:`~common.pdf.join.PdfJoiner` writes each document's pages out as
        it reads them, so memory holds one document whatever the number of delegations;
        the contents pages go in last, at the front, so joining does not wait for them."""
        path = self.folder / "compendium.pdf"
        with open(path, "wb") as pdf:
            joiner = PdfJoiner(pdf)
            for title, document in self.entries:
                joiner.add(document, title)
            toc_path = self.folder / "toc.pdf"
            toc_path.write_bytes(toc.result())
            joiner.add(toc_path, first=True)
            with translation.override(self.workshop.default_language):
                joiner.finish(f"{self.workshop.title} — {COMPENDIUM_TITLES[self.kind]}")
        with open(path, "rb") as pdf:
            shutil.copyfileobj(pdf, out)


def _join_compendiums(archive, compendiums):
    """Write each compendium into ``archive``. Their contents pages are rendered (each in
    its child process) all at once, on threads, while the documents are joined."""
    compendiums = list(compendiums)
    if not compendiums:
        return
    with ThreadPoolExecutor(max_workers=len(compendiums)) as pool:
        tocs = [pool.submit(compendium.contents) for compendium in compendiums]
        for compendium, toc in zip(compendiums, tocs, strict=True):
            with archive.open(compendium.name, "w", force_zip64=True) as out:
                compendium.join(toc, out)


def _table_of_contents(workshop, kind, entries, counts):
    """The contents pages' PDF: each document's title and first page, counted after
    the contents pages themselves (rendered again if they take more than one page)."""
    toc_pages = 1
    for _attempt in range(3):
        contents, page = [], toc_pages + 1
        for (title, _document), count in zip(entries, counts, strict=True):
            contents.append((title, page))
            page += count
        with translation.override(workshop.default_language):
            toc = html_to_pdf(
                render_to_string(
                    "summaries/compendium_toc.html",
                    {"workshop": workshop, "title": COMPENDIUM_TITLES[kind], "entries": contents},
                ),
                stylesheets=(stylesheet(),),
                limits=render_limits(),  # in a child process, as every rendering
            )
        with pikepdf.open(io.BytesIO(toc)) as document:
            rendered_pages = len(document.pages)
        if rendered_pages == toc_pages:
            return toc
        toc_pages = rendered_pages
    return toc
