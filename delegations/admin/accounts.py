"""The accounts members sign in with: Django's user admin, narrowed for facilitators."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from sessions.admin import TypedTextAdmin

from ..models import Membership


class UserMembershipInline(admin.TabularInline):
    model = Membership
    fields = ("delegation", "role")
    autocomplete_fields = ("delegation",)
    extra = 0
    verbose_name_plural = _("delegations")


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class DelegationAccountAdmin(TypedTextAdmin, UserAdmin):
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
