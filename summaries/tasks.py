"""Background tasks (Django's tasks framework; the database backend's worker is
``manage.py db_worker``). Each task is a thin wrapper: load by id, call a service."""

from django.tasks import task

from .bundles import bundle_build
from .models import Bundle


@task()
def build_bundle(bundle_id):
    bundle = Bundle.objects.select_related("workshop").get(pk=bundle_id)
    bundle_build(bundle, extra_files=_spreadsheets(bundle.workshop))


def _spreadsheets(workshop):
    try:
        from .exports import workshop_spreadsheets
    except ImportError:  # pragma: no cover - exports not installed
        return ()
    return workshop_spreadsheets(workshop)
