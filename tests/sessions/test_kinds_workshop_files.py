"""Question kinds in workshop files: kinds, their settings and options (translated,
with area codes) round-trip, and a wrong file is refused by key path, nothing written."""

import copy

import pytest
import yaml
from django.contrib.auth import get_user_model

from delegations.workshop_files import (
    WorkshopFileError,
    workshop_export,
    workshop_file_render,
    workshop_import,
)
from sessions.models import FinancingSource, InterventionArea, QuestionOption, Workshop

pytestmark = pytest.mark.django_db


def export_text(slug):
    workshop = Workshop.objects.get(slug=slug)
    return workshop_file_render(data=workshop_export(workshop=workshop), fmt="yaml")


def empty_database():
    Workshop.objects.all().delete()
    InterventionArea.objects.all().delete()
    FinancingSource.objects.all().delete()
    get_user_model().objects.all().delete()


@pytest.fixture
def kinds_file(choice_question, financing_question, milestones_question):
    FinancingSource.objects.filter(code="donors").update(name_vi="Các nhà tài trợ")
    return export_text(choice_question.session.workshop.slug)


def test_kinds_round_trip_through_an_empty_database(kinds_file):
    empty_database()
    workshop_import(data=yaml.safe_load(kinds_file))
    assert export_text("regional") == kinds_file


def test_kinds_file_holds_options_with_translations_and_area(kinds_file):
    question = yaml.safe_load(kinds_file)["sessions"][0]["questions"][0]
    assert (question["kind"], question["option_note_label"]["fr"]) == (
        "choice",
        "Pourquoi c’est urgent",
    )
    assert question["options"][1] == {
        "code": "waste",
        "order": 2,
        "label": {"en": "Waste management", "fr": "Gestion des déchets", "th": "การจัดการขยะ"},
        "area": "community-led",
    }


def test_import_restores_options_and_sources(kinds_file):
    empty_database()
    workshop_import(data=yaml.safe_load(kinds_file))
    waste = QuestionOption.objects.get(code="waste")
    assert (waste.label_th, waste.area.code, waste.question.kind) == (
        "การจัดการขยะ",
        "community-led",
        "choice",
    )
    assert FinancingSource.objects.get(code="donors").name_vi == "Các nhà tài trợ"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda q: q[0].update(kind="both"),
            "sessions[0].questions[0].kind: 'both' is not one of text, choice, financing, "
            "milestones",
        ),
        (
            lambda q: q[0].update(options=[]),
            "sessions[0].questions[0].options: a choose-from-a-list question needs options",
        ),
        (
            lambda q: q[1].update(options=[{"code": "x", "label": {"en": "X"}}]),
            "sessions[0].questions[1].options: only a question of kind 'choice' has options",
        ),
        (
            lambda q: q[0]["options"][0].update(area="nowhere"),
            "sessions[0].questions[0].options[0].area: 'nowhere' is not an intervention area "
            "of the file or of the portal",
        ),
        (
            lambda q: q[0]["options"][1].update(code="ageing"),
            "sessions[0].questions[0].options[1].code: 'ageing' is already used by "
            "sessions[0].questions[0].options[0]",
        ),
        (
            lambda q: q[0].update(multiple="yes"),
            "sessions[0].questions[0].multiple: expected true or false, got text",
        ),
        (
            lambda q: q[1].update(financing_unit="euros"),
            "sessions[0].questions[1].financing_unit: 'euros' is not one of percent, amount",
        ),
    ],
)
def test_wrong_kind_in_a_file_is_refused_by_key_path_and_nothing_written(
    kinds_file, change, message
):
    data = yaml.safe_load(kinds_file)
    data = copy.deepcopy(data)
    data["workshop"]["slug"] = "another"
    change(data["sessions"][0]["questions"])
    with pytest.raises(WorkshopFileError) as refused:
        workshop_import(data=data)
    assert refused.value.errors == [message]
    assert not Workshop.objects.filter(slug="another").exists()
