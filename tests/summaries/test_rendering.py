"""Bounded rendering: long unbroken words wrap, plans and documents have a size
limit, and a rendering that passes its time or memory limit is stopped in its child
process and reported, while the calling process carries on."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from common.pdf import break_long_words
from summaries import services
from summaries.models import ActionItem
from summaries.pdf.documents import plan_document
from summaries.pdf.render import DocumentRenderFailed, render_document

pytestmark = pytest.mark.django_db


def pages(content):
    return len(PdfReader(io.BytesIO(content)).pages)


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def add_actions(delegation, user, descriptions):
    for number, description in enumerate(descriptions, start=1):
        services.plan_item_create(
            delegation=delegation,
            kind="action",
            data={"title": f"Action {number}", "description": description},
            user=user,
        )


def test_break_long_words_cuts_a_long_run_every_16_characters():
    html = "<p>" + "x" * 66 + " short " + "y" * 63 + "</p>"
    assert break_long_words(html) == (
        "<p>" + "\u200b".join(["x" * 16] * 4 + ["xx"]) + " short " + "y" * 63 + "</p>"
    )


def test_break_long_words_leaves_markup_entities_and_thai_alone():
    html = (
        '<style>.a{font-family:"' + "f" * 80 + '"}</style>'
        '<a title="' + "t" * 70 + '">' + "&amp;" * 20 + "a" * 50 + "</a><p>" + "ก" * 70 + "</p>"
    )
    out = break_long_words(html)
    assert out.split("</style>")[0] == html.split("</style>")[0]
    assert out.count("\u200b") == 4  # entities count as one character and stay whole
    assert out.split("<a ")[1].split(">")[0] == 'title="' + "t" * 70 + '"'
    assert "&amp;" * 16 + "\u200b" + "&amp;" * 4 in out and "ก" * 70 in out


def test_long_unbroken_descriptions_take_no_more_pages_than_spaced_text(
    delegation_a, delegation_b, member_a, member_b
):
    """10 actions of 20,000 characters without a space: as many pages as the same
    text with spaces (WeasyPrint alone: 72 pages in 160 s here)."""
    add_actions(delegation_a, member_a, ["x" * 20_000] * 10)
    add_actions(delegation_b, member_b, [("x" * 15 + " ") * 1250] * 10)
    unbroken = render_document(plan_document(delegation=delegation_a), "action_plan")
    spaced = render_document(plan_document(delegation=delegation_b), "action_plan")
    assert pages(unbroken.content) <= pages(spaced.content)


def test_document_over_the_text_limit_is_a_one_page_notice(settings, delegation_b, member_b):
    settings.PDF_MAX_TEXT_LENGTH = 5_000
    add_actions(delegation_b, member_b, ["word " * 1200])
    output = render_document(plan_document(delegation=delegation_b), "action_plan")
    text = pdf_text(output.content)
    assert (output.filename, pages(output.content)) == ("regional_ghana_action_plan.pdf", 1)
    assert "This document is too long to print" in text
    assert "a document holds at most 5,000" in text


@pytest.mark.parametrize(
    ("setting", "value", "limit"),
    [("PDF_RENDER_SECONDS", 0.01, "time"), ("PDF_RENDER_MEMORY_MB", 64, "memory")],
)
def test_rendering_past_a_limit_is_stopped_and_the_process_carries_on(
    settings, senegal_plan, setting, value, limit
):
    doc = plan_document(delegation=senegal_plan)
    setattr(settings, setting, value)
    with pytest.raises(DocumentRenderFailed) as failure:
        render_document(doc, "action_plan")
    setattr(settings, setting, {"PDF_RENDER_SECONDS": 60, "PDF_RENDER_MEMORY_MB": 1024}[setting])
    assert failure.value.limit == limit
    assert render_document(doc, "action_plan").content.startswith(b"%PDF-")


def test_plan_refuses_an_item_past_the_limit(settings, delegation_b, member_b):
    settings.PLAN_MAX_ITEMS = 2
    add_actions(delegation_b, member_b, ["", ""])
    with pytest.raises(services.PlanItemLimitReached) as refusal:
        add_actions(delegation_b, member_b, [""])
    assert refusal.value.reason == (
        "A plan holds at most 2 actions: remove one before adding another."
    )
    assert ActionItem.objects.filter(delegation=delegation_b).count() == 2


def test_plan_page_says_why_an_item_was_refused(settings, client, delegation_b, member_b):
    settings.PLAN_MAX_ITEMS = 2
    add_actions(delegation_b, member_b, ["", ""])
    client.force_login(member_b)
    url = reverse(
        "summaries:plan_item_create",
        kwargs={"workshop": "regional", "delegation": "ghana", "kind": "action"},
    )
    response = client.post(
        url, {"title": "One more", "start_month": 1, "end_month": 2, "currency": "USD"}
    )
    assert response.status_code == 200
    assert "A plan holds at most 2 actions: remove one before adding another." in response.text
    assert ActionItem.objects.filter(delegation=delegation_b).count() == 2


def test_putting_back_a_removed_item_respects_the_limit(settings, delegation_b, member_b):
    settings.PLAN_MAX_ITEMS = 1
    add_actions(delegation_b, member_b, [""])
    removed = ActionItem.objects.get(delegation=delegation_b)
    services.plan_item_remove(item=removed, base_version=removed.version, user=member_b)
    add_actions(delegation_b, member_b, [""])
    with pytest.raises(services.PlanItemLimitReached):
        services.plan_item_put_back(item=removed, user=member_b)
