from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopSessionsConfig(AppConfig):
    # "sessions" is taken by django.contrib.sessions.
    name = "sessions"
    label = "workshop_sessions"
    verbose_name = _("Workshops and sessions")

    def ready(self):
        from django.urls import register_converter

        from .converters import SessionCodeConverter

        # Before any URL configuration is read: the pages' and the live pages' routes.
        register_converter(SessionCodeConverter, "session_code")
