"""PDF downloads for a delegation, and the organisers' bundle of every PDF."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from delegations import permissions
from delegations.permissions import delegation_for, workshop_for, workshop_for_organiser

from .. import bundles
from ..exports import attachment_disposition
from ..models import Bundle, RenderedDocument
from ..pdf.cache import document_request
from ..pdf.render import render_failure_message
from ..tasks import assemble_bundle, build_bundle, enqueue_parts, render_document
from .common import file_response


@login_required
@require_GET
def document_download(request, workshop, delegation, kind):
    """The file if it is cached; else a page that follows its rendering by a worker
    (polled by htmx) and then downloads it."""
    workshop = workshop_for(request.user, workshop)
    access = delegation_for(request.user, workshop, delegation)
    if kind not in RenderedDocument.Kind.values or kind == RenderedDocument.Kind.SUMMARY:
        raise Http404("No such document.")
    url = reverse(
        "summaries:document",
        kwargs={"workshop": workshop.slug, "delegation": access.delegation.slug, "kind": kind},
    )
    return _document(request, workshop, access.delegation, kind=kind, url=url)


@login_required
@require_GET
def summary_pdf(request, workshop, delegation, session):
    """A delegation's summary of one session, for its members, facilitators and
    organisers: of a session members can see only (never a draft)."""
    access = permissions.delegation_access(request.user, workshop, delegation)
    workshop = access.delegation.workshop
    session = permissions.session_for(request.user, workshop, session, as_member=True)
    if session.kind == session.Kind.ACTION_PLANNING:  # its document is the plan's
        url = reverse(
            "summaries:document",
            kwargs={
                "workshop": workshop.slug,
                "delegation": access.delegation.slug,
                "kind": RenderedDocument.Kind.ACTION_PLAN,
            },
        )
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url)
    url = reverse(
        "summaries:summary_pdf",
        kwargs={
            "workshop": workshop.slug,
            "delegation": access.delegation.slug,
            "session": session.code,
        },
    )
    return _document(
        request,
        workshop,
        access.delegation,
        kind=RenderedDocument.Kind.SUMMARY,
        url=url,
        session=session,
    )


def _document(request, workshop, delegation, *, kind, url, session=None):
    """Every PDF download: the cached file at once, else the page that follows its
    rendering by a worker (polled by htmx) and then downloads it. ``?lang=`` asks for
    another of the workshop's languages than the delegation's."""
    language = request.GET.get("lang") or delegation.language
    if language not in workshop.language_codes:
        raise Http404("No such document.")
    state = document_request(
        delegation=delegation,
        kind=kind,
        language=language,
        session=session,
        retry=request.GET.get("retry") == "1",
    )
    if state.enqueue:
        render_document.enqueue(state.document_id, state.fingerprint)
    url += f"?lang={language}"
    polling = request.headers.get("HX-Request") == "true"
    if state.file is not None and not polling:
        return file_response(state.file)
    if state.file is not None and request.GET.get("fetch") == "1":
        # htmx then loads the file: the browser downloads it and stays on the page.
        return HttpResponse(headers={"HX-Redirect": url})
    label = RenderedDocument.Kind(kind).label
    context = {
        "workshop": workshop,
        "delegation": delegation,
        "state": state,
        "document_label": f"{label} · {session.code}" if session else label,
        "url": url,
        "error": render_failure_message(state.error) if state.error else "",
    }
    template = "portal/_file_progress.html" if polling else "summaries/document.html"
    return render(request, template, context)


@login_required
@require_POST
def bundle_start(request, workshop):
    workshop = workshop_for_organiser(request.user, workshop)
    bundle, created = bundles.bundle_request(workshop=workshop, user=request.user)
    if created:
        build_bundle.enqueue(
            bundle.pk,
            language=request.LANGUAGE_CODE,
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
    return redirect("summaries:bundle", workshop=workshop.slug, pk=bundle.pk)


@login_required
@require_http_methods(["GET", "POST"])
def bundle_status(request, workshop, pk):
    """The bundle's progress (polled by htmx). A poll also re-enqueues the parts whose
    worker died; a POST is the organisers' "retry" of a stalled bundle."""
    workshop = workshop_for_organiser(request.user, workshop)
    bundle = get_object_or_404(Bundle.objects, workshop=workshop, pk=pk)
    options = {
        "language": request.LANGUAGE_CODE,
        "base_url": request.build_absolute_uri("/").rstrip("/"),
    }
    if request.method == "POST":
        start, delegation_ids = bundles.bundle_retry(bundle)
        if start:
            build_bundle.enqueue(bundle.pk, **options)
        elif delegation_ids:
            enqueue_parts(bundle.pk, delegation_ids, **options)
        elif bundle.status == Bundle.Status.RUNNING:
            assemble_bundle.enqueue(bundle.pk, **options)
        return redirect("summaries:bundle", workshop=workshop.slug, pk=bundle.pk)
    enqueue_parts(bundle.pk, bundles.bundle_heal(bundle), **options)
    fragment = request.headers.get("HX-Request") == "true"
    template = "summaries/_bundle_progress.html" if fragment else "summaries/bundle.html"
    context = {
        "workshop": workshop,
        "bundle": bundle,
        "contents": bundles.bundle_contents(workshop) if not fragment else None,
        "stalled": bundles.bundle_is_stalled(bundle),
        "stalled_minutes": int(bundles.bundle_stalled_after().total_seconds() // 60) or 1,
    }
    return render(request, template, context)


@login_required
@require_GET
def bundle_download(request, workshop, pk):
    workshop = workshop_for_organiser(request.user, workshop)
    bundle = get_object_or_404(Bundle.objects, workshop=workshop, pk=pk, status=Bundle.Status.DONE)
    name = f"{workshop.slug}_pdf_bundle_{bundle.created_at:%Y%m%d_%H%M}"
    # Streamed piece by piece: the server never holds the whole ZIP.
    return StreamingHttpResponse(
        bundles.bundle_zip_chunks(bundle),
        content_type="application/zip",
        headers={
            "Content-Disposition": attachment_disposition(name, "zip"),
            "Content-Length": str(bundles.bundle_zip_size(bundle)),
        },
    )
