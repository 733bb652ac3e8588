"""Facilitators' admin: workshops, their sessions and guidance questions, intervention areas.

Every translated field is edited in one tab per content language (modeltranslation's
tabbed admin, on the vendored jQuery UI of ``JQUERY_UI_URL``).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html_join
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

from .admin_protection import (
    KeepChosenOptionsFormSet,
    KeepDelegationWorkAdmin,
    KeepDelegationWorkFormSet,
    source_in_use,
)
from .forms import SessionAdminForm, TypedTextField, WorkshopAdminForm, workshop_zone
from .i18n import content_language_name
from .models import (
    FinancingSource,
    GuidanceQuestion,
    InterventionArea,
    QuestionOption,
    Session,
    Workshop,
)
from .services import session_set_status, sessions_duplicate


def in_every_language(*fields):
    """``("title",)`` → ``("title_en", "title_fr", ...)``: search every translation,
    not only the one of the admin's current language."""
    return tuple(
        build_localized_fieldname(field, language)
        for field in fields
        for language in mt_settings.AVAILABLE_LANGUAGES
    )


def workshop_languages_first(fields, languages, translated):
    """``fields`` (names, possibly grouped in tuples) with each translated field's
    language versions ordered as ``languages``, then the other languages: the
    tabbed admin draws its tabs in field order."""
    rank = {code: index for index, code in enumerate(languages)}
    versions = {
        build_localized_fieldname(field, code): (field, code)
        for field in translated
        for code in mt_settings.AVAILABLE_LANGUAGES
    }
    names = list(fields)
    for field in translated:
        slots = [
            index
            for index, name in enumerate(names)
            if isinstance(name, str) and versions.get(name, ("",))[0] == field
        ]
        ordered = sorted(
            (names[index] for index in slots),
            key=lambda name: rank.get(versions[name][1], len(rank)),
        )
        for index, name in zip(slots, ordered, strict=True):
            names[index] = name
    return type(fields)(
        name if isinstance(name, str) else workshop_languages_first(name, languages, translated)
        for name in names
    )


class TypedTextAdmin:
    """Admin mixin (pages and inlines): what facilitators type is cleaned at the door
    as what delegations type is (``sessions.forms.TypedTextField``)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if type(field) is forms.CharField:  # not slugs, e-mails, choices
            return TypedTextField.like(field)
        return field


class WorkshopLanguagesFirst:
    """Translation tabs of a workshop's content show that workshop's languages first,
    its default language leading (the other content languages follow)."""

    def workshop_of(self, request, obj):
        return obj

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        workshop = self.workshop_of(request, obj)
        if workshop is None:
            return fieldsets
        translated = list(self.trans_opts.all_fields)
        return [
            (
                name,
                {
                    **options,
                    "fields": workshop_languages_first(
                        options["fields"], workshop.language_codes, translated
                    ),
                },
            )
            for name, options in fieldsets
        ]


class SessionLineForm(forms.ModelForm):
    class Meta:
        # A code is "V" or "III": a narrow box leaves the line room for the title tabs.
        widgets = {"code": forms.TextInput(attrs={"size": 6})}


class SessionInline(TypedTextAdmin, WorkshopLanguagesFirst, TranslationTabularInline):
    """One line per session; kind, deadline and guidance are on the session's page."""

    model = Session
    formset = KeepDelegationWorkFormSet  # no inline delete takes delegations' work along
    form = SessionLineForm
    fields = ("order", "code", "title", "day", "time_box_minutes", "status")
    ordering = ("order", "day", "code")
    extra = 0
    show_change_link = True


@admin.register(Workshop)
class WorkshopAdmin(
    KeepDelegationWorkAdmin, TypedTextAdmin, WorkshopLanguagesFirst, TabbedTranslationAdmin
):
    form = WorkshopAdminForm
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
    inlines = (SessionInline,)

    def changelist_view(self, request, extra_context=None):
        # Django answers an action the user may not run with "No action selected";
        # a read-only organiser gets a plain refusal instead.
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)


