"""Facilitators' admin for delegations, their members, and the accounts members sign in
with. It extends the workshop admin of ``sessions`` with the workshop's delegations and
the access sheets (a higher app may extend a lower app's admin)."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from sessions.admin import WorkshopAdmin as SessionsWorkshopAdmin
from sessions.models import Workshop

from .access_sheet import access_sheet_pdf
from .models import Delegation, Membership
from .services import delegation_accounts_reset


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


admin.site.unregister(Workshop)


@admin.register(Workshop)
class WorkshopAdmin(SessionsWorkshopAdmin):
    inlines = (*SessionsWorkshopAdmin.inlines, DelegationInline)
    actions = ("create_delegation_accounts",)

    def changelist_view(self, request, extra_context=None):
        # A refusal, not Django's "No action selected", for organisers and for anyone
        # who may not manage accounts asking for the access sheets.
        if (
            request.method == "POST"
            and request.POST.get("action") == "create_delegation_accounts"
            and not self.has_delegation_accounts_permission(request)
        ):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)

    def has_delegation_accounts_permission(self, request):
        """Superusers and facilitators: those who may add and change user accounts."""
        return request.user.has_perms(["auth.add_user", "auth.change_user"])

    @admin.action(
        description=_("Create delegation accounts and print access sheets"),
        permissions=("delegation_accounts",),
    )
    def create_delegation_accounts(self, request, queryset):
        if request.POST.get("apply") != "yes":
            # Printing again replaces every password: say so and ask first.
            return TemplateResponse(
                request,
                "admin/workshop_sessions/workshop/delegation_accounts.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Create delegation accounts and print access sheets"),
                    "opts": self.model._meta,
                    "workshops": queryset.prefetch_related("delegations"),
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        accounts = []
        try:
            with transaction.atomic():  # all workshops or none
                for workshop in queryset:
                    accounts += delegation_accounts_reset(workshop=workshop)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        if not accounts:
            self.message_user(
                request, _("The selected workshops have no delegations."), messages.WARNING
            )
            return None
        for workshop in queryset:
            self.log_change(
                request, workshop, _("Delegation accounts created or reset; access sheets printed.")
            )
        pdf = access_sheet_pdf(
            accounts, portal_url=settings.PORTAL_URL or request.build_absolute_uri("/")
        )
        slugs = sorted({delegation.workshop.slug for delegation, _name, _pw in accounts})
        filename = f"access-sheets-{slugs[0]}.pdf" if len(slugs) == 1 else "access-sheets.pdf"
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        add_never_cache_headers(response)  # the passwords exist only in this response
        return response



class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("user", "role")
    autocomplete_fields = ("user",)
    ordering = ("user__username",)
    extra = 1


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
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

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, delegation):
        return delegation.member_count


class UserMembershipInline(admin.TabularInline):
    model = Membership
    fields = ("delegation", "role")
    autocomplete_fields = ("delegation",)
    extra = 0
    verbose_name_plural = _("delegations")


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class DelegationAccountAdmin(UserAdmin):
    """Django's user admin, narrowed for facilitators who create delegation accounts.

    Facilitators have ``add_user`` and ``change_user``. Django's own user admin would
    then let them make anyone (themselves included) staff or superuser, or reset a
    superuser's password. Here only a superuser edits staff accounts, staff flags,
    groups and permissions; everyone else edits non-staff accounts' names, e-mail,
    password and active flag.
    """

    list_display = ("username", "first_name", "last_name", "email", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups", "delegations__workshop")
    inlines = (UserMembershipInline,)
    account_fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Permissions"), {"fields": ("is_active",)}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )

    def get_fieldsets(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.account_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("last_login", "date_joined")

    def has_change_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and (obj.is_staff or obj.is_superuser):
            return False
        return super().has_change_permission(request, obj)
