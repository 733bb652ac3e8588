"""A done bundle's ZIP: written from the cached PDFs with the compendiums (joined page
by page from temporary files) and the spreadsheets, stored in pieces, streamed back;
an unchanged workshop reuses the previous ZIP, and old bundles are pruned."""

import hashlib
import io
import shutil
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pikepdf
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from common.pdf import html_to_pdf, render_limits
from common.pdf.join import PdfJoiner

from ..models import Bundle, BundleChunk, RenderedDocument
from ..pdf.cache import templates_digest
from ..pdf.render import stylesheet
from .contents import bundle_contents

# Done bundles kept per workshop (older ones, and their ZIPs, are deleted).
BUNDLES_KEPT = 3


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