class DuplicateSessionsForm(forms.Form):
    workshop = forms.ModelChoiceField(
        label=_("Into workshop"), queryset=Workshop.objects.all(), empty_label=None
    )
    code_suffix = forms.CharField(
        label=_("Code suffix"),
        max_length=10,
        required=False,
        strip=True,
        help_text=_(
            "Added to the code of a session whose code the workshop already has: "
            "with “-2”, V becomes V-2. Leave empty to keep the codes."
        ),
    )


class QuestionLineForm(forms.ModelForm):
    """A question on its session's page, where its options cannot be written: it
    becomes a choose-from-a-list question on its own page, once it has options."""

    class Meta:
        model = GuidanceQuestion
        fields = ("kind",)  # the inline's ``fields`` say which are on the line

    def clean_kind(self):
        kind = self.cleaned_data["kind"]
        has_options = self.instance.pk is not None and self.instance.options.exists()
        if kind == GuidanceQuestion.Kind.CHOICE and not has_options:
            raise forms.ValidationError(
                _(
                    "Its options are written on the question's own page: save it as "
                    "another kind here, then open it and choose “choose from a list” "
                    "there, with its options."
                ),
                code="no_options",
            )
        return kind


class GuidanceQuestionInline(TypedTextAdmin, WorkshopLanguagesFirst, TranslationStackedInline):
    model = GuidanceQuestion
    form = QuestionLineForm
    formset = KeepDelegationWorkFormSet  # no inline delete takes delegations' answers along
    fields = (("number", "order", "feeds", "kind"), "text", "help_text")
    ordering = ("order", "number")
    extra = 0
    # The kind's settings and a list's options are on the question's own page.
    show_change_link = True
    # A question is a sentence or two: keep five of them on a screen or two.
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}

    def workshop_of(self, request, obj):
        return obj.workshop if obj is not None else None


