"""The staff groups (delegations.services.staff_groups_ensure and the migration that
creates them) and the service behind the session actions."""

import pytest
from django.contrib.auth.models import Group, Permission

from delegations.services import staff_groups_ensure
from sessions.models import Session
from sessions.services import session_set_status


def codenames(group_name):
    return sorted(
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=group_name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    )


def test_migration_creates_staff_groups_with_permissions(db):
    assert (len(codenames("Facilitators")), len(codenames("Organisers"))) == (40, 14)


def test_migration_groups_match_staff_groups_ensure(db):
    from_migration = (codenames("Facilitators"), codenames("Organisers"))
    staff_groups_ensure()
    assert (codenames("Facilitators"), codenames("Organisers")) == from_migration


def test_staff_groups_ensure_gives_facilitators_content_and_accounts(staff_groups, facilitator):
    perms = [
        "workshop_sessions.add_workshop",
        "workshop_sessions.change_session",
        "workshop_sessions.delete_guidancequestion",
        "workshop_sessions.change_interventionarea",
        "delegations.add_delegation",
        "delegations.delete_membership",
        "auth.add_user",
        "auth.change_user",
        "auth.delete_user",
        "auth.change_group",
        "summaries.view_summary",
        "summaries.view_tarequest",
        "summaries.change_summary",
        "summaries.change_answer",
        "summaries.delete_actionitem",
    ]
    assert [facilitator.has_perm(perm) for perm in perms] == [
        True,
        True,
        True,
        True,
        True,
        True,
        True,
        True,
        False,
        False,
        True,
        True,
        False,
        False,
        False,
    ]


def test_staff_groups_ensure_gives_organisers_view_only(staff_groups):
    assert codenames("Organisers") == [
        "auth.view_user",
        "delegations.view_delegation",
        "delegations.view_membership",
        "summaries.view_actionitem",
        "summaries.view_actionplan",
        "summaries.view_answer",
        "summaries.view_summary",
        "summaries.view_tarequest",
        "workshop_sessions.view_financingsource",
        "workshop_sessions.view_guidancequestion",
        "workshop_sessions.view_interventionarea",
        "workshop_sessions.view_questionoption",
        "workshop_sessions.view_session",
        "workshop_sessions.view_workshop",
    ]


def test_staff_groups_ensure_is_idempotent(staff_groups):
    before = (codenames("Facilitators"), codenames("Organisers"), Group.objects.count())
    staff_groups_ensure()
    assert (codenames("Facilitators"), codenames("Organisers"), Group.objects.count()) == before


def test_staff_groups_ensure_removes_permission_added_by_hand(staff_groups):
    staff_groups["Organisers"].permissions.add(
        Permission.objects.get(content_type__app_label="summaries", codename="change_summary")
    )
    staff_groups_ensure()
    assert "summaries.change_summary" not in codenames("Organisers")


def test_staff_groups_ensure_creates_missing_groups(db):
    Group.objects.all().delete()
    staff_groups_ensure()
    assert sorted(Group.objects.values_list("name", flat=True)) == ["Facilitators", "Organisers"]


def test_staff_groups_ensure_refuses_when_permissions_are_missing(db):
    Group.objects.all().delete()
    Permission.objects.filter(codename="view_actionplan").delete()
    with pytest.raises(LookupError, match=r"summaries\.view_actionplan"):
        staff_groups_ensure()


def test_staff_groups_ensure_writes_nothing_when_permissions_are_missing(db):
    Group.objects.all().delete()
    Permission.objects.filter(codename="view_actionplan").delete()
    with pytest.raises(LookupError):
        staff_groups_ensure()
    assert Group.objects.count() == 0


def test_session_set_status_returns_only_changed_sessions(session):
    closed = Session.objects.create(
        workshop=session.workshop, code="VI", title_en="Six", status=Session.Status.CLOSED
    )
    changed = session_set_status(sessions=[session, closed], status=Session.Status.CLOSED)
    assert [s.code for s in changed] == ["V"]


def test_session_set_status_refuses_unknown_status(session):
    with pytest.raises(ValueError):
        session_set_status(sessions=[session], status="archived")
    session.refresh_from_db()
    assert session.status == Session.Status.OPEN
