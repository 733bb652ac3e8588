"""Question kinds in the admin: the kind and its settings on the question's page,
options inline with their translations, the financing sources' list, and deletes that
would orphan delegations' answers refused."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from sessions.models import FinancingSource, GuidanceQuestion, QuestionOption
from sessions.services import session_duplicate
from tests.admin.test_delete_protection import inline_post
from tests.summaries.kinds.conftest import save

pytestmark = pytest.mark.django_db


def test_question_page_has_kind_settings_and_translated_options(
    facilitator_client, choice_question
):
    response = facilitator_client.get(
        reverse("admin:workshop_sessions_guidancequestion_change", args=[choice_question.pk])
    )
    assert response.status_code == 200
    for name in ("kind", "multiple", "allow_other", "option_note_label_th", "financing_unit"):
        assert f'name="{name}"' in response.text
    assert 'name="options-0-label_th"' in response.text
    assert 'value="สังคมสูงวัย"' in response.text


def test_option_chosen_by_a_delegation_cannot_be_deleted_inline(
    delegation_a, member_a, facilitator, choice_question
):
    save(delegation_a, choice_question, member_a, {"chosen": ["waste"]})
    waste = choice_question.options.get(code="waste")
    formset = inline_post(
        admin.site._registry[GuidanceQuestion],
        choice_question,
        facilitator,
        waste.pk,
        QuestionOption,
    )
    with translation.override("en"):
        assert not formset.is_valid()
    assert formset.non_form_errors() == [
        "“Waste management” was not deleted and its code was not changed: delegations' "
        "answers hold it (answers: 1). Change its label instead."
    ]


def test_option_nobody_chose_is_deleted_inline(
    delegation_a, member_a, facilitator, choice_question
):
    save(delegation_a, choice_question, member_a, {"chosen": ["waste"]})
    ageing = choice_question.options.get(code="ageing")
    formset = inline_post(
        admin.site._registry[GuidanceQuestion],
        choice_question,
        facilitator,
        ageing.pk,
        QuestionOption,
    )
    assert formset.is_valid()
    formset.save()
    assert list(choice_question.options.values_list("code", flat=True)) == ["waste", "footpaths"]


def all_options_deleted(question, user):
    """The question page's options inline, posted with every option ticked for deletion."""
    options = set(question.options.values_list("pk", flat=True))
    return inline_post(
        admin.site._registry[GuidanceQuestion], question, user, options, QuestionOption
    )


def test_a_choice_question_keeps_at_least_one_option(facilitator, choice_question):
    """Deleting every option of a choose-from-a-list question is refused: delegations
    would have nothing to choose (the workshop files refuse it too)."""
    formset = all_options_deleted(choice_question, facilitator)
    with translation.override("fr"):
        assert not formset.is_valid()
        assert formset.non_form_errors() == [
            "Une question « choisir dans une liste » a besoin d’au moins une option : les "
            "délégations n’auraient rien à choisir. Écrivez ses options dans le tableau "
            "ci-dessous, ou choisissez un autre type de réponse."
        ]
    assert choice_question.options.count() == 3
    # Another kind of answer: its options may all go.
    choice_question.kind = GuidanceQuestion.Kind.TEXT
    formset = all_options_deleted(choice_question, facilitator)
    assert formset.is_valid()


def test_the_session_page_cannot_make_a_question_a_choice_without_options(
    facilitator_client, session
):
    """On the session's page a question has no options table: it becomes a choice on
    its own page. Its line says so and nothing is saved."""
    question = session.questions.get(number=2)
    url = reverse("admin:workshop_sessions_session_change", args=[session.pk])
    page = facilitator_client.get(url)
    form = page.context["adminform"].form
    data = {name: value for name, value in _initial(form).items()}
    for formset in page.context["inline_admin_formsets"]:
        formset = formset.formset
        prefix = formset.prefix
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(len(formset.forms)),
                f"{prefix}-INITIAL_FORMS": str(formset.initial_form_count()),
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        for line in formset.forms:
            data.update({line.add_prefix(k): v for k, v in _initial(line).items()})
            if line.instance.pk == question.pk:
                data[line.add_prefix("kind")] = GuidanceQuestion.Kind.CHOICE
    with translation.override("en"):
        response = facilitator_client.post(url, data)
    assert response.status_code == 200  # the page again, with the error
    assert "Its options are written on the question&#x27;s own page" in response.text
    question.refresh_from_db()
    assert question.kind == GuidanceQuestion.Kind.TEXT