@admin.register(Session)
class SessionAdmin(
    KeepDelegationWorkAdmin, TypedTextAdmin, WorkshopLanguagesFirst, TabbedTranslationAdmin
):
    form = SessionAdminForm
    list_display = (
        "code",
        "title",
        "workshop",
        "day",
        "status",
        "deadline_in_workshop_zone",
        "time_box_minutes",
        "preview_links",
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
        (_("Preview"), {"fields": ("preview_links",)}),
    )
    readonly_fields = ("preview_links",)
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 6})}}
    inlines = (GuidanceQuestionInline,)
    actions = ("open_sessions", "close_sessions", "draft_sessions", "duplicate_sessions")

    def workshop_of(self, request, obj):
        if obj is not None:
            return obj.workshop
        pk = request.POST.get("workshop", "") or request.GET.get("workshop", "")
        return Workshop.objects.filter(pk=pk).first() if pk.isdigit() else None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The date widgets' "Now" button and their note on the browser's offset use the
        # active time zone: make it the workshop's, as the deadline field is.
        session = Session.objects.select_related("workshop").filter(pk=object_id).first()
        with timezone.override(workshop_zone(self.workshop_of(request, session))):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    @admin.display(description=_("summary deadline"), ordering="deadline")
    def deadline_in_workshop_zone(self, session):
        """The deadline as the workshop's clocks show it, with the zone's name."""
        if session.deadline is None:
            return "—"
        zone = workshop_zone(session.workshop)
        shown = timezone.localtime(session.deadline, zone) if zone else session.deadline
        return f"{date_format(shown, 'DATETIME_FORMAT')} ({session.workshop.time_zone})"

    @admin.display(description=_("preview as delegations see it"))
    def preview_links(self, session):
        if session.pk is None:
            return "—"
        url = reverse(
            "summaries:session_preview",
            kwargs={"workshop": session.workshop.slug, "session": session.code},
        )
        return format_html_join(
            " · ",
            '<a href="{}?lang={}" lang="{}" title="{}" target="_blank" rel="noopener">{}</a>',
            (
                (url, code, code, content_language_name(code), code.upper())
                for code in session.workshop.language_codes
            ),
        )

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

    @admin.action(
        description=_("Duplicate selected sessions into another workshop…"), permissions=("add",)
    )
    def duplicate_sessions(self, request, queryset):
        """Django's intermediate-page pattern: the first post shows the form, the
        form posts the action again with ``apply``."""
        form = DuplicateSessionsForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            workshop = form.cleaned_data["workshop"]
            try:
                copies = sessions_duplicate(
                    sessions=queryset,
                    workshop=workshop,
                    code_suffix=form.cleaned_data["code_suffix"],
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                for copy in copies:
                    self.log_addition(request, copy, [{"added": {}}])
                message = ngettext(
                    "%(count)d session copied into “%(workshop)s” as a draft.",
                    "%(count)d sessions copied into “%(workshop)s” as drafts.",
                    len(copies),
                )
                self.message_user(
                    request,
                    message % {"count": len(copies), "workshop": workshop},
                    messages.SUCCESS,
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Duplicate sessions into another workshop"),
            "opts": self.opts,
            "sessions": queryset.select_related("workshop"),
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/workshop_sessions/session/duplicate.html", context)


@admin.register(InterventionArea)
class InterventionAreaAdmin(KeepDelegationWorkAdmin, TypedTextAdmin, TabbedTranslationAdmin):
    list_display = ("name", "code", "order")
    search_fields = ("code", *in_every_language("name"))
    ordering = ("order", "code")
    fieldsets = ((None, {"fields": ("code", "order", "name", "description")}),)


class QuestionOptionInline(TypedTextAdmin, TranslationTabularInline):
    model = QuestionOption
    formset = KeepChosenOptionsFormSet  # an option delegations chose keeps its code
    fields = ("order", "code", "label", "area")
    ordering = ("order", "pk")
    extra = 0


QUESTION_KIND_HELP = _(
    "Free text: one answer box. Choose from a list: the options below (translated), one "
    "or several, with an optional “other” and a short text per chosen option. Financing "
    "mix: a row per financing source, with today’s and/or the target share. Milestones: "
    "rows of milestone, target month (1–24) and responsible."
)


@admin.register(GuidanceQuestion)
class GuidanceQuestionAdmin(
    KeepDelegationWorkAdmin, TypedTextAdmin, WorkshopLanguagesFirst, TabbedTranslationAdmin
):
    list_display = ("number", "text", "session", "kind", "feeds")
    list_display_links = ("number", "text")
    list_filter = ("session__workshop", "kind", "feeds")
    list_select_related = ("session__workshop",)
    search_fields = in_every_language("text")
    ordering = ("session__workshop", "session__order", "order", "number")
    fieldsets = (
        (None, {"fields": ("session", ("number", "order", "feeds"), "text", "help_text")}),
        (
            _("Kind of answer"),
            {"fields": ("kind",), "description": QUESTION_KIND_HELP},
        ),
        (
            _("Choose from a list"),
            {"fields": (("multiple", "allow_other"), "option_note_label")},
        ),
        (_("Financing mix"), {"fields": (("financing_columns", "financing_unit"),)}),
    )
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}
    inlines = (QuestionOptionInline,)

    def workshop_of(self, request, obj):
        return obj.session.workshop if obj is not None else None


@admin.register(FinancingSource)
class FinancingSourceAdmin(KeepDelegationWorkAdmin, TypedTextAdmin, TabbedTranslationAdmin):
    """The sources every financing-mix question offers, in this order."""

    list_display = ("name", "code", "order")
    search_fields = ("code", *in_every_language("name"))
    ordering = ("order", "code")
    fieldsets = ((None, {"fields": ("code", "order", "name")}),)

    def get_readonly_fields(self, request, obj=None):
        # Delegations' answers name a source by its code.
        if obj is not None and source_in_use(obj):
            return ("code",)
        return ()

    def has_delete_permission(self, request, obj=None):
        if obj is not None and source_in_use(obj):
            return False
        return super().has_delete_permission(request, obj)
