"""Writes for delegations and the people around them.

Each function validates what it is given and says what it guarantees; callers are
the admin, management commands and the tests.
"""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.pdf import PDF_CONTENT_TYPE, RenderedFile, RenderLimitExceeded, render_lease

from .access_sheet import access_sheet_file, access_sheet_filename
from .models import AccessSheet, Delegation, Membership
from .permissions import STAFF_GROUPS

FACILITATORS, ORGANISERS = STAFF_GROUPS

# What each staff group may do in the admin, as (app label, model, actions).
# Facilitators configure workshops and delegations and create delegation accounts;
# organisers only look. Nobody but a superuser edits what delegations write.
_CONTENT_MODELS = (
    ("workshop_sessions", "workshop"),
    ("workshop_sessions", "session"),
    ("workshop_sessions", "guidancequestion"),
    ("workshop_sessions", "interventionarea"),
    ("workshop_sessions", "questionoption"),
    ("workshop_sessions", "financingsource"),
    ("delegations", "delegation"),
    ("delegations", "membership"),
)
_WORK_MODELS = (
    ("auth", "user"),
    ("summaries", "summary"),
    ("summaries", "answer"),
    ("summaries", "actionitem"),
    ("summaries", "tarequest"),
    ("summaries", "actionplan"),
)
STAFF_GROUP_PERMISSIONS = {
    FACILITATORS: (
        *((app, model, ("add", "change", "delete", "view")) for app, model in _CONTENT_MODELS),
        *((app, model, ("view",)) for app, model in _WORK_MODELS),
        ("auth", "user", ("add", "change")),
    ),
    ORGANISERS: tuple((app, model, ("view",)) for app, model in _CONTENT_MODELS + _WORK_MODELS),
}


def staff_group_codenames(name):
    """The permissions of staff group ``name`` as a set of ``(app_label, codename)``."""
    return {
        (app, f"{action}_{model}")
        for app, model, actions in STAFF_GROUP_PERMISSIONS[name]
        for action in actions
    }


@transaction.atomic
def staff_groups_ensure():
    """Create the ``Facilitators`` and ``Organisers`` groups with exactly the
    permissions of ``STAFF_GROUP_PERMISSIONS``; return ``{name: group}``.

    Idempotent: safe to call on every deploy or demo load. A permission added to one
    of these groups by hand in the admin is removed (the roles are defined here).
    Call it after ``migrate``: Django creates permissions at the end of ``migrate``,
    so a missing one raises ``LookupError`` and nothing is written.
    """
    groups = {}
    for name in STAFF_GROUP_PERMISSIONS:
        wanted = staff_group_codenames(name)
        lookup = Q()
        for app_label, codename in wanted:
            lookup |= Q(content_type__app_label=app_label, codename=codename)
        permissions = list(Permission.objects.filter(lookup).select_related("content_type"))
        found = {(p.content_type.app_label, p.codename) for p in permissions}
        if found != wanted:
            missing = ", ".join(sorted(f"{app}.{codename}" for app, codename in wanted - found))
            raise LookupError(f"Permissions missing (run migrate first): {missing}")
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)
        groups[name] = group
    return groups


# No 0/o, 1/l/i: the password is read off paper and typed.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _readable_password():
    """Twelve random characters in three groups ("k7mq-x2pd-r9ta", ~59 bits)."""
    return "-".join(
        "".join(secrets.choice(_PASSWORD_ALPHABET) for _i in range(4)) for _j in range(3)
    )


def delegation_account_username(delegation):
    """``<workshop-slug>-<delegation-slug>``, cut to the user model's 150 characters."""
    max_length = get_user_model()._meta.get_field("username").max_length
    return f"{delegation.workshop.slug}-{delegation.slug}"[:max_length]


def card_eligible(user):
    """Whether an access card may be printed for ``user``: active delegation accounts
    only. A staff account's password is never reset by printing cards, and a
    deactivated member stays deactivated."""
    return user.is_active and not user.is_staff and not user.is_superuser


