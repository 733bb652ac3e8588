"""Background tasks of delegations (Django's tasks framework, run by ``manage.py
db_worker``): thin wrappers that call a service."""

from django.tasks import task

from . import services


@task()
def render_access_sheet(sheet_id):
    """Render one asked-for access sheet (``services.access_sheet_request``)."""
    services.access_sheet_render(sheet_id)
