"""Facilitators' admin: workshops, their sessions and guidance questions, intervention areas.

Every translated field is edited in one tab per content language (modeltranslation's
tabbed admin, on the vendored jQuery UI of ``JQUERY_UI_URL``).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation import settings as mt_settings
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from modeltranslation.utils import build_localized_fieldname

from delegations.models import Delegation

from .models import GuidanceQuestion, InterventionArea, Session, Workshop
from .services import session_set_status


def in_every_language(*fields):
    """``("title",)`` → ``("title_en", "title_fr", ...)``: search every translation,
    not only the one of the admin's current language."""
    return tuple(
        build_localized_fieldname(field, language)
        for field in fields
        for language in mt_settings.AVAILABLE_LANGUAGES
    )


class SessionLineForm(forms.ModelForm):
    class Meta:
        # A code is "V" or "III": a narrow box leaves the line room for the title tabs.
        widgets = {"code": forms.TextInput(attrs={"size": 6})}


class SessionInline(TranslationTabularInline):
    """One line per session; kind, deadline and guidance are on the session's page."""

    model = Session
    form = SessionLineForm
    fields = ("order", "code", "title", "day", "time_box_minutes", "status")
    ordering = ("order", "day", "code")
    extra = 0
    show_change_link = True


class DelegationInline(admin.TabularInline):
    """The workshop's delegations, to look at; they are edited on their own page."""

    model = Delegation
    fields = ("name", "kind", "country_code", "language")
    readonly_fields = fields
    ordering = ("name",)
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Workshop)
class WorkshopAdmin(TabbedTranslationAdmin):
    list_display = ("title", "start_date", "end_date", "venue", "languages", "default_language")
    list_filter = ("start_date", "default_language", "languages")
    search_fields = ("slug", *in_every_language("title", "venue"))
    date_hierarchy = "start_date"
    ordering = ("-start_date", "title")
    prepopulated_fields = {"slug": ("title",)}
    fieldsets = (
        (None, {"fields": ("title", "slug", "description")}),
        (_("When and where"), {"fields": ("start_date", "end_date", "venue", "time_zone")}),
        (_("Languages"), {"fields": ("languages", "default_language")}),
    )
    inlines = (SessionInline, DelegationInline)


class GuidanceQuestionInline(TranslationStackedInline):
    model = GuidanceQuestion
    fields = (("number", "order", "feeds"), "text", "help_text")
    ordering = ("order", "number")
    extra = 0
    # A question is a sentence or two: keep five of them on a screen or two.
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}


@admin.register(Session)
class SessionAdmin(TabbedTranslationAdmin):
    list_display = (
        "code",
        "title",
        "workshop",
        "day",
        "status",
        "deadline",
        "time_box_minutes",
    )
    list_display_links = ("code", "title")
    list_filter = ("workshop", "status", "kind", "day")
    list_select_related = ("workshop",)
    search_fields = ("code", *in_every_language("title"))
    ordering = ("workshop", "order", "day", "code")
    fieldsets = (
        (None, {"fields": ("workshop", ("code", "order"), "title", "kind")}),
        (
            _("Schedule"),
            {"fields": (("day", "time_box_minutes"), ("status", "deadline"))},
        ),
        (_("Guidance"), {"fields": ("guidance", "instructions")}),
    )
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 6})}}
    inlines = (GuidanceQuestionInline,)
    actions = ("open_sessions", "close_sessions", "draft_sessions")

    def changelist_view(self, request, extra_context=None):
        # Django answers an action the user may not run with "No action selected";
        # a read-only organiser gets a plain refusal instead.
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)

    def _set_status(self, request, queryset, status):
        changed = session_set_status(sessions=queryset, status=status)
        with translation.override(None):  # stored untranslated, as Django does
            label = str(capfirst(Session._meta.get_field("status").verbose_name))
        for session in changed:
            self.log_change(request, session, [{"changed": {"fields": [label]}}])
        return len(changed)

    @admin.action(description=_("Open selected sessions"), permissions=("change",))
    def open_sessions(self, request, queryset):
        count = self._set_status(request, queryset, Session.Status.OPEN)
        message = ngettext("%(count)d session opened.", "%(count)d sessions opened.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Close selected sessions"), permissions=("change",))
    def close_sessions(self, request, queryset):
        count = self._set_status(request, queryset, Session.Status.CLOSED)
        message = ngettext("%(count)d session closed.", "%(count)d sessions closed.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Set selected sessions back to draft"), permissions=("change",))
    def draft_sessions(self, request, queryset):
        count = self._set_status(request, queryset, Session.Status.DRAFT)
        message = ngettext(
            "%(count)d session set back to draft.", "%(count)d sessions set back to draft.", count
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)


@admin.register(InterventionArea)
class InterventionAreaAdmin(TabbedTranslationAdmin):
    list_display = ("name", "code", "order")
    search_fields = ("code", *in_every_language("name"))
    ordering = ("order", "code")
    fieldsets = ((None, {"fields": ("code", "order", "name", "description")}),)