@dataclass(frozen=True)
class CardHolder:
    """An account that gets a new password (and a card) when ``delegation``'s cards
    are printed; ``user`` is ``None`` for an account that printing will create."""

    delegation: object
    username: str
    user: object = None

    @property
    def is_new(self):
        return self.user is None


def delegation_card_holders(delegation):
    """Who gets a card when ``delegation``'s access cards are printed, by username.

    Read-only; the confirmation page shows it and :func:`delegation_cards_issue`
    acts on it, so the page says exactly which accounts get a new password. Every
    member for whom :func:`card_eligible` holds gets one. A delegation without any
    member gets one rapporteur account named by :func:`delegation_account_username`
    (created when printing, or reused if an earlier run made it). A delegation whose
    members are all staff or deactivated gets no card.
    """
    memberships = delegation.memberships.select_related("user").order_by("user__username")
    users = [membership.user for membership in memberships]
    if users:
        return [CardHolder(delegation, u.get_username(), u) for u in users if card_eligible(u)]
    username = delegation_account_username(delegation)
    return [CardHolder(delegation, username, None)]


@dataclass(frozen=True)
class IssuedCard:
    """A card to print: the member and the password only this card knows."""

    delegation: object
    user: object
    password: str


@transaction.atomic
def delegation_cards_issue(*, delegations):
    """Give each account of :func:`delegation_card_holders` of ``delegations`` a fresh
    password; return ``[IssuedCard, ...]`` by workshop, delegation name, username.

    For facilitators printing access cards (admin; the caller checks that the user
    may add and change users). Only these delegations' card holders change: other
    delegations' cards keep working. A new password also revokes the member's
    earlier card, its sign-in link and their browser sessions. Only password hashes
    are stored: the returned list is the only place the passwords exist. Raises
    ``ValidationError`` and writes nothing if a delegation without members has its
    account name taken by a staff account or a member of another delegation.
    """
    pks = [delegation.pk for delegation in delegations]
    locked = (
        Delegation.objects.select_for_update(of=("self",))
        .select_related("workshop")
        .filter(pk__in=pks)
        .order_by("workshop__title", "workshop__pk", "name", "pk")
    )
    cards = []
    for delegation in locked:
        for holder in delegation_card_holders(delegation):
            user = holder.user or _delegation_account(delegation, holder.username)
            password = _readable_password()
            user.set_password(password)
            user.save(update_fields=["password"])
            cards.append(IssuedCard(delegation, user, password))
    return cards


