import copy
import datetime as dt
import io

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from delegations.demo import DEMO_DIR
from delegations.models import Delegation, Membership
from delegations.workshop_files import (
    WorkshopFileError,
    workshop_export,
    workshop_file_render,
    workshop_import,
)
from sessions.i18n import localized
from sessions.models import GuidanceQuestion, InterventionArea, Session, Workshop

from .conftest import REGIONAL_FILE, row_counts

QUESTION_1_FR = (
    "Est-ce que le système de santé communautaire est intégré dans votre système de soins de "
    "santé primaire / district sanitaire? Si non, comment faire de sorte que le renforcement du "
    "system de sante communautaire soit pleinement intégré dans les politiques de renforcement "
    "du système de santé?"
)
QUESTION_1_EN = (
    "Is community system strengthening embedded in your primary health care / district system "
    "strengthening systems? If not, what can be done to add community health systems more "
    "directly to your health systems strengthening efforts?"
)


def export_text(slug, fmt="yaml"):
    workshop = Workshop.objects.get(slug=slug)
    return workshop_file_render(data=workshop_export(workshop=workshop), fmt=fmt)


def empty_database():
    Workshop.objects.all().delete()
    InterventionArea.objects.all().delete()
    get_user_model().objects.all().delete()


def write(tmp_path, data, name="workshop.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_export_import_into_empty_database_export_is_byte_identical(regional_workshop):
    first = export_text("regional-workshop")
    empty_database()

    workshop_import(data=yaml.safe_load(first))

    assert export_text("regional-workshop") == first


@pytest.mark.parametrize("name", ["regional-workshop", "hpg-consultation", "community-forum"])
def test_demo_file_is_what_export_writes(db, name):
    text = (DEMO_DIR / f"{name}.yaml").read_text(encoding="utf-8")

    workshop_import(data=yaml.safe_load(text))

    assert export_text(name) == text


def test_export_import_commands_json_round_trip_is_byte_identical(regional_workshop, tmp_path):
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    call_command("export_workshop", "regional-workshop", str(first))
    empty_database()

    call_command("import_workshop", str(first))
    call_command("export_workshop", "regional-workshop", str(second))

    assert second.read_bytes() == first.read_bytes()


def test_export_workshop_dash_writes_yaml_to_stdout(regional_workshop, regional_text, capsys):
    call_command("export_workshop", "regional-workshop", "-")

    assert capsys.readouterr().out == regional_text


def test_export_workshop_unknown_slug_raises_command_error(db):
    with pytest.raises(CommandError, match="^No workshop with the slug 'nowhere'.$"):
        call_command("export_workshop", "nowhere", "-")


def test_import_workshop_dash_reads_standard_input(db, regional_text, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(regional_text))

    call_command("import_workshop", "-", stdout=io.StringIO())

    assert export_text("regional-workshop") == regional_text


def test_import_workshop_dry_run_reports_and_writes_nothing(db):
    out = io.StringIO()

    call_command("import_workshop", str(REGIONAL_FILE), "--dry-run", stdout=out)

    assert out.getvalue().splitlines()[:3] == [
        f"Checked (nothing written) workshop 'regional-workshop' from {REGIONAL_FILE}:",
        "  intervention areas: 5 created, 0 updated, 0 unchanged",
        "  workshops: 1 created, 0 updated, 0 unchanged",
    ]
    assert set(row_counts().values()) == {0}


def test_import_twice_duplicates_nothing(regional_workshop, regional_data):
    before = row_counts()

    result = workshop_import(data=regional_data)

    assert row_counts() == before
    assert (sum(result.created.values()), sum(result.updated.values())) == (0, 0)


def test_import_counts_match_the_file(regional_workshop):
    assert row_counts() == {
        "Workshop": 1,
        "Session": 2,
        "GuidanceQuestion": 5,
        "InterventionArea": 5,
        "Delegation": 6,
        "Membership": 6,
        "User": 6,
    }


def test_import_updates_rows_by_natural_key(regional_workshop, regional_data):
    data = copy.deepcopy(regional_data)
    data["sessions"][0]["questions"][0]["text"]["fr"] = "Question révisée ?"
    data["delegations"][0]["language"] = "en"
    before = row_counts()

    result = workshop_import(data=data)

    question = GuidanceQuestion.objects.get(session__code="V", number=1)
    assert (question.text_fr, question.text_en) == ("Question révisée ?", QUESTION_1_EN)
    assert Delegation.objects.get(slug="cote-divoire").language == "en"
    assert (result.updated["questions"], result.updated["delegations"]) == (1, 1)
    assert row_counts() == before


def test_import_updates_a_member_role(regional_workshop, regional_data):
    data = copy.deepcopy(regional_data)
    data["delegations"][5]["members"][0]["role"] = "member"

    result = workshop_import(data=data)

    membership = Membership.objects.get(user__username="rapporteur-senegal")
    assert (membership.role, result.updated["memberships"]) == ("member", 1)


def test_import_clears_a_translation_left_out_of_the_file(regional_workshop, regional_data):
    data = copy.deepcopy(regional_data)
    del data["workshop"]["venue"]["fr"]

    workshop_import(data=data)

    assert Workshop.objects.get(slug="regional-workshop").venue_fr is None


def test_import_creates_missing_members_with_unusable_password(regional_workshop):
    user = get_user_model().objects.get(username="rapporteur-senegal")

    assert user.has_usable_password() is False


def test_import_keeps_the_password_of_an_existing_member(db, regional_data):
    get_user_model().objects.create_user("rapporteur-ghana", password="own-secret-1")

    workshop_import(data=regional_data)

    assert get_user_model().objects.get(username="rapporteur-ghana").check_password("own-secret-1")


def test_import_reads_a_deadline_without_offset_in_the_workshop_time_zone(db, regional_data):
    data = copy.deepcopy(regional_data)
    data["workshop"]["time_zone"] = "Asia/Bangkok"
    data["sessions"][0]["deadline"] = "2026-11-24T17:00:00"

    workshop_import(data=data)

    session = Session.objects.get(code="V")
    assert session.deadline == dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)
    exported = yaml.safe_load(export_text("regional-workshop"))
    assert exported["sessions"][0]["deadline"] == "2026-11-24T17:00:00+07:00"


