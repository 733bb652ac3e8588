"""Unlocking sign-in: facilitators see django-axes' failed attempts, which (account,
address) pairs are blocked and until when, and unlock them before their cool-off ends.

Who may unlock: whoever may manage accounts (``auth.change_user``: facilitators and
superusers). django-axes' own permissions are not given to any group, so the staff
groups keep exactly the permissions ``delegations.services`` defines. The labels are
the portal's own (translated with it), not django-axes' "Attempt Remaining".
"""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _


def can_unlock_sign_in(user):
    """Whether ``user`` may see failed sign-ins and unlock them."""
    return user.is_active and user.is_staff and user.has_perm("auth.change_user")


def blocked_until(attempt, now=None):
    """Until when ``attempt``'s (account, address) pair is refused, or ``None``."""
    if attempt.failures_since_start < settings.AXES_FAILURE_LIMIT:
        return None
    until = attempt.attempt_time + settings.AXES_COOLOFF_TIME
    return until if until > (now or timezone.now()) else None


class BlockedFilter(admin.SimpleListFilter):
    title = _("blocked now")
    parameter_name = "blocked"

    def lookups(self, request, model_admin):
        return (("yes", _("Yes")), ("no", _("No")))

    def queryset(self, request, queryset):
        blocked = {
            "failures_since_start__gte": settings.AXES_FAILURE_LIMIT,
            "attempt_time__gt": timezone.now() - settings.AXES_COOLOFF_TIME,
        }
        if self.value() == "yes":
            return queryset.filter(**blocked)
        if self.value() == "no":
            return queryset.exclude(**blocked)
        return queryset


class _UnlockMixin:
    def has_module_permission(self, request):
        return can_unlock_sign_in(request.user)

    def has_view_permission(self, request, obj=None):
        return can_unlock_sign_in(request.user)


class UnlockAccessAttemptAdmin(_UnlockMixin, AccessAttemptAdmin):
    list_display = ("username", "ip_address", "failures", "attempt_time", "status")
    list_filter = (BlockedFilter, "attempt_time")
    actions = ("unlock",)

    def has_delete_permission(self, request, obj=None):
        return can_unlock_sign_in(request.user)

    @admin.display(description=_("failed sign-ins"), ordering="failures_since_start")
    def failures(self, attempt):
        return attempt.failures_since_start

    @admin.display(description=_("status"))
    def status(self, attempt):
        until = blocked_until(attempt)
        if until is None:
            return gettext("Not blocked")
        local = timezone.localtime(until)
        return gettext("Blocked until %(time)s") % {"time": date_format(local, "TIME_FORMAT")}

    @admin.action(description=_("Unlock the selected sign-ins"), permissions=("delete",))
    def unlock(self, request, queryset):
        count = queryset.count()
        queryset.delete()
        self.message_user(
            request,
            ngettext(
                "%(count)d sign-in unlocked: it can be tried again at once.",
                "%(count)d sign-ins unlocked: they can be tried again at once.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


class FailureLogAdmin(_UnlockMixin, AccessFailureLogAdmin):
    pass


for model, model_admin in (
    (AccessAttempt, UnlockAccessAttemptAdmin),
    (AccessFailureLog, FailureLogAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