def _delegation_account(delegation, username):
    """The rapporteur account of a delegation without members: created, or the one an
    earlier run created (made active again)."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username)
    elif (
        user.is_staff
        or user.is_superuser
        or user.memberships.exclude(delegation=delegation).exists()
    ):
        raise ValidationError(
            _(
                "The account “%(username)s” already exists and is not %(delegation)s’s "
                "own account; rename it or change the delegation’s slug."
            ),
            code="username_taken",
            params={"username": username, "delegation": delegation.name},
        )
    user.is_active = True
    user.set_unusable_password()
    user.full_clean()
    user.save()
    Membership.objects.get_or_create(
        user=user, delegation=delegation, defaults={"role": Membership.Role.RAPPORTEUR}
    )
    return user


# How long a rendered access sheet (and, until it is rendered, its passwords) is kept
# for the person who asked for it.
ACCESS_SHEET_KEPT = dt.timedelta(hours=1)


def access_sheet_request(*, delegations, user, portal_url):
    """Give ``delegations``' card holders new passwords (:func:`delegation_cards_issue`)
    and ask for their sheet, in one short transaction: returns ``(sheet, issued)``,
    ``(None, [])`` when there is no card to print. The caller enqueues
    ``delegations.tasks.render_access_sheet(sheet.pk)``; nothing is rendered here, so
    no lock is held while the PDF is made. The passwords are kept on the sheet only
    until the worker has rendered it. Raises ``ValidationError`` as
    :func:`delegation_cards_issue` does, with nothing written."""
    access_sheets_prune()
    with transaction.atomic():
        issued = delegation_cards_issue(delegations=delegations)
        if not issued:
            return None, []
        sheet = AccessSheet.objects.create(
            requested_by=user,
            portal_url=portal_url,
            filename=access_sheet_filename(issued),
            cards=[[card.delegation.pk, card.user.pk, card.password] for card in issued],
        )
    return sheet, issued


def access_sheets_prune(*, now=None):
    """Delete the access sheets asked for more than ``ACCESS_SHEET_KEPT`` ago."""
    now = now or timezone.now()
    AccessSheet.objects.filter(created_at__lt=now - ACCESS_SHEET_KEPT).delete()


def _issued(cards):
    """The ``IssuedCard`` list of a sheet's ``cards``, in order; a card whose account
    or delegation was deleted meanwhile is left out."""
    delegations = Delegation.objects.select_related("workshop").in_bulk(
        {delegation_id for delegation_id, _user, _password in cards}
    )
    users = get_user_model().objects.in_bulk({user_id for _d, user_id, _password in cards})
    return [
        IssuedCard(delegations[delegation_id], users[user_id], password)
        for delegation_id, user_id, password in cards
        if delegation_id in delegations and user_id in users
    ]


def access_sheet_render(sheet_id):
    """Render access sheet ``sheet_id`` if it waits for a worker (or its worker's claim
    ran out): claim it with a lease, render in the sandbox with no transaction open,
    then keep the PDF and forget the passwords. Returns True if this call rendered.
    Past a limit the sheet is failed with the limit's name (the page offers to try
    again); any other exit (``SystemExit`` of a stopping worker included) gives the
    claim back and re-raises. For the task worker (``delegations.tasks``)."""
    Status = AccessSheet.Status
    now = timezone.now()
    claimed = (
        AccessSheet.objects.filter(pk=sheet_id)
        .filter(Q(status=Status.QUEUED) | Q(status=Status.RENDERING, leased_until__lt=now))
        .update(status=Status.RENDERING, leased_until=now + render_lease())
    )
    if not claimed:
        return False
    sheet = AccessSheet.objects.defer("pdf").get(pk=sheet_id)
    try:
        rendered = access_sheet_file(_issued(sheet.cards), portal_url=sheet.portal_url)
    except RenderLimitExceeded as exc:
        AccessSheet.objects.filter(pk=sheet_id).update(
            status=Status.FAILED, error=exc.limit, leased_until=None
        )
        return False
    except BaseException:
        AccessSheet.objects.filter(pk=sheet_id, status=Status.RENDERING).update(
            status=Status.QUEUED, leased_until=None
        )
        raise
    return bool(
        AccessSheet.objects.filter(pk=sheet_id, status=Status.RENDERING).update(
            status=Status.READY,
            filename=rendered.filename,
            pdf=rendered.content,
            cards=[],
            error="",
            leased_until=None,
        )
    )


@dataclass(frozen=True)
class AccessSheetState:
    """Where a sheet stands for its download page: ``status`` as
    ``AccessSheet.Status`` (a claim that ran out is a worker that stopped: failed,
    with ``error`` ``"worker"``); ``file`` once it is ready."""

    status: str
    error: str = ""
    file: object = None


def access_sheet_state(sheet, *, now=None):
    """The state of ``sheet`` (read with its PDF) for its page."""
    Status = AccessSheet.Status
    now = now or timezone.now()
    if sheet.status == Status.READY:
        return AccessSheetState(
            Status.READY, file=RenderedFile(sheet.filename, PDF_CONTENT_TYPE, bytes(sheet.pdf))
        )
    if sheet.status == Status.RENDERING and sheet.leased_until and sheet.leased_until < now:
        return AccessSheetState(Status.FAILED, error="worker")
    return AccessSheetState(sheet.status, error=sheet.error)


def access_sheet_retry(sheet, *, now=None):
    """Ask again for a sheet that failed or whose worker stopped; True if the caller
    must enqueue its rendering (exactly one of simultaneous callers)."""
    Status = AccessSheet.Status
    now = now or timezone.now()
    return bool(
        AccessSheet.objects.filter(pk=sheet.pk)
        .filter(Q(status=Status.FAILED) | Q(status=Status.RENDERING, leased_until__lt=now))
        .update(status=Status.QUEUED, error="", leased_until=None)
    )
