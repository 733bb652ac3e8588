"""Delegations and their members in the admin, with one delegation's access cards and
the access sheets asked for."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sessions.admin import TypedTextAdmin
from sessions.admin_protection import KeepDelegationWorkAdmin

from ..models import AccessSheet, Delegation, Membership
from ..services import ACCESS_SHEET_KEPT, access_sheet_retry, access_sheet_state
from ..tasks import render_access_sheet
from .access_cards import (
    AccessCardsActionMixin,
    access_cards_confirmation,
    access_cards_print,
    access_sheet_failure_message,
    may_print_access_cards,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("user", "role")
    autocomplete_fields = ("user",)
    ordering = ("user__username",)
    extra = 1


@admin.register(Delegation)
class DelegationAdmin(
    KeepDelegationWorkAdmin, TypedTextAdmin, AccessCardsActionMixin, admin.ModelAdmin
):
    list_display = ("name", "workshop", "kind", "country_code", "language", "member_count")
    list_filter = ("workshop", "kind", "language")
    list_select_related = ("workshop",)
    search_fields = ("name", "slug", "country_code")
    ordering = ("workshop", "name")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("workshop", "name", "slug", "kind")}),
        (_("Country and language"), {"fields": ("country_code", "language")}),
    )
    inlines = (MembershipInline,)
    actions = ("print_access_cards",)
    access_cards_action = "print_access_cards"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    def get_urls(self):
        return [
            path(
                "access-sheets/<int:pk>/",
                self.admin_site.admin_view(self.access_sheet_view),
                name="delegations_access_sheet",
            ),
            path(
                "<path:object_id>/access-cards/",
                self.admin_site.admin_view(self.access_cards_view),
                name="delegations_delegation_access_cards",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_print_access_cards": may_print_access_cards(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(
        description=_("Print or reprint access cards"), permissions=("delegation_accounts",)
    )
    def print_access_cards(self, request, queryset):
        if request.POST.get("apply") != "yes":
            return access_cards_confirmation(request, self, queryset, action="print_access_cards")
        return access_cards_print(request, self, queryset)

    def access_cards_view(self, request, object_id):
        """One delegation's cards, from its page: confirm, then print."""
        if not may_print_access_cards(request):
            raise PermissionDenied
        delegation = self.get_object(request, unquote(object_id))
        if delegation is None or not self.has_view_or_change_permission(request, delegation):
            raise Http404
        delegations = Delegation.objects.filter(pk=delegation.pk)
        if request.method == "POST" and request.POST.get("apply") == "yes":
            response = access_cards_print(request, self, delegations)
            if response is not None:
                return response
            return redirect(reverse("admin:delegations_delegation_change", args=[delegation.pk]))
        return access_cards_confirmation(request, self, delegations)

    def access_sheet_view(self, request, pk):
        """The access sheet this person asked for: the file once a worker has made it,
        else a page that follows its rendering (polled by htmx) and then downloads it,
        as every PDF download does. Kept for ``ACCESS_SHEET_KEPT``, for them only."""
        if not may_print_access_cards(request):
            raise PermissionDenied
        sheet = AccessSheet.objects.filter(
            pk=pk,
            requested_by=request.user,
            created_at__gte=timezone.now() - ACCESS_SHEET_KEPT,
        ).first()
        if sheet is None:
            raise Http404
        if request.GET.get("retry") == "1" and access_sheet_retry(sheet):
            render_access_sheet.enqueue(sheet.pk)
            sheet.refresh_from_db()
        state = access_sheet_state(sheet)
        url = reverse("admin:delegations_access_sheet", args=[sheet.pk])
        polling = request.headers.get("HX-Request") == "true"
        if state.file is not None and not polling:
            return HttpResponse(
                state.file.content,
                content_type=state.file.content_type,
                headers={"Content-Disposition": f'attachment; filename="{state.file.filename}"'},
            )
        if state.file is not None and request.GET.get("fetch") == "1":
            return HttpResponse(headers={"HX-Redirect": url})
        context = {
            **self.admin_site.each_context(request),
            "title": _("Access sheet"),
            "opts": self.opts,
            "state": state,
            "url": url,
            "error": access_sheet_failure_message(state.error) if state.error else "",
        }
        template = (
            "portal/_file_progress.html" if polling else "admin/delegations/access_sheet.html"
        )
        return TemplateResponse(request, template, context)

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, delegation):
        return delegation.member_count
