"""A delegation's PDFs, rendered only when something that goes into them changed.

A document's fingerprint hashes its frozen data (everything the PDF shows except the
time it was generated) and the templates. Rendered PDFs live in the database
(``RenderedDocument``), with the file name their renderer gave them, so any app
server or worker serves them and a download and the ZIP name them alike.

Downloads are rendered by the task workers, once per fingerprint however many people
ask at once: :func:`document_request` serves a cached document at once, or records
the fingerprint wanted on the document's row with a conditional update that exactly
one request wins (that one enqueues the task); :func:`document_render` claims the row
with a lease (the time limit plus a margin) before it renders, so a second task for
the same fingerprint finds nothing to do, and a worker that died loses its claim.
"""

import dataclasses
import datetime as dt
import hashlib
from functools import cache
from importlib.metadata import version
from pathlib import Path

import django
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

import common.pdf
from common.pdf import PDF_CONTENT_TYPE, RenderedFile, render_lease

from ..models import RenderedDocument
from .documents import plan_document, plan_documents
from .render import TEMPLATE_DIR, DocumentRenderFailed, render_document, render_notice
from .summary import summary_document, summary_documents

SUMMARY = RenderedDocument.Kind.SUMMARY
# The documents of a delegation's plan; a session's summary is one more, per session.
KINDS = tuple(kind for kind in RenderedDocument.Kind.values if kind != SUMMARY)


