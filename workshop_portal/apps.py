from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The project shell as an app, so that ``workshop_portal/admin.py`` (the sign-in
    unlock admin) is discovered. It has no models."""

    name = "workshop_portal"
    label = "portal"
    verbose_name = _("Workshop Portal")
