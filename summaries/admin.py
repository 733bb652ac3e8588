"""What delegations wrote, for staff to look at: read-only, with each row's history.

Delegations write through their own pages (``summaries.services`` keeps versions and
refuses stale saves); the admin never edits their work. Only a superuser may delete
a row, for example a test summary typed during a rehearsal.
"""

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import ActionItem, ActionPlan, Answer, Summary, TARequest


class ReadOnlyAdminMixin:
    """No add, no change, delete for superusers only; staff with view permission look."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        # Everything shown is read-only, on simple_history's page of an old version too
        # (it builds its form without asking for the change permission).
        return flatten_fieldsets(self.get_fieldsets(request, obj))


class ReadOnlyHistoryAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """The history of each row, to read only.

    simple_history's "revert" page saves a POSTed form after checking only the view
    permission; refuse every POST there, since nobody may change these rows here.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class AnswerInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = Answer
    fields = (("question", "discussed", "language"), "text", ("edited_by", "updated_at", "version"))
    ordering = ("question__order", "question__number")
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Summary)
class SummaryAdmin(ReadOnlyHistoryAdmin):
    list_display = ("delegation", "session", "status", "submitted_at", "updated_at")
    list_filter = ("session__workshop", "session", "status")
    list_select_related = ("delegation", "session")
    search_fields = ("delegation__name", "rapporteur", "participants")
    ordering = ("session", "delegation")
    fieldsets = (
        (None, {"fields": ("delegation", "session", "status")}),
        (_("Who"), {"fields": ("rapporteur", "participants")}),
        (
            _("Saving"),
            {
                "fields": (
                    ("submitted_by", "submitted_at"),
                    "timer_started_at",
                    ("version", "updated_at"),
                )
            },
        ),
    )
    inlines = (AnswerInline,)


@admin.register(ActionPlan)
class ActionPlanAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("delegation", "status", "finalised_at", "updated_at")
    list_filter = ("delegation__workshop", "status")
    list_select_related = ("delegation",)
    search_fields = ("delegation__name",)
    fields = ("delegation", "status", "finalised_by", "finalised_at", "updated_at")


# Where a plan item came from and how it was saved, after its own fields.
ORIGIN_FIELDS = ("source_answer", ("prefilled", "language"), ("version", "updated_at"))


@admin.register(ActionItem)
class ActionItemAdmin(ReadOnlyHistoryAdmin):
    list_display = (
        "title",
        "delegation",
        "intervention_area",
        "start_month",
        "end_month",
        "estimated_cost",
        "currency",
    )
    list_filter = ("delegation__workshop", "intervention_area", "delegation")
    list_select_related = ("delegation", "intervention_area")
    search_fields = ("title", "description", "responsible", "partners", "delegation__name")
    ordering = ("delegation", "order", "pk")
    fieldsets = (
        (None, {"fields": ("delegation", *ActionItem.EDITABLE_FIELDS)}),
        (_("Origin"), {"fields": ORIGIN_FIELDS}),
    )


@admin.register(TARequest)
class TARequestAdmin(ReadOnlyHistoryAdmin):
    list_display = (
        "title",
        "delegation",
        "intervention_area",
        "kind",
        "priority",
        "status",
        "estimated_cost",
        "currency",
    )
    list_filter = ("delegation__workshop", "intervention_area", "priority", "kind", "status")
    list_select_related = ("delegation", "intervention_area")
    search_fields = ("title", "need", "preferred_provider", "delegation__name")
    ordering = ("delegation", "order", "pk")
    fieldsets = (
        (None, {"fields": ("delegation", *TARequest.EDITABLE_FIELDS)}),
        (_("Origin"), {"fields": ORIGIN_FIELDS}),
    )
