"""Unlocking sign-in: facilitators see django-axes' failed attempts and delete one to
unlock that account or address before its cool-off ends.

Who may unlock: whoever may manage accounts (``auth.change_user``: facilitators and
superusers). django-axes' own permissions are not given to any group, so the staff
groups keep exactly the permissions ``delegations.services`` defines.
"""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib import admin


def can_unlock_sign_in(user):
    """Whether ``user`` may see failed sign-ins and unlock them."""
    return user.is_active and user.is_staff and user.has_perm("auth.change_user")


class _UnlockMixin:
    def has_module_permission(self, request):
        return can_unlock_sign_in(request.user)

    def has_view_permission(self, request, obj=None):
        return can_unlock_sign_in(request.user)


class UnlockAccessAttemptAdmin(_UnlockMixin, AccessAttemptAdmin):
    def has_delete_permission(self, request, obj=None):
        return can_unlock_sign_in(request.user)


class FailureLogAdmin(_UnlockMixin, AccessFailureLogAdmin):
    pass


for model, model_admin in (
    (AccessAttempt, UnlockAccessAttemptAdmin),
    (AccessFailureLog, FailureLogAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
