"""Background tasks (Django's tasks framework; the database backend's worker is
``manage.py db_worker``). Each task is a thin wrapper: load by id, switch language,
call a service."""

import contextlib
import datetime as dt
import logging
import os
import socket
import threading

from django.db import DatabaseError, connection
from django.tasks import task
from django.utils import timezone, translation

from delegations.models import Delegation

from . import bundles
from .models import Bundle
from .pdf import cache

logger = logging.getLogger(__name__)


@task()
def render_document(document_id, fingerprint):
    """Render one asked-for document (``summaries.pdf.cache.document_request``)."""
    cache.document_render(document_id, fingerprint)


@task()
def build_bundle(bundle_id, *, language="en", base_url=""):
    """Start a bundle: one ``render_bundle_part`` task per delegation."""
    bundle = Bundle.objects.select_related("workshop").get(pk=bundle_id)
    delegation_ids = bundles.bundle_prepare(bundle)
    enqueue_parts(bundle_id, delegation_ids, language=language, base_url=base_url)
    if not delegation_ids:
        _assemble(bundle, language, base_url)
    else:
        _watch_later(bundle_id, language=language, base_url=base_url)


# A running bundle is looked after this often, whether or not anyone has its page
# open: a part whose worker died (its lease expired) is enqueued again, so another
# worker takes it within a lease and a look.
WATCH_EVERY = bundles.PART_LEASE + dt.timedelta(seconds=5)


def _watch_later(bundle_id, **options):
    watch_bundle.using(run_after=timezone.now() + WATCH_EVERY).enqueue(bundle_id, **options)


@task()
def watch_bundle(bundle_id, *, language="en", base_url=""):
    """Re-enqueue the parts of a running bundle whose worker died, then look again
    later; stops once the bundle is done, failed or gone."""
    bundle = Bundle.objects.filter(pk=bundle_id, status=Bundle.Status.RUNNING).first()
    if bundle is None:
        return
    enqueue_parts(bundle_id, bundles.bundle_heal(bundle), language=language, base_url=base_url)
    _watch_later(bundle_id, language=language, base_url=base_url)


def enqueue_parts(bundle_id, delegation_ids, *, language="en", base_url=""):
    for delegation_id in delegation_ids:
        render_bundle_part.enqueue(bundle_id, delegation_id, language=language, base_url=base_url)


@task()
def render_bundle_part(bundle_id, delegation_id, *, language="en", base_url=""):
    """Render one delegation's part under a renewed lease; the part that completes
    the bundle assembles it. A stopping worker (``SystemExit``, ``KeyboardInterrupt``)
    gives its claim back (in ``bundle_render_part``) and re-raises."""
    bundle = Bundle.objects.select_related("workshop").get(pk=bundle_id)
    if bundle.status != Bundle.Status.RUNNING:
        return  # failed or done meanwhile: nothing more to do
    delegation = Delegation.objects.select_related("workshop").get(pk=delegation_id)
    worker = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
    try:
        last = bundles.bundle_render_part(
            bundle,
            delegation,
            worker=worker,
            renew=lambda: _lease_renewer(bundle, delegation, worker),
        )
        if last:
            _assemble(bundle, language, base_url)
    except Exception as exc:
        bundles.bundle_fail(bundle, exc)
        raise


@task()
def assemble_bundle(bundle_id, *, language="en", base_url=""):
    """Assemble a bundle whose parts are all done but whose assembler died."""
    bundle = Bundle.objects.select_related("workshop").get(pk=bundle_id)
    if bundle.status == Bundle.Status.RUNNING and not bundle.parts.exclude(status="done").exists():
        try:
            _assemble(bundle, language, base_url)
        except Exception as exc:
            bundles.bundle_fail(bundle, exc)
            raise


@contextlib.contextmanager
def _lease_renewer(bundle, delegation, worker):
    """Renew the part's lease every third of it from a thread while rendering, so a
    slow part keeps its claim and a killed worker's lapses within ``PART_LEASE``."""
    stop = threading.Event()
    interval = bundles.PART_LEASE.total_seconds() / 3

    def beat():
        try:
            while not stop.wait(interval):
                try:
                    bundles.bundle_part_renew(bundle, delegation, worker=worker)
                except DatabaseError:
                    logger.warning("Could not renew the lease of a bundle part", exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name="bundle-part-lease", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _assemble(bundle, language, base_url):
    with translation.override(language):
        files = bundles.workshop_spreadsheets(bundle.workshop, base_url=base_url)
    bundles.bundle_assemble(bundle, extra_files=files)
