"""Hostile workshop files: refused with the line or key path in the message, before
anything is written, whatever the parser."""

import copy
import json
import sys

import pytest
import yaml
from django.contrib.auth.models import User

from delegations.models import Delegation
from delegations.workshop_files import (
    WorkshopFileError,
    workshop_file_parse,
    workshop_file_validate,
    workshop_import,
)
from delegations.workshop_files.text import MAX_TEXT_CHARS
from sessions.models import Workshop
from tests.delegations.conftest import REGIONAL_FILE, row_counts

ALIAS_BOMB = "\n".join(
    ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    + [
        f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]"
        for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
    ]
)


@pytest.fixture
def regional_data():
    return yaml.safe_load(REGIONAL_FILE.read_text(encoding="utf-8"))


def refusal(**kwargs):
    with pytest.raises(WorkshopFileError) as caught:
        data = workshop_file_parse(**kwargs)
        workshop_import(data=data)
    return caught.value.errors


def import_refusal(data):
    with pytest.raises(WorkshopFileError) as caught:
        workshop_import(data=data)
    return caught.value.errors


def test_alias_bomb_is_refused_at_its_first_alias(db):
    assert (len(ALIAS_BOMB) < 500, refusal(text=ALIAS_BOMB)) == (
        True,
        ["line 2, column 8: aliases (*name) are not allowed"],
    )


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_deep_nesting_is_refused(db, fmt):
    text = "[" * 5000 + "]" * 5000
    errors = refusal(text=text, fmt=fmt)
    assert (len(errors), "nested more than 20 levels deep" in errors[0]) == (1, True)


def test_oversized_file_is_refused_before_parsing(db):
    errors = refusal(text="#" * (MAX_TEXT_CHARS + 1))
    assert errors == [
        f"the file has {MAX_TEXT_CHARS + 1} characters; at most {MAX_TEXT_CHARS} are accepted"
    ]


def test_unhashable_key_is_refused_with_its_line(db):
    assert refusal(text="workshop:\n  ? [a, b]\n  : 1\n") == [
        "line 2, column 5: a key must be text"
    ]


def test_impossible_date_is_refused_by_key_path(db, regional_data):
    # Unquoted, as people type it: YAML reads it as a date, which does not exist.
    text = REGIONAL_FILE.read_text(encoding="utf-8").replace(
        "start_date: '2026-11-23'", "start_date: 2027-02-30"
    )
    assert "start_date: 2027-02-30" in text
    before = row_counts()
    errors = refusal(text=text)
    assert (errors, row_counts()) == (
        ["workshop.start_date: expected a date such as 2026-11-23, got '2027-02-30'"],
        before,
    )


def test_lone_surrogate_is_refused_by_key_path(db, regional_data):
    regional_data["sessions"][0]["title"]["en"] = "Budget \ud800"
    text = json.dumps(regional_data, default=str)
    assert refusal(text=text, fmt="json") == [
        "sessions[0].title.en: contains a character that is not valid text"
    ]


def test_key_that_is_not_text_is_refused_by_key_path(db, regional_data):
    regional_data["workshop"][3] = "three"
    assert import_refusal(regional_data) == ["workshop.3: a key must be text"]


def test_control_characters_are_cleaned_from_every_text(regional_data):
    regional_data["sessions"][0]["title"]["en"] = "Mobilizing\x00 re\x07sources\x0bnow"
    content = workshop_file_validate(copy.deepcopy(regional_data))
    assert content["sessions"][0]["title"]["en"] == "Mobilizing resources\nnow"


def test_a_one_line_field_imports_its_line_breaks_as_spaces(db, regional_data):
    regional_data["workshop"]["title"]["en"] = "Regional\x0bworkshop\r\non health "
    regional_data["workshop"]["description"]["en"] = "First\x0bsecond"
    workshop_import(data=copy.deepcopy(regional_data))
    workshop = Workshop.objects.get(slug=regional_data["workshop"]["slug"])
    # A title's box shows no line break; a description's does.
    assert (workshop.title_en, workshop.description_en) == (
        "Regional workshop on health",
        "First\nsecond",
    )


def test_a_title_of_control_characters_only_is_refused(db, regional_data):
    regional_data["workshop"]["title"] = {"en": "\x01\x02\x0b", "fr": " \x1b"}
    assert import_refusal(regional_data) == ["workshop.title: required in at least one language"]


def test_delegation_language_outside_the_workshop_is_refused(db, regional_data):
    regional_data["delegations"][0]["language"] = "th"
    before = row_counts()
    assert (import_refusal(regional_data), row_counts()) == (
        ["delegations[0].language: 'th' is not one of the workshop's languages (en, fr)"],
        before,
    )


def test_dropping_a_language_a_delegation_writes_in_is_refused(db, regional_data):
    workshop_import(data=copy.deepcopy(regional_data))
    regional_data["workshop"]["languages"] = ["en"]
    regional_data["workshop"]["default_language"] = "en"
    regional_data["delegations"] = [
        entry for entry in regional_data["delegations"] if entry["language"] == "en"
    ]
    french = sorted(Delegation.objects.filter(language="fr").values_list("slug", flat=True))
    errors = import_refusal(regional_data)
    assert errors == [
        f"workshop.languages: delegation {slug!r} writes in 'fr', which would no longer be "
        "a language of the workshop"
        for slug in french
    ]


def test_a_byte_order_mark_and_raw_control_characters_are_read_then_cleaned(db):
    yaml_text = "\ufeff" + REGIONAL_FILE.read_text(encoding="utf-8")
    title = "Regional workshop on community health systems"
    dirty = yaml_text.replace(title, "Regional\x0bworkshop\x01 on community\x1b health systems", 1)
    assert dirty != yaml_text
    data = workshop_file_parse(text=dirty)
    assert data["workshop"]["title"]["en"] == "Regional workshop on community health systems"
    as_json = json.dumps(yaml.safe_load(yaml_text.removeprefix("\ufeff")), ensure_ascii=False)
    as_json = "\ufeff" + as_json.replace(
        title, "Regional\x0bworkshop\x01 on community\x1b health systems", 1
    )
    data = workshop_file_parse(text=as_json, fmt="json")
    workshop_import(data=data)
    workshop = Workshop.objects.get(slug=data["workshop"]["slug"])
    assert workshop.title_en == "Regional workshop on community health systems"


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_a_number_of_thousands_of_digits_is_refused_in_plain_words(db, fmt):
    text = '{"format": 1, "workshop": {"start_date": ' + "9" * 5000 + "}}"
    assert refusal(text=text, fmt=fmt) == [
        f"a number has more than {sys.get_int_max_str_digits()} digits"
    ]


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_a_staff_account_as_member_is_refused(db, regional_data, flag):
    User.objects.create_user("facilitator", password="secret-pass-1", **{flag: True})
    regional_data["delegations"][2]["members"].append({"username": "facilitator", "role": "member"})
    before = row_counts()
    assert (import_refusal(regional_data), row_counts()) == (
        [
            "delegations[2].members[1].username: “facilitator” is a staff account "
            "(facilitator, organiser or administrator); a staff account cannot be a member "
            "of a delegation"
        ],
        before,
    )