def _initial(form):
    values = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                values[name] = "on"
            continue
        if hasattr(value, "isoformat") and hasattr(value, "hour"):
            values[f"{name}_0"] = value.strftime("%Y-%m-%d")
            values[f"{name}_1"] = value.strftime("%H:%M:%S")
            continue
        values[name] = getattr(value, "pk", value)
    return values


def test_financing_source_used_in_an_answer_cannot_be_deleted(
    facilitator_client, delegation_a, member_a, financing_question
):
    save(delegation_a, financing_question, member_a, {"today__donors": "100"})
    donors = FinancingSource.objects.get(code="donors")
    response = facilitator_client.post(
        reverse("admin:workshop_sessions_financingsource_delete", args=[donors.pk]),
        {"post": "yes"},
    )
    assert response.status_code == 403
    assert FinancingSource.objects.filter(code="donors").exists()


def test_financing_source_nobody_used_can_be_deleted(facilitator_client):
    other = FinancingSource.objects.get(code="other")
    facilitator_client.post(
        reverse("admin:workshop_sessions_financingsource_delete", args=[other.pk]),
        {"post": "yes"},
    )
    assert not FinancingSource.objects.filter(code="other").exists()


def test_financing_sources_are_seeded_in_four_languages(db):
    assert list(
        FinancingSource.objects.values_list("code", "name_fr", "name_th").order_by("order")[:2]
    ) == [
        ("domestic_budget", "Budget public national", "งบประมาณภาครัฐในประเทศ"),
        ("donors", "Bailleurs de fonds", "แหล่งทุนจากผู้ให้ทุน"),
    ]


def test_duplicated_session_keeps_kinds_and_options(choice_question, workshop):
    copy = session_duplicate(session=choice_question.session, workshop=workshop, code="V2")
    question = copy.questions.get(number=1)
    assert (question.kind, question.option_note_label_fr) == ("choice", "Pourquoi c’est urgent")
    assert list(question.options.values_list("code", "label_th", "area__code")) == [
        ("ageing", "สังคมสูงวัย", None),
        ("waste", "การจัดการขยะ", "community-led"),
        ("footpaths", "ฟุตบาททางเท้า", None),
    ]


def test_facilitator_sets_a_kind_and_adds_a_translated_option(facilitator_client, session):
    question = session.questions.get(number=3)
    change_url = reverse("admin:workshop_sessions_guidancequestion_change", args=[question.pk])
    form = facilitator_client.get(change_url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "session": session.pk,
            "kind": "choice",
            "multiple": "",
            "allow_other": "on",
            "option_note_label_en": "Why it is urgent",
            "option_note_label_th": "เหตุใดจึงเร่งด่วน",
            "financing_columns": "today",
            "financing_unit": "percent",
            "options-TOTAL_FORMS": "1",
            "options-INITIAL_FORMS": "0",
            "options-MIN_NUM_FORMS": "0",
            "options-MAX_NUM_FORMS": "1000",
            "options-0-order": "1",
            "options-0-code": "ageing",
            "options-0-label_en": "Ageing society",
            "options-0-label_th": "สังคมสูงวัย",
            "options-0-area": "",
        }
    )
    response = facilitator_client.post(change_url, data)
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.kind, question.multiple, question.allow_other) == ("choice", False, True)
    assert list(question.options.values_list("code", "label_th")) == [("ageing", "สังคมสูงวัย")]
