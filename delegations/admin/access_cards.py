"""Access cards in the admin: who may print them, the page that confirms a print, the
print itself, and the mixin that refuses the action to those who may not."""

from itertools import groupby
from operator import attrgetter

from django.conf import settings
from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..access_sheet import card_link_expires_at
from ..services import access_sheet_request, delegation_card_holders
from ..tasks import render_access_sheet


def may_print_access_cards(request):
    """Superusers and facilitators: those who may add and change user accounts."""
    return request.user.has_perms(["auth.add_user", "auth.change_user"])


def access_cards_confirmation(request, model_admin, delegations, *, action=""):
    """The page that lists, before anything changes, every account that gets a new
    password (or is created) when ``delegations``' cards are printed."""
    delegations = list(delegations.select_related("workshop").order_by("workshop", "name", "pk"))
    now = timezone.now()
    ended = {d.workshop for d in delegations if card_link_expires_at(d.workshop) <= now}
    return TemplateResponse(
        request,
        "admin/delegations/access_cards.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": _("Print or reprint access cards"),
            "opts": model_admin.model._meta,
            "plan": [
                (delegation, delegation_card_holders(delegation)) for delegation in delegations
            ],
            "ended": ended,
            "action": action,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME) if action else [],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
    )


def access_cards_print(request, model_admin, delegations):
    """New passwords for ``delegations``' card holders, in one short transaction, and
    their sheet asked of a task worker: a redirect to the page that downloads it when
    it is ready, or ``None`` with a message. Each delegation's reprint is logged in
    its history."""
    try:
        sheet, issued = access_sheet_request(
            delegations=delegations,
            user=request.user,
            portal_url=settings.PORTAL_URL or request.build_absolute_uri("/"),
        )
    except ValidationError as error:
        model_admin.message_user(request, " ".join(error.messages), messages.ERROR)
        return None
    if sheet is None:
        model_admin.message_user(request, _("No access card to print."), messages.WARNING)
        return None
    render_access_sheet.enqueue(sheet.pk)
    for delegation, cards in groupby(issued, key=attrgetter("delegation")):
        usernames = ", ".join(card.user.get_username() for card in cards)
        model_admin.log_change(
            request,
            delegation,
            _("Access cards printed; new password for: %(accounts)s.") % {"accounts": usernames},
        )
    return redirect(reverse("admin:delegations_access_sheet", args=[sheet.pk]))


def access_sheet_failure_message(error):
    """Why an access sheet could not be made, in the active language."""
    if error == "worker":
        return gettext("The worker making this access sheet stopped before it was done.")
    return gettext(
        "This access sheet needed more time or memory than a PDF may take and was stopped. "
        "Try again, or print the cards of fewer delegations at once."
    )


class AccessCardsActionMixin:
    """Refuse, rather than Django's "No action selected", the access-card action to
    anyone who may not manage accounts (organisers)."""

    access_cards_action = ""

    def changelist_view(self, request, extra_context=None):
        if (
            request.method == "POST"
            and request.POST.get("action") == self.access_cards_action
            and not may_print_access_cards(request)
        ):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)

    def has_delegation_accounts_permission(self, request):
        return may_print_access_cards(request)