def test_translation_override_fr_gives_demo_question_1_word_for_word(regional_workshop):
    question = GuidanceQuestion.objects.get(session__workshop=regional_workshop, number=1)

    with translation.override("fr"):
        assert question.text == QUESTION_1_FR


def test_localized_question_without_vietnamese_falls_back_to_english(regional_workshop):
    question = GuidanceQuestion.objects.get(session__workshop=regional_workshop, number=1)

    text = localized(question, "text", "vi")

    assert (text.text, text.language, text.is_fallback) == (QUESTION_1_EN, "en", True)


def test_import_yaml_syntax_error_names_the_line_and_writes_nothing(regional_workshop, tmp_path):
    path = tmp_path / "broken.yaml"
    lines = REGIONAL_FILE.read_text(encoding="utf-8").splitlines()
    lines[1] = "workshop: [unclosed"  # line 2
    path.write_text("\n".join(lines), encoding="utf-8")
    before = row_counts()

    with pytest.raises(CommandError) as excinfo:
        call_command("import_workshop", str(path))

    assert str(excinfo.value).splitlines()[1].startswith("line 3, column 7: ")
    assert row_counts() == before


def test_import_duplicate_yaml_key_names_the_line(db, tmp_path):
    path = tmp_path / "twice.yaml"
    path.write_text("workshop:\n  slug: a\n  slug: b\n", encoding="utf-8")

    with pytest.raises(CommandError) as excinfo:
        call_command("import_workshop", str(path))

    assert str(excinfo.value) == (
        f"{path} was not imported:\nline 3, column 3: duplicate key 'slug'"
    )


