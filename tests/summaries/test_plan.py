"""Day 3 plan: prefill from the summaries, versioned edits, read-only when closed."""

import pytest
from django.urls import reverse

from sessions.models import Session
from summaries import services
from summaries.models import ActionItem, TARequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(delegation_a, session, member_a):
    for number, text in [(4, "Budget line in 2027\nConsensus with partners"), (5, "")]:
        services.answer_save(
            delegation=delegation_a,
            question=session.questions.get(number=number),
            data=services.AnswerInput(text=text, discussed=True, language="fr", base_version=0),
            user=member_a,
        )
    question = session.questions.get(number=5)
    question.feeds = "ta_request"
    question.save()
    services.answer_save(
        delegation=delegation_a,
        question=question,
        data=services.AnswerInput(
            text="Costing expertise", discussed=True, language="fr", base_version=1
        ),
        user=member_a,
    )


def plan_url(name, delegation, **kwargs):
    return reverse(
        f"summaries:{name}",
        kwargs={"workshop": delegation.workshop.slug, "delegation": delegation.slug, **kwargs},
    )


def test_prefill_links_items_to_their_answers(answered, delegation_a, member_a):
    assert services.plan_prefill(delegation=delegation_a, user=member_a) == (2, 0)
    action = ActionItem.objects.get()
    ta = TARequest.objects.get()
    assert (action.title, action.source_answer.question.number) == ("Budget line in 2027", 4)
    assert (ta.title, ta.need, ta.source_answer.question.number) == (
        "Costing expertise",
        "Costing expertise",
        5,
    )


def test_prefill_twice_creates_nothing_more(answered, delegation_a, member_a):
    services.plan_prefill(delegation=delegation_a, user=member_a)
    assert services.plan_prefill(delegation=delegation_a, user=member_a) == (0, 0)
    assert (ActionItem.objects.count(), TARequest.objects.count()) == (1, 1)


def test_prefill_never_overwrites_edited_item(answered, delegation_a, member_a, session):
    services.plan_prefill(delegation=delegation_a, user=member_a)
    action = ActionItem.objects.get()
    services.plan_item_update(
        item=action, data={"title": "Our own title"}, base_version=action.version, user=member_a
    )
    services.answer_save(
        delegation=delegation_a,
        question=session.questions.get(number=4),
        data=services.AnswerInput(text="New text", discussed=True, language="fr", base_version=1),
        user=member_a,
    )
    assert services.plan_prefill(delegation=delegation_a, user=member_a) == (0, 0)
    assert ActionItem.objects.get().title == "Our own title"


def test_prefill_refreshes_unedited_item(answered, delegation_a, member_a, session):
    services.plan_prefill(delegation=delegation_a, user=member_a)
    services.answer_save(
        delegation=delegation_a,
        question=session.questions.get(number=4),
        data=services.AnswerInput(text="Newer text", discussed=True, language="fr", base_version=1),
        user=member_a,
    )
    assert services.plan_prefill(delegation=delegation_a, user=member_a) == (0, 1)
    assert ActionItem.objects.get().description == "Newer text"


def test_item_save_refuses_a_description_of_too_many_lines(client, delegation_a, member_a):
    item = services.plan_item_create(
        delegation=delegation_a, kind="action", data={"title": "A"}, user=member_a
    )
    client.force_login(member_a)
    response = client.post(
        plan_url("plan_item_save", delegation_a, kind="action", pk=item.pk),
        {
            "title": "A",
            "description": "\n".join("x" * 2400),
            "start_month": 1,
            "end_month": 24,
            "currency": "USD",
            "version": 1,
        },
        headers={"accept": "application/json"},
    )
    assert (response.status_code, "has too many lines: 2,400" in response.json()["error"]) == (
        400,
        True,
    )
    assert ActionItem.objects.get().description == ""


