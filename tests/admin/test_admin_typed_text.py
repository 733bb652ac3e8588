"""What facilitators type in the admin is cleaned at the door as delegations' text is
(``sessions.admin.TypedTextAdmin``): control characters removed, a line break in a
one-line box a space."""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from delegations.models import Delegation
from sessions.models import GuidanceQuestion, Session, Workshop

pytestmark = pytest.mark.django_db

TYPED = "Word\x0bbreak\x01 and\x1b esc"


@pytest.fixture
def request_of(facilitator):
    request = RequestFactory().get("/")
    request.user = facilitator
    return request


def form_fields(model, request_of):
    return admin.site._registry[model].get_form(request_of).base_fields


def test_a_question_text_keeps_its_line_break_and_loses_control_characters(request_of):
    fields = form_fields(GuidanceQuestion, request_of)
    assert fields["text_en"].clean(TYPED) == "Word\nbreak and esc"
    assert fields["help_text_fr"].clean("a\x00b") == "ab"


def test_one_line_fields_take_a_line_break_as_a_space(request_of):
    assert form_fields(Session, request_of)["title_en"].clean(TYPED) == "Word break and esc"
    assert form_fields(Workshop, request_of)["venue_fr"].clean("Dakar\r\nSénégal") == (
        "Dakar Sénégal"
    )
    assert form_fields(Delegation, request_of)["name"].clean("Côte\x0bd’Ivoire") == (
        "Côte d’Ivoire"
    )


def test_option_labels_on_the_question_page_are_cleaned(request_of):
    model_admin = admin.site._registry[GuidanceQuestion]
    [options] = [
        inline
        for inline in model_admin.get_inline_instances(request_of)
        if inline.model.__name__ == "QuestionOption"
    ]
    label = options.get_formset(request_of).form.base_fields["label_th"]
    assert label.clean("ผู้สูงอายุ\x0bในชุมชน\x1b") == "ผู้สูงอายุ ในชุมชน"


def test_slugs_keep_their_own_validation(request_of):
    slug = form_fields(Delegation, request_of)["slug"]
    with pytest.raises(ValidationError, match="slug"):
        slug.clean("not a slug")
