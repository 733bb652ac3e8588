"""Background tasks (Django's tasks framework; the database backend's worker is
``manage.py db_worker``). Each task is a thin wrapper: load by id, switch language,
call a service."""

from django.tasks import task
from django.utils import translation

from .bundles import bundle_build, workshop_spreadsheets
from .models import Bundle


@task()
def build_bundle(bundle_id, *, language="en", base_url=""):
    bundle = Bundle.objects.select_related("workshop").get(pk=bundle_id)
    with translation.override(language):
        files = workshop_spreadsheets(bundle.workshop, base_url=base_url)
    bundle_build(bundle, extra_files=files)
