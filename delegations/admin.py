"""Facilitators' admin for delegations, their members, and the accounts members sign in with."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Delegation, Membership


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
