"""The rules of ``delegations.permissions``, one at a time: who may see what, and when a
write is refused (with its reason)."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.http import Http404
from django.utils import timezone

from delegations import permissions
from delegations.permissions import DelegationAccess
from sessions.models import Session
from summaries.models import ActionPlan, Summary

pytestmark = pytest.mark.django_db


# --- reading ------------------------------------------------------------------------


def test_staff_groups_and_superusers_read_everything(member_a, organiser, facilitator):
    root = User.objects.create_superuser("root")
    readers = [permissions.user_reads_everything(u) for u in (member_a, organiser, facilitator)]
    assert (readers, permissions.user_reads_everything(root)) == ([False, True, True], True)


def test_a_member_sees_only_the_workshops_of_their_delegations(member_a, workshop):
    User.objects.create_user("outsider")
    other = type(workshop).objects.create(
        title_en="Other", slug="other", start_date=workshop.start_date,
        end_date=workshop.end_date, languages="en", default_language="en",
    )  # fmt: skip
    assert list(permissions.workshops_for(member_a)) == [workshop]
    with pytest.raises(Http404):
        permissions.workshop_for(member_a, other.slug)


def test_an_organiser_page_is_404_for_a_member(member_a, organiser, workshop):
    assert permissions.workshop_for_organiser(organiser, "regional") == workshop
    with pytest.raises(Http404):
        permissions.workshop_for_organiser(member_a, "regional")


def test_members_edit_their_delegation_staff_read_it_others_get_404(
    workshop, delegation_a, member_a, member_b, organiser
):
    assert permissions.delegation_for(member_a, workshop, "senegal").can_edit is True
    assert permissions.delegation_for(organiser, workshop, "senegal").can_edit is False
    with pytest.raises(Http404):
        permissions.delegation_for(member_b, workshop, "senegal")


def test_delegation_access_from_slugs_matches_delegation_for(member_a, organiser, delegation_a):
    assert permissions.delegation_access(member_a, "regional", "senegal") == DelegationAccess(
        delegation_a, can_edit=True
    )
    assert permissions.delegation_access(organiser, "regional", "senegal").can_edit is False


def test_delegations_hide_draft_sessions_staff_see_them(workshop, session, member_a, organiser):
    draft = Session.objects.create(workshop=workshop, code="VI", status=Session.Status.DRAFT)
    assert list(permissions.sessions_visible_to(member_a, workshop)) == [session]
    assert set(permissions.sessions_visible_to(organiser, workshop)) == {session, draft}
    assert list(permissions.sessions_visible_to(organiser, workshop, as_member=True)) == [session]
    with pytest.raises(Http404):
        permissions.session_for(member_a, workshop, "VI")


def test_preview_of_a_draft_is_for_staff_only(workshop, member_a, organiser):
    Session.objects.create(workshop=workshop, code="VI", status=Session.Status.DRAFT)
    assert permissions.session_for_preview(organiser, workshop, "VI").code == "VI"
    with pytest.raises(Http404):
        permissions.session_for_preview(member_a, workshop, "VI")


def test_question_of_a_draft_session_is_404(workshop, session):
    assert permissions.question_for(workshop=workshop, session_code="V", number=2).number == 2
    Session.objects.filter(pk=session.pk).update(status=Session.Status.DRAFT)
    with pytest.raises(Http404):
        permissions.question_for(workshop=workshop, session_code="V", number=2)


# --- writing ------------------------------------------------------------------------


@pytest.fixture
def summary(delegation_a, session):
    return Summary.objects.create(delegation=delegation_a, session=session)


def member(delegation):
    return DelegationAccess(delegation, can_edit=True)


def reader(delegation):
    return DelegationAccess(delegation, can_edit=False)


def test_a_member_may_write_a_draft_summary_of_an_open_session(summary, delegation_a):
    decision = permissions.can_write_summary(summary, access=member(delegation_a))
    assert (bool(decision), decision.code, decision.reason) == (True, "", "")


def test_a_reader_may_not_write_a_summary(summary, delegation_a):
    decision = permissions.can_write_summary(summary, access=reader(delegation_a))
    assert (bool(decision), decision.code) == (False, "read_only")


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (Session.Status.CLOSED, "This session is closed."),
        (Session.Status.DRAFT, "This session is not open yet."),
    ],
)
def test_a_summary_of_a_closed_or_draft_session_is_refused(summary, status, reason):
    summary.session.status = status
    decision = permissions.can_write_summary(summary)
    assert (bool(decision), decision.code, decision.reason) == (False, "closed", reason)


def test_a_summary_past_its_deadline_is_refused(summary):
    summary.session.deadline = timezone.now() - dt.timedelta(minutes=1)
    assert permissions.can_write_summary(summary).reason == (
        "The deadline for this session has passed."
    )


def test_a_closed_session_is_the_reason_even_for_a_reader(summary, delegation_a):
    summary.session.status = Session.Status.CLOSED
    assert permissions.can_write_summary(summary, access=reader(delegation_a)).code == "closed"


def test_a_submitted_summary_is_refused_until_reopened(summary):
    summary.status = Summary.Status.SUBMITTED
    decision = permissions.can_write_summary(summary)
    assert (decision.code, decision.reason) == (
        "submitted",
        "This summary has been submitted. Reopen it to edit.",
    )


def test_a_submitted_summary_may_be_reopened_while_the_session_is_open(summary):
    summary.status = Summary.Status.SUBMITTED
    assert bool(permissions.can_change_summary_status(summary)) is True
    summary.session.status = Session.Status.CLOSED
    assert permissions.can_change_summary_status(summary).code == "closed"


def test_a_plan_without_an_action_planning_session_stays_editable(delegation_a):
    assert (
        bool(permissions.can_edit_plan(delegation_a, plan=None, access=member(delegation_a)))
        is True
    )


def test_a_plan_follows_its_action_planning_session(workshop, delegation_a):
    Session.objects.create(
        workshop=workshop, code="D3", kind=Session.Kind.ACTION_PLANNING,
        status=Session.Status.CLOSED,
    )  # fmt: skip
    decision = permissions.can_edit_plan(delegation_a, plan=None)
    assert (decision.code, decision.reason) == ("closed", "This session is closed.")


def test_a_reader_may_not_edit_a_plan(delegation_a):
    decision = permissions.can_edit_plan(delegation_a, plan=None, access=reader(delegation_a))
    assert decision.code == "read_only"


def test_a_final_plan_is_read_only_until_back_to_draft(delegation_a):
    plan = ActionPlan(delegation=delegation_a, status=ActionPlan.Status.FINAL)
    decision = permissions.can_edit_plan(delegation_a, plan=plan, access=member(delegation_a))
    assert (decision.code, decision.reason) == (
        "final",
        "This plan is final. Put it back to draft to edit it.",
    )
    assert bool(permissions.can_change_plan_status(delegation_a)) is True
    plan.status = ActionPlan.Status.DRAFT
    assert bool(permissions.can_edit_plan(delegation_a, plan=plan)) is True
