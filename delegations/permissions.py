"""Who may see and write what: the portal's one place for access rules.

Reading:
- superusers and members of the ``Facilitators`` or ``Organisers`` group read every
  delegation of every workshop (read-only in the delegation pages), draft sessions
  included;
- a delegation member reads and writes only their own delegation's work, in the
  sessions that are not drafts;
- anyone else gets a 404, never a hint that the object exists.

Writing: one named rule per kind of write (:func:`can_write_summary`,
:func:`can_change_summary_status`, :func:`can_edit_plan`) answers with a
:class:`Decision` that says why not. Views pass the decision to their templates
(which show its reason and render read-only fields from it; the page's JavaScript
reads ``data-readonly`` from there), and services ask the same rule again, under
their row lock, before they write.

The rules read attributes of the objects they are given (``summary.is_submitted``,
``session.closed_reason()``), so this module needs no higher app.
"""

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from sessions.models import GuidanceQuestion, Session, Workshop

from .models import Delegation, Membership

STAFF_GROUPS = ("Facilitators", "Organisers")


# --- reading ------------------------------------------------------------------------


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
    """A delegation and what the user may do there: members edit (``can_edit``),
    facilitators and organisers read."""

    delegation: Delegation
    can_edit: bool


def delegation_for(user, workshop, slug):
    """The delegation ``slug`` of ``workshop`` with what ``user`` may do there; 404 if nothing."""
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


# The hot path (every autosave looks up its membership and its question): one query
# each, without the models' default ordering, which joins half the schema for a row
# that is unique anyway.
def _membership(*, user, workshop, delegation):
    return (
        Membership.objects.filter(
            user_id=user, delegation__slug=delegation, delegation__workshop__slug=workshop
        )
        .select_related("delegation__workshop")
        .order_by()
        .first()
    )


def _question(*, workshop, session, number):
    return (
        GuidanceQuestion.objects.filter(
            session__workshop_id=workshop, session__code=session, number=number
        )
        .select_related("session")
        .order_by()
        .first()
    )


def delegation_access(user, workshop_slug, delegation_slug):
    """Like :func:`delegation_for`, from the URL's slugs, in one query for a member
    (the hot path: every autosave goes through here)."""
    membership = None
    if user.is_authenticated:
        membership = _membership(user=user.pk, workshop=workshop_slug, delegation=delegation_slug)
    if membership is not None:
        return DelegationAccess(membership.delegation, can_edit=True)
    return delegation_for(user, workshop_for(user, workshop_slug), delegation_slug)


def delegations_visible_to(user, workshop):
    """The delegations of ``workshop`` whose work ``user`` may read."""
    delegations = Delegation.objects.filter(workshop=workshop)
    if user_reads_everything(user):
        return delegations
    return delegations.filter(members=user)


def sessions_visible_to(user, workshop, *, as_member=False):
    """Sessions of ``workshop`` a user may see: delegations never see draft sessions;
    facilitators and organisers do, unless they act ``as_member`` of a delegation."""
    sessions = Session.objects.filter(workshop=workshop)
    if as_member or not user_reads_everything(user):
        sessions = sessions.exclude(status=Session.Status.DRAFT)
    return sessions


def session_for(user, workshop, code, *, as_member=False):
    """The session ``code`` of ``workshop`` if ``user`` may see it, else 404."""
    session = sessions_visible_to(user, workshop, as_member=as_member).filter(code=code).first()
    if session is None:
        raise Http404("No such session.")
    return session


def session_for_preview(user, workshop, code):
    """The session ``code`` of ``workshop`` (drafts included) for facilitators,
    organisers and superusers; 404 for everyone else, delegation members included."""
    if not user_reads_everything(user):
        raise Http404("No such session.")
    session = Session.objects.filter(workshop=workshop, code=code).first()
    if session is None:
        raise Http404("No such session.")
    return session


def question_for(*, workshop, session_code, number):
    """A question of a session that delegations can see (not a draft), else 404."""
    question = _question(workshop=workshop.pk, session=session_code, number=number)
    # Draft checked here rather than in SQL: on the autosave path the ``exclude`` costs
    # more to build than the whole lookup.
    if question is None or question.session.status == Session.Status.DRAFT:
        raise Http404("No such question.")
    return question


# --- writing ------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """The answer of a write rule. ``code`` says which rule refused: ``"read_only"``
    (not a member), ``"closed"`` (session closed, not open yet
    or past its deadline), ``"submitted"`` (a summary) or ``"final"`` (a plan);
    ``reason`` says it to the person."""

    allowed: bool
    code: str = ""
    reason: str = ""

    def __bool__(self):
        return self.allowed


ALLOWED = Decision(True)


def _first_refusal(*refusals):
    # Decisions are falsy when they refuse, so no ``or`` chains here.
    return next((refusal for refusal in refusals if refusal is not None), ALLOWED)


def _read_only(access):
    if access is not None and not access.can_edit:
        return Decision(False, "read_only", _("You can read this delegation's work, not edit it."))
    return None


def _session_open(session):
    reason = session.closed_reason() if session is not None else None
    return Decision(False, "closed", str(reason)) if reason is not None else None


def can_write_summary(summary, *, access=None):
    """May the answers, participants and rapporteur of ``summary`` be written now?

    Not when the user only reads (``access``), the session is closed, not open yet or
    past its deadline, or the summary is submitted (reopen it first).
    """
    if summary.is_submitted:
        submitted = Decision(
            False, "submitted", _("This summary has been submitted. Reopen it to edit.")
        )
    else:
        submitted = None
    return _first_refusal(_session_open(summary.session), _read_only(access), submitted)


def can_change_summary_status(summary, *, access=None):
    """May ``summary`` be submitted, reopened or its countdown started now? While its
    session is writable, by a member."""
    return _first_refusal(_session_open(summary.session), _read_only(access))


def action_planning_session(workshop_id):
    """The workshop's action-planning session (Day 3), or ``None``."""
    return (
        Session.objects.filter(workshop_id=workshop_id, kind=Session.Kind.ACTION_PLANNING)
        .order_by("order", "day")
        .first()
    )


def can_change_plan_status(delegation, *, access=None, session=...):
    """May the delegation's plan be marked final or put back to draft now?

    The plan follows the workshop's action-planning session: read-only when that
    session is closed, not open yet or past its deadline; a workshop without one
    keeps plans editable. Pass ``session`` when it is already loaded.
    """
    if session is ...:
        session = action_planning_session(delegation.workshop_id)
    return _first_refusal(_session_open(session), _read_only(access))


def can_edit_plan(delegation, *, plan, access=None, session=...):
    """May the delegation's plan (``plan``, ``None`` before its first item) have its
    actions and TA requests added, edited, removed, put back or drafted now? As its
    status (:func:`can_change_plan_status`), and not once it is final (back to draft
    first), as a submitted summary."""
    if plan is not None and plan.is_final:
        final = Decision(False, "final", _("This plan is final. Put it back to draft to edit it."))
    else:
        final = None
    status = can_change_plan_status(delegation, access=access, session=session)
    return _first_refusal(None if status else status, final)
