"""Who may see and edit what. Every view that shows delegation work goes through here.

Rules:
- superusers and members of the ``Facilitators`` or ``Organisers`` group read every
  delegation of every workshop (read-only in the delegation pages);
- a delegation member reads and edits only their own delegation's work;
- anyone else gets a 404, never a hint that the object exists.
"""

from dataclasses import dataclass

from django.http import Http404

from sessions.models import Workshop

from ..models import Delegation, Membership

STAFF_GROUPS = ("Facilitators", "Organisers")


def user_reads_everything(user):
    """Facilitators, organisers and superusers read all delegations' work."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_portal_reads_everything", None)
    if cached is None:
        cached = user.groups.filter(name__in=STAFF_GROUPS).exists()
        user._portal_reads_everything = cached
    return cached


def workshops_for(user):
    """The workshops a user may open, most recent first."""
    if not user.is_authenticated:
        return Workshop.objects.none()
    if user_reads_everything(user):
        return Workshop.objects.all()
    return Workshop.objects.filter(delegations__members=user).distinct()


def workshop_for(user, slug):
    """The workshop ``slug`` if ``user`` may open it, else 404."""
    try:
        return workshops_for(user).get(slug=slug)
    except Workshop.DoesNotExist:
        raise Http404("No such workshop.") from None


def workshop_for_organiser(user, slug):
    """The workshop ``slug`` for facilitators, organisers and superusers; 404 for
    everyone else (delegation members included)."""
    if not user_reads_everything(user):
        raise Http404("No such workshop.")
    return workshop_for(user, slug)


def own_delegation(user, workshop):
    """The delegation ``user`` belongs to in ``workshop``, or ``None``."""
    if not user.is_authenticated:
        return None
    return Delegation.objects.filter(workshop=workshop, members=user).order_by("pk").first()


@dataclass(frozen=True)
class DelegationAccess:
    delegation: Delegation
    can_edit: bool


def delegation_for(user, workshop, slug):
    """The delegation ``slug`` of ``workshop`` with what ``user`` may do there; 404 if nothing.

    Members edit; facilitators and organisers read. Everyone else gets a 404.
    """
    delegation = (
        Delegation.objects.filter(workshop=workshop, slug=slug).select_related("workshop").first()
    )
    if delegation is None:
        raise Http404("No such delegation.")
    if delegation.memberships.filter(user_id=user.pk).exists():
        return DelegationAccess(delegation, can_edit=True)
    if user_reads_everything(user):
        return DelegationAccess(delegation, can_edit=False)
    raise Http404("No such delegation.")


def delegation_access(user, workshop_slug, delegation_slug):
    """Like :func:`delegation_for`, from the URL's slugs, in one query for a member
    (the hot path: every autosave goes through here)."""
    membership = (
        Membership.objects.filter(
            user_id=user.pk,
            delegation__slug=delegation_slug,
            delegation__workshop__slug=workshop_slug,
        )
        .select_related("delegation__workshop")
        .first()
    )
    if membership is not None:
        return DelegationAccess(membership.delegation, can_edit=True)
    return delegation_for(user, workshop_for(user, workshop_slug), delegation_slug)


def delegations_visible_to(user, workshop):
    """The delegations of ``workshop`` whose work ``user`` may read."""
    delegations = Delegation.objects.filter(workshop=workshop)
    if user_reads_everything(user):
        return delegations
    return delegations.filter(members=user)


# Organisers' reads: the progress board, one question across delegations, exports for
# partners. Callers have checked access with ``workshop_for_organiser``. These need the
# summaries' models (summaries.models never imports this module, so no cycle).
