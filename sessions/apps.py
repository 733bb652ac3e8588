from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopSessionsConfig(AppConfig):
    # "sessions" is taken by django.contrib.sessions.
    name = "sessions"
    label = "workshop_sessions"
    verbose_name = _("Workshops and sessions")
