"""Writes for delegations and the people around them.

Each function validates what it is given and says what it guarantees; callers are
the admin, management commands and the tests.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from .selectors import STAFF_GROUPS

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