def test_stale_item_save_is_409_with_current_values(client, delegation_a, member_a):
    item = services.plan_item_create(
        delegation=delegation_a, kind="action", data={"title": "A"}, user=member_a
    )
    services.plan_item_update(item=item, data={"title": "B"}, base_version=1, user=member_a)
    client.force_login(member_a)
    response = client.post(
        plan_url("plan_item_save", delegation_a, kind="action", pk=item.pk),
        {"title": "C", "start_month": 1, "end_month": 24, "currency": "USD", "version": 1},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 409
    assert response.json()["current"]["values"]["title"] == "B"
    assert ActionItem.objects.get().title == "B"


def test_stale_item_save_without_javascript_shows_what_the_server_holds(
    client, delegation_a, member_a
):
    item = services.plan_item_create(
        delegation=delegation_a,
        kind="action",
        data={"title": "A", "description": "Ours"},
        user=member_a,
    )
    services.plan_item_update(
        item=item,
        data={"title": "A", "description": "The other laptop's text"},
        base_version=1,
        user=member_a,
    )
    client.force_login(member_a)
    posted = {"title": "A", "description": "My text", "start_month": 1, "end_month": 24}
    response = client.post(
        plan_url("plan_item_save", delegation_a, kind="action", pk=item.pk),
        {**posted, "currency": "USD", "version": 1},
    )
    assert response.status_code == 200
    page = response.text
    # Beside the posted text, in the conflict pane: what the other laptop saved.
    assert "My text" in page
    pane = page[page.index(f'id="action-{item.pk}"') :]
    pane = pane[pane.index('data-role="conflict"') : pane.index('data-role="conflict-actions"')]
    assert "The other laptop&#x27;s text" in pane
    assert "d-none" not in pane[: pane.index(">")]
    assert ActionItem.objects.get().description == "The other laptop's text"


def test_item_end_month_before_start_is_refused(client, delegation_a, member_a):
    client.force_login(member_a)
    response = client.post(
        plan_url("plan_item_create", delegation_a, kind="action"),
        {"title": "X", "start_month": 10, "end_month": 3, "currency": "USD"},
    )
    assert response.status_code == 200
    assert "The end month cannot come before the start month." in response.text
    assert not ActionItem.objects.exists()


def test_plan_read_only_when_day3_session_closed(client, workshop, delegation_a, member_a):
    Session.objects.create(
        workshop=workshop, code="D3", title="Day 3", kind="action_planning", status="closed"
    )
    client.force_login(member_a)
    response = client.post(
        plan_url("plan_item_create", delegation_a, kind="action"),
        {"title": "Late", "start_month": 1, "end_month": 2, "currency": "USD"},
    )
    assert "This session is closed." in response.text
    assert not ActionItem.objects.exists()


def test_plan_page_for_other_delegation_is_404(client, delegation_a, member_b):
    client.force_login(member_b)
    assert client.get(plan_url("plan", delegation_a)).status_code == 404


def test_plan_page_lists_items(client, delegation_a, member_a):
    services.plan_item_create(
        delegation=delegation_a, kind="action", data={"title": "Train 40 CHWs"}, user=member_a
    )
    client.force_login(member_a)
    response = client.get(plan_url("plan", delegation_a))
    assert response.status_code == 200
    assert 'value="Train 40 CHWs"' in response.text


def test_move_and_remove(delegation_a, member_a):
    first = services.plan_item_create(
        delegation=delegation_a, kind="action", data={"title": "1"}, user=member_a
    )
    services.plan_item_create(
        delegation=delegation_a, kind="action", data={"title": "2"}, user=member_a
    )
    services.plan_item_move(item=first, direction="down")
    assert list(ActionItem.objects.order_by("order").values_list("title", flat=True)) == ["2", "1"]
    services.plan_item_remove(item=first, base_version=1, user=member_a)
    assert list(ActionItem.objects.live().values_list("title", flat=True)) == ["2"]


# --- remove with undo, history and restore -----------------------------------------


@pytest.fixture
def two_actions(delegation_a, member_a):
    return [
        services.plan_item_create(
            delegation=delegation_a, kind="action", data={"title": title}, user=member_a
        )
        for title in ("Budget line", "Train 40 CHWs")
    ]


def test_remove_offers_undo_at_once_and_undo_puts_it_back(
    client, delegation_a, member_a, two_actions
):
    client.force_login(member_a)
    item = two_actions[0]
    response = client.post(
        plan_url("plan_item_delete", delegation_a, kind="action", pk=item.pk), {"version": 1}
    )
    assert response["Location"].endswith(f"?removed=action-{item.pk}#removed")
    page = client.get(response["Location"])
    assert "“Budget line” was removed from the plan." in page.text
    assert [a.title for a, _form, _conflict in page.context["actions"]] == ["Train 40 CHWs"]
    client.post(plan_url("plan_item_put_back", delegation_a, kind="action", pk=item.pk))
    assert list(ActionItem.objects.live().values_list("title", flat=True)) == [
        "Budget line",
        "Train 40 CHWs",
    ]
    assert ActionItem.objects.get(pk=item.pk).version == 3  # removed, then put back


def test_removed_items_are_listed_until_the_plan_is_final(delegation_a, member_a, two_actions):
    services.plan_item_remove(item=two_actions[1], base_version=1, user=member_a)
    from summaries.selectors import plan_items

    assert [(k, i.title) for k, i in plan_items(delegation=delegation_a).removed] == [
        ("action", "Train 40 CHWs")
    ]
    services.plan_set_status(delegation=delegation_a, status="final", user=member_a)
    assert plan_items(delegation=delegation_a).removed == ()


def test_removed_items_leave_the_pdf_and_the_exports(
    delegation_a, member_a, two_actions, organiser
):
    from summaries.pdf import plan_document
    from summaries.selectors.plan_exports import action_table

    services.plan_item_remove(item=two_actions[0], base_version=1, user=member_a)
    doc = plan_document(delegation=delegation_a)
    table = action_table(workshop=delegation_a.workshop, link=lambda d: "")
    assert [a.title for a in doc.actions] == ["Train 40 CHWs"]
    assert [row[4] for row in table.rows] == ["Train 40 CHWs"]


def test_a_removed_drafted_item_is_not_drafted_again(answered, delegation_a, member_a):
    services.plan_prefill(delegation=delegation_a, user=member_a)
    action = ActionItem.objects.get()
    services.plan_item_remove(item=action, base_version=action.version, user=member_a)
    assert services.plan_prefill(delegation=delegation_a, user=member_a) == (0, 0)
    assert ActionItem.objects.live().count() == 0


def test_item_history_shows_every_field_and_what_changed(
    client, delegation_a, member_a, two_actions
):
    item = two_actions[0]
    services.plan_item_update(
        item=item, data={"milestone": "Law voted"}, base_version=1, user=member_a
    )
    services.plan_item_update(
        item=item, data={"responsible": "District team"}, base_version=2, user=member_a
    )
    client.force_login(member_a)
    response = client.get(plan_url("plan_item_history", delegation_a, kind="action", pk=item.pk))
    versions = response.context["versions"]
    assert [v.changed for v in versions] == [["responsible"], ["milestone"], []]
    assert [f.name for f in versions[0].fields] == list(ActionItem.EDITABLE_FIELDS)
    assert "Law voted" in response.text and "District team" in response.text


def test_restore_an_earlier_item_version_is_a_new_version(
    client, delegation_a, member_a, two_actions
):
    item = two_actions[0]
    services.plan_item_update(
        item=item,
        data={"title": "Renamed", "milestone": "Law voted"},
        base_version=1,
        user=member_a,
    )
    first = item.history.get(version=1)
    client.force_login(member_a)
    client.post(
        plan_url("plan_item_restore", delegation_a, kind="action", pk=item.pk),
        {"history_id": first.history_id},
    )
    item = ActionItem.objects.get(pk=item.pk)
    assert (item.title, item.milestone, item.version) == ("Budget line", "", 3)


def test_restore_of_another_items_version_is_404(client, delegation_a, member_a, two_actions):
    client.force_login(member_a)
    other = two_actions[1].history.get()
    response = client.post(
        plan_url("plan_item_restore", delegation_a, kind="action", pk=two_actions[0].pk),
        {"history_id": other.history_id},
    )
    assert response.status_code == 404


def test_plan_page_shows_the_day3_guidance_and_time_box(client, workshop, delegation_a, member_a):
    day3 = Session.objects.create(
        workshop=workshop, code="D3", kind=Session.Kind.ACTION_PLANNING, status="open",
        time_box_minutes=90, guidance_en="Turn your summaries into actions.",
        guidance_fr="Transformez vos synthèses en actions.",
    )  # fmt: skip
    client.force_login(member_a)
    response = client.get(plan_url("plan", delegation_a))
    assert "Transformez vos synthèses en actions." in response.text  # the delegation's language
    assert 'data-minutes="90"' in response.text
    started = client.post(
        reverse(
            "summaries:timer",
            kwargs={"workshop": "regional", "delegation": "senegal", "session": day3.code},
        ),
        headers={"accept": "application/json"},
    )
    assert started.status_code == 200 and started.json()["started_at"]


def test_a_final_plan_refuses_every_item_write_until_back_to_draft(client, delegation_a, member_a):
    item = services.plan_item_create(
        delegation=delegation_a, kind="action", data={"title": "A"}, user=member_a
    )
    services.plan_set_status(delegation=delegation_a, status="final", user=member_a)
    writes = [
        lambda: services.plan_item_update(
            item=item, data={"title": "B"}, base_version=1, user=member_a
        ),
        lambda: services.plan_item_remove(item=item, base_version=1, user=member_a),
        lambda: services.plan_item_create(
            delegation=delegation_a, kind="ta", data={"title": "T"}, user=member_a
        ),
        lambda: services.plan_prefill(delegation=delegation_a, user=member_a),
    ]
    for write in writes:
        with pytest.raises(services.WritingClosed, match="This plan is final"):
            write()
    client.force_login(member_a)
    response = client.post(
        plan_url("plan_item_save", delegation_a, kind="action", pk=item.pk),
        {"title": "B", "start_month": 1, "end_month": 24, "currency": "USD", "version": 1},
        headers={"accept": "application/json"},
    )
    assert (response.status_code, response.json()["closed"]) == (403, True)
    page = client.get(delegation_a.get_plan_url()).text
    assert "This plan is final. Put it back to draft to edit it." in page
    assert "Back to draft" in page and 'id="prefill"' not in page
    services.plan_set_status(delegation=delegation_a, status="draft", user=member_a)
    services.plan_item_update(item=item, data={"title": "B"}, base_version=1, user=member_a)
    assert ActionItem.objects.get().title == "B"


def test_the_plan_session_row_and_pdf_lead_to_the_plan(client, workshop, delegation_a, member_a):
    day3 = Session.objects.create(
        workshop=workshop, code="D3", title="Day 3", kind="action_planning", status="open"
    )
    client.force_login(member_a)
    page = client.get(delegation_a.get_absolute_url()).text
    plan_pdf = reverse(
        "summaries:document",
        kwargs={"workshop": workshop.slug, "delegation": delegation_a.slug, "kind": "action_plan"},
    )
    [row] = [row for row in page.split("<tr>") if "D3. Day 3" in row]
    assert delegation_a.get_plan_url() in row and plan_pdf in row
    summary_pdf = reverse(
        "summaries:summary_pdf",
        kwargs={"workshop": workshop.slug, "delegation": delegation_a.slug, "session": day3.code},
    )
    response = client.get(summary_pdf + "?lang=en")
    assert (response.status_code, response["Location"]) == (302, plan_pdf + "?lang=en")
    assert not day3.summaries.exists()  # a download writes no summary


def test_the_plan_page_names_its_session_day_and_guidance_languages(
    client, workshop, delegation_a, member_a
):
    Session.objects.create(
        workshop=workshop, code="D3", title="Country plans", day=3, kind="action_planning",
        status="open",
    )  # fmt: skip
    client.force_login(member_a)
    page = client.get(delegation_a.get_plan_url()).text
    heading = page[page.index('id="plan-session"') :][:400]
    assert "D3. Country plans" in heading and "Day 3" in heading
    assert "Guidance in:" in page