def test_import_json_syntax_error_names_the_line(db, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "format": 1,\n  "workshop" {}\n}\n', encoding="utf-8")

    with pytest.raises(CommandError) as excinfo:
        call_command("import_workshop", str(path))

    assert str(excinfo.value) == (
        f"{path} was not imported:\nline 3, column 14: Expecting ':' delimiter"
    )


def _drop_question_number(data):
    del data["sessions"][0]["questions"][2]["number"]


def _add_unknown_language(data):
    data["workshop"]["title"]["xx"] = "Title"


def _add_unknown_key(data):
    data["delegations"][1]["colour"] = "blue"


def _set_wrong_type(data):
    data["sessions"][1]["day"] = "three"


def _set_unknown_choice(data):
    data["sessions"][0]["questions"][4]["feeds"] = "budget"


def _repeat_session_code(data):
    data["sessions"][1]["code"] = "V"


def _set_unknown_workshop_language(data):
    data["workshop"]["languages"] = ["en", "de"]


def _drop_title_texts(data):
    data["sessions"][1]["title"] = {}


def _set_lowercase_country_code(data):
    # Only full_clean() sees this one, after the rest of the file was accepted.
    data["workshop"]["title"]["en"] = "Renamed workshop"
    data["delegations"][5]["country_code"] = "sn"


def _set_day_out_of_range(data):
    data["sessions"][0]["day"] = 31


def _set_unknown_time_zone(data):
    data["workshop"]["time_zone"] = "Mars/Olympus"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_drop_question_number, "sessions[0].questions[2].number: required"),
        (_add_unknown_language, "workshop.title.xx: unknown language 'xx' (use en, fr, vi, th)"),
        (_add_unknown_key, "delegations[1].colour: unknown key"),
        (_set_wrong_type, "sessions[1].day: expected an integer, got text"),
        (
            _set_unknown_choice,
            "sessions[0].questions[4].feeds: 'budget' is not one of nothing, action_plan, "
            "ta_request",
        ),
        (_repeat_session_code, "sessions[1].code: 'V' is already used by sessions[0]"),
        (
            _set_unknown_workshop_language,
            "workshop.languages[1]: unknown language 'de' (use en, fr, vi, th)",
        ),
        (_drop_title_texts, "sessions[1].title: required in at least one language"),
        (
            _set_lowercase_country_code,
            "delegations[5].country_code: Two capital letters (ISO 3166-1).",
        ),
        (
            _set_day_out_of_range,
            "sessions[0].day: Ensure this value is less than or equal to 30.",
        ),
        (_set_unknown_time_zone, "workshop.time_zone: Unknown time zone."),
    ],
)
def test_import_malformed_file_names_the_key_path_and_writes_nothing(
    regional_workshop, regional_data, tmp_path, change, message
):
    data = copy.deepcopy(regional_data)
    change(data)
    path = write(tmp_path, data)
    before = row_counts()

    with pytest.raises(CommandError) as excinfo:
        call_command("import_workshop", str(path))

    assert str(excinfo.value) == f"{path} was not imported:\n{message}"
    assert row_counts() == before
    assert Workshop.objects.get().title_en == "Regional workshop on community health systems"


def test_import_malformed_new_workshop_creates_nothing(db, regional_data, tmp_path):
    data = copy.deepcopy(regional_data)
    data["delegations"][5]["country_code"] = "sn"
    path = write(tmp_path, data)

    with pytest.raises(CommandError):
        call_command("import_workshop", str(path))

    assert set(row_counts().values()) == {0}


def test_import_lists_every_problem_at_once(db, regional_data):
    data = copy.deepcopy(regional_data)
    del data["workshop"]["slug"]
    data["sessions"][0]["status"] = "opened"

    with pytest.raises(WorkshopFileError) as excinfo:
        workshop_import(data=data)

    assert excinfo.value.errors == [
        "workshop.slug: required",
        "sessions[0].status: 'opened' is not one of draft, open, closed",
    ]
