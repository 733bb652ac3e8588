"""Writes for delegations and the people around them.

Each function validates what it is given and says what it guarantees; callers are
the admin, management commands and the tests.
"""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import Membership
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


@transaction.atomic
def delegation_accounts_reset(*, workshop):
    """Give every delegation of ``workshop`` one rapporteur account with a fresh password.

    For facilitators printing access sheets (admin action; the caller checks that
    the user may add and change users). The account is named by
    :func:`delegation_account_username`. It is created if missing; an existing one
    (made by an earlier run) gets a new password, is made active again and keeps
    its single rapporteur membership, so running this twice creates no second user
    or membership. Only password hashes are stored: the returned
    ``[(delegation, username, password), ...]`` (delegations by name) is the only
    place the passwords exist. Raises ``ValidationError`` and writes nothing if a
    name belongs to a staff account or to a member of another delegation.
    """
    User = get_user_model()
    accounts = []
    for delegation in workshop.delegations.order_by("name", "pk"):
        username = delegation_account_username(delegation)
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
        password = _readable_password()
        user.set_password(password)
        user.is_active = True
        user.full_clean()
        user.save()
        Membership.objects.update_or_create(
            user=user, delegation=delegation, defaults={"role": Membership.Role.RAPPORTEUR}
        )
        accounts.append((delegation, username, password))
    return accounts
