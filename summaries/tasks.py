"""Background tasks (Django's tasks framework; the database backend's worker is
``manage.py db_worker``). Each task is a thin wrapper: load by id, switch language,
call a service."""

from django.tasks import task
from django.utils import translation

from delegations.models import Delegation

from . import bundles
from .models import Bundle
from .pdf import cache


@task()
def render_document(document_id, fingerprint):
    """Render one asked-for document (``summaries.pdf.cache.document_request``)."""
    cache.document_render(document_id, fingerprint)


@task()
def build_bundle(bundle_id, *, language="en", base_url=""):
    """Start a bundle: one ``render_bundle_part`` task per delegation."""
    bundle = Bundle.objects.select_related("workshop").get(pk=bundle_id)
    delegation_ids = bundles.bundle_prepare(bundle)
    for delegation_id in delegation_ids:
        render_bundle_part.enqueue(bundle_id, delegation_id, language=language, base_url=base_url)
    if not delegation_ids:
        _assemble(bundle, language, base_url)


@task()
def render_bundle_part(bundle_id, delegation_id, *, language="en", base_url=""):
    bundle = Bundle.objects.select_related("workshop").get(pk=bundle_id)
    if bundle.status != Bundle.Status.RUNNING:
        return  # failed meanwhile: nothing more to do
    delegation = Delegation.objects.select_related("workshop").get(pk=delegation_id)
    try:
        last = bundles.bundle_render_part(bundle, delegation)
        if last:
            _assemble(bundle, language, base_url)
    except Exception as exc:
        bundles.bundle_fail(bundle, exc)
        raise


def _assemble(bundle, language, base_url):
    with translation.override(language):
        files = bundles.workshop_spreadsheets(bundle.workshop, base_url=base_url)
    bundles.bundle_assemble(bundle, extra_files=files)