@cache
def templates_digest():
    """What makes a PDF besides its data, hashed: the PDF templates and stylesheet,
    the renderer and the engine (``summaries/pdf``, ``common/pdf``, its text
    layer included), the compiled catalogues and the versions of Django and
    WeasyPrint. Changing any of them invalidates every cached PDF: a new translation
    or a mended text layer reaches documents rendered before it."""
    sources = [
        *sorted(TEMPLATE_DIR.iterdir()),
        *sorted(Path(__file__).parent.glob("*.py")),
        *sorted(Path(common.pdf.__file__).parent.glob("*.py")),
        *sorted(
            mo for path in settings.LOCALE_PATHS for mo in Path(path).glob("*/LC_MESSAGES/*.mo")
        ),
    ]
    digest = hashlib.sha256(f"{django.__version__}|{version('weasyprint')}".encode())
    for path in sources:
        # The last parts of the path only: every checkout of the portal agrees.
        digest.update("/".join(path.parts[-4:]).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def document_data(*, delegation, kind, language=None, session=None):
    """The frozen data of the delegation's document ``kind`` (of ``session`` for a
    summary), read in ``language`` (default: the delegation's)."""
    if kind == SUMMARY:
        return summary_document(delegation=delegation, session=session, language=language)
    return plan_document(delegation=delegation, language=language)


def document_fingerprint(doc, kind):
    """What the ``kind`` document shows, hashed: the TA requests document shows only
    the summaries its requests draw on and no action table, so other edits leave it be."""
    stable = dataclasses.replace(doc, generated_at=None)
    if kind == RenderedDocument.Kind.TA_REQUESTS:
        stable = dataclasses.replace(stable, sessions=doc.ta_sessions, actions=())
    return hashlib.sha256(f"{kind}|{templates_digest()}|{stable!r}".encode()).hexdigest()


def documents_refresh(*, delegation, kinds=KINDS, sessions=(), language=None, notices=False):
    """Render those of the delegation's documents whose fingerprint changed: the plan
    documents ``kinds`` and the summary of each of ``sessions``.

    Returns ``(language, {key: rendered})``, ``key`` a kind or ``("summary", code)``;
    ``rendered`` is False for a document the cache already held. The plan's data is
    read once for all ``kinds``. A document that passes a rendering limit raises
    ``DocumentRenderFailed``; with ``notices`` (a bundle) it is kept as a one-page
    notice instead (:func:`~summaries.pdf.render.render_notice`), marked failed, so
    its download still offers to try again and the next bundle renders it again.
    """
    wanted = []
    if kinds:
        doc = plan_document(delegation=delegation, language=language)
        language = doc.language
        wanted += [(kind, None, doc) for kind in kinds]
    for session in sessions:
        doc = document_data(delegation=delegation, kind=SUMMARY, language=language, session=session)
        language = doc.language
        wanted.append((SUMMARY, session, doc))
    cached = {
        (kind, session_id): fingerprint
        for kind, session_id, fingerprint in RenderedDocument.objects.filter(
            delegation=delegation, language=language
        )
        .order_by()
        .values_list("kind", "session_id", "fingerprint")
    }
    rendered = {}
    for kind, session, doc in wanted:
        fingerprint = document_fingerprint(doc, kind)
        key = (kind, session.code) if session else kind
        rendered[key] = cached.get((kind, session.pk if session else None)) != fingerprint
        if rendered[key]:
            row = _row(delegation=delegation, kind=kind, language=language, session=session)
            try:
                output = render_document(doc, kind)
            except DocumentRenderFailed as exc:
                if not notices:
                    raise
                _store_notice(row.pk, render_notice(doc, kind, exc.limit), fingerprint, exc.limit)
            else:
                _store(row.pk, fingerprint, output, asked=fingerprint)
    return language, rendered


# Delegations read at once by documents_fresh: a few queries per batch, and the memory
# of one batch's rows whatever the number of delegations.
FRESH_BATCH = 25


def documents_fresh(delegations, *, kinds=KINDS, sessions=()):
    """The ids of those of ``delegations`` (of one workshop) whose documents — the
    plan documents ``kinds`` and the summary of each of ``sessions``, in each
    delegation's own language — are all cached with their current fingerprint, read
    ``FRESH_BATCH`` delegations at a time in a few queries: a bundle of a workshop
    where nothing changed renders nothing and needs no task per delegation."""
    delegations = list(delegations)
    wanted = {delegation.pk: [] for delegation in delegations}
    for start in range(0, len(delegations), FRESH_BATCH):
        batch = delegations[start : start + FRESH_BATCH]
        if kinds:
            for pk, doc in plan_documents(batch).items():
                wanted[pk] += [((kind, None), document_fingerprint(doc, kind)) for kind in kinds]
        for session in sessions:
            for pk, doc in summary_documents(batch, session=session).items():
                wanted[pk].append(((SUMMARY, session.pk), document_fingerprint(doc, SUMMARY)))
    languages = {delegation.pk: delegation.language for delegation in delegations}
    cached = {}
    for delegation_id, language, kind, session_id, fingerprint in (
        RenderedDocument.objects.filter(delegation__in=languages)
        .exclude(fingerprint="")
        .order_by()
        .values_list("delegation_id", "language", "kind", "session_id", "fingerprint")
    ):
        if language == languages[delegation_id]:
            cached[(delegation_id, kind, session_id)] = fingerprint
    return {
        pk
        for pk, documents in wanted.items()
        if all(cached.get((pk, *key)) == fingerprint for key, fingerprint in documents)
    }


def _row(*, delegation, kind, language, session, **defaults):
    """The document's row, created (with ``defaults``) if it is not there yet."""
    key = {"delegation": delegation, "kind": kind, "language": language, "session": session}
    try:
        with transaction.atomic():
            return RenderedDocument.objects.defer("pdf").get_or_create(**key, defaults=defaults)[0]
    except IntegrityError:  # created meanwhile by a download or a bundle
        return RenderedDocument.objects.defer("pdf").get(**key)


def _store(document_id, fingerprint, output, *, asked):
    """Keep ``output`` (of ``fingerprint``, rendered for the fingerprint ``asked``) on
    the row: ready, unless a newer fingerprint was asked for meanwhile (its own task
    renders it)."""
    with transaction.atomic():
        row = RenderedDocument.objects.select_for_update().only("wanted").get(pk=document_id)
        ready = row.wanted in ("", asked, fingerprint)
        RenderedDocument.objects.filter(pk=document_id).update(
            fingerprint=fingerprint,
            filename=output.filename,
            pdf=output.content,
            renders=F("renders") + 1,
            rendered_at=timezone.now(),
            error="",
            **(
                {
                    "status": RenderedDocument.Status.READY,
                    "wanted": fingerprint,
                    "leased_until": None,
                }
                if ready
                else {"status": RenderedDocument.Status.QUEUED}
            ),
        )


def _store_notice(document_id, notice, fingerprint, limit):
    """Keep ``notice`` on the row in place of the document of ``fingerprint`` that
    passed ``limit``: failed with that limit, with no fingerprint of its own, so it is
    never served as the document and is rendered again when next asked for."""
    RenderedDocument.objects.filter(pk=document_id).update(
        fingerprint="",
        filename=notice.filename,
        pdf=notice.content,
        status=RenderedDocument.Status.FAILED,
        wanted=fingerprint,
        error=limit,
        leased_until=None,
        rendered_at=timezone.now(),
    )


# A queued render should start within this (a long bundle may hold the workers); a
# running one ends within the time limit plus a margin (``common.pdf.render_lease``).
QUEUE_PATIENCE = dt.timedelta(minutes=10)


@dataclasses.dataclass(frozen=True)
class DocumentState:
    """Where a requested document stands. ``file`` is set when it is ready;
    ``enqueue`` is True for the one request that must enqueue
    ``render_document(document_id, fingerprint)``; ``error`` is the limit a failed
    rendering passed (``"time"``, ``"memory"``)."""

    status: str
    document_id: int
    fingerprint: str
    file: RenderedFile | None = None
    enqueue: bool = False
    error: str = ""


def document_request(*, delegation, kind, language=None, session=None, retry=False):
    """The delegation's document ``kind`` (of ``session`` for a summary): served from
    the cache when its fingerprint is unchanged, else asked for once (``enqueue`` on
    the returned state for exactly one of any number of simultaneous callers; again
    after a worker lost its claim, or with ``retry`` after a failure). Callers check
    access."""
    doc = document_data(delegation=delegation, kind=kind, language=language, session=session)
    fingerprint = document_fingerprint(doc, kind)
    key = {"delegation": delegation, "kind": kind, "language": doc.language, "session": session}
    Status = RenderedDocument.Status
    now = timezone.now()
    row = RenderedDocument.objects.filter(**key).defer("pdf").first()
    if row is None:
        try:
            with transaction.atomic():
                row = RenderedDocument.objects.create(
                    **key,
                    status=Status.QUEUED,
                    wanted=fingerprint,
                    leased_until=now + QUEUE_PATIENCE,
                )
            return DocumentState(Status.QUEUED, row.pk, fingerprint, enqueue=True)
        except IntegrityError:  # a simultaneous request created it
            row = RenderedDocument.objects.defer("pdf").get(**key)
    if row.fingerprint == fingerprint:
        pdf = RenderedDocument.objects.values_list("pdf", flat=True).get(pk=row.pk)
        return DocumentState(
            Status.READY,
            row.pk,
            fingerprint,
            file=RenderedFile(row.filename, PDF_CONTENT_TYPE, bytes(pdf)),
        )
    if row.wanted == fingerprint and row.status == Status.FAILED and not retry:
        return DocumentState(Status.FAILED, row.pk, fingerprint, error=row.error)
    # Ask for it unless someone already did and their claim still holds: the one
    # update that changes the row wins.
    asked = (
        RenderedDocument.objects.filter(pk=row.pk)
        .exclude(
            wanted=fingerprint,
            status__in=[Status.QUEUED, Status.RENDERING],
            leased_until__gt=now,
        )
        .update(
            status=Status.QUEUED, wanted=fingerprint, error="", leased_until=now + QUEUE_PATIENCE
        )
    )
    status = (
        Status.QUEUED
        if asked
        else RenderedDocument.objects.values_list("status", flat=True).get(pk=row.pk)
    )
    return DocumentState(status, row.pk, fingerprint, enqueue=bool(asked))


def document_render(document_id, fingerprint):
    """Render the document row ``document_id`` if ``fingerprint`` is still the one
    asked for and nobody holds it: claim it with a lease, render in the sandbox,
    store. Returns True if this call rendered. A rendering past a limit leaves the
    row failed with the limit's name; any other exit (``SystemExit`` of a stopping
    worker included) gives the claim back and re-raises."""
    Status = RenderedDocument.Status
    now = timezone.now()
    claimed = (
        RenderedDocument.objects.filter(pk=document_id, wanted=fingerprint)
        .filter(Q(status=Status.QUEUED) | Q(status=Status.RENDERING, leased_until__lt=now))
        .update(status=Status.RENDERING, leased_until=now + render_lease())
    )
    if not claimed:
        return False
    row = (
        RenderedDocument.objects.select_related("delegation__workshop", "session")
        .defer("pdf")
        .get(pk=document_id)
    )
    try:
        doc = document_data(
            delegation=row.delegation, kind=row.kind, language=row.language, session=row.session
        )
        output = render_document(doc, row.kind)
    except DocumentRenderFailed as exc:
        RenderedDocument.objects.filter(pk=document_id, wanted=fingerprint).update(
            status=Status.FAILED, error=exc.limit, leased_until=None
        )
        return False
    except BaseException:
        RenderedDocument.objects.filter(
            pk=document_id, wanted=fingerprint, status=Status.RENDERING
        ).update(status=Status.QUEUED, leased_until=now)
        raise
    _store(document_id, document_fingerprint(doc, row.kind), output, asked=fingerprint)
    return True


def document_file(*, delegation, kind, language=None, session=None):
    """``(RenderedFile, rendered)``: the delegation's document, from the cache when its
    fingerprint is unchanged (``rendered`` is then False). Callers check access."""
    plan_kinds, sessions = ((), (session,)) if kind == SUMMARY else ((kind,), ())
    language, rendered = documents_refresh(
        delegation=delegation, kinds=plan_kinds, sessions=sessions, language=language
    )
    filename, pdf = RenderedDocument.objects.values_list("filename", "pdf").get(
        delegation=delegation, kind=kind, language=language, session=session
    )
    return RenderedFile(filename, PDF_CONTENT_TYPE, bytes(pdf)), rendered.popitem()[1]
