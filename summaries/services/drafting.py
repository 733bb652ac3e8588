"""Drafting the plan from the session summaries: one item per answer (or part of a
structured answer) to a question that feeds the plan, never twice.
"""

from django.db import transaction

from common import text as typed_text
from delegations.models import Delegation
from sessions import kinds
from sessions.i18n import localized
from sessions.models import GuidanceQuestion

from ..models import PLAN_HORIZON_MONTHS, Answer
from .plan import PLAN_ITEM_MODELS, ensure_plan_writable, plan_item_create, plan_item_save_version


def _draft_title(text, language, limit=120):
    """The first non-empty line of ``text``, bullets removed, cut at a word boundary
    of its ``language`` (ICU: Thai has no spaces to cut at) to ``limit`` characters."""
    first_line = next((line.strip(" -•*\t") for line in text.splitlines() if line.strip()), "")
    return typed_text.truncate_words(first_line, limit, language)


@transaction.atomic
def plan_prefill(*, delegation, user):
    """Draft actions and TA requests from the answers to questions that feed them.

    A free-text answer drafts one item linked to it. A milestones answer drafts one
    action per milestone (its milestone, target month and responsible); a chosen
    option that the facilitator mapped to an intervention area drafts one item in
    that area (``sessions.kinds`` reads the answers). Running it again creates
    nothing twice: an answer (or part of one) that already has an item is skipped,
    removed items included, except that an item the delegation never edited
    (``prefilled``) follows its answer's newer content. Returns ``(created,
    refreshed)`` counts.
    """
    ensure_plan_writable(delegation)
    # One prefill at a time per delegation: two clicks never draft an answer twice.
    Delegation.objects.select_for_update().only("pk").get(pk=delegation.pk)
    answers = (
        Answer.objects.filter(
            summary__delegation=delegation,
            question__feeds__in=[
                GuidanceQuestion.Feeds.ACTION_PLAN,
                GuidanceQuestion.Feeds.TA_REQUEST,
            ],
        )
        .exclude(text="", data={})
        .select_related("question", "summary__session")
        .prefetch_related("question__options__area")
        .order_by("summary__session__order", "question__order", "question__number")
    )
    created = refreshed = 0
    for answer in answers:
        for kind, key, fields in _drafts(answer, delegation):
            model = PLAN_ITEM_MODELS[kind]
            existing = (
                model.objects.select_for_update()
                .filter(delegation=delegation, source_answer=answer, source_key=key)
                .first()
            )
            if existing is None:
                plan_item_create(
                    delegation=delegation,
                    kind=kind,
                    data={
                        **fields,
                        "source_answer": answer,
                        "source_key": key,
                        "language": answer.language,
                        "prefilled": True,
                    },
                    user=user,
                )
                created += 1
            elif existing.prefilled and any(
                getattr(existing, name) != value for name, value in fields.items()
            ):
                # Locked above: a person's concurrent edit either came first (then the
                # item is no longer ``prefilled`` and stays as they wrote it) or waits.
                for name, value in fields.items():
                    setattr(existing, name, value)
                plan_item_save_version(existing)
                refreshed += 1
    return created, refreshed


def _drafts(answer, delegation):
    """``(kind, source_key, fields)`` of each item ``answer`` drafts."""
    question = answer.question
    kind = "ta" if question.feeds == GuidanceQuestion.Feeds.TA_REQUEST else "action"
    if question.kind == GuidanceQuestion.Kind.TEXT:
        if not answer.text:
            return []
        text = typed_text.clean_typed_text(answer.text)
        body_field = "need" if kind == "ta" else "description"
        return [(kind, "", {"title": _draft_title(text, answer.language), body_field: text})]
    if question.kind == GuidanceQuestion.Kind.MILESTONES:
        line = typed_text.clean_typed_line  # rows saved before one-line cleaning may hold breaks
        return [
            (
                "action",
                f"milestone:{row['key']}",
                {
                    "title": typed_text.truncate_words(
                        line(row["milestone"]), 120, answer.language
                    ),
                    "milestone": line(row["milestone"]),
                    "start_month": 1,
                    "end_month": row["month"] or PLAN_HORIZON_MONTHS,
                    "responsible": line(row["responsible"]),
                },
            )
            for row in kinds.milestone_rows(answer.data)
        ]
    if question.kind == GuidanceQuestion.Kind.CHOICE:
        language = answer.language or delegation.language
        body_field = "need" if kind == "ta" else "description"
        drafts = []
        for option, note in kinds.chosen_options(question, answer.data):
            if option.area_id is None:
                continue
            title = typed_text.clean_typed_line(localized(option, "label", language).text)
            drafts.append(
                (
                    kind,
                    f"option:{option.code}",
                    {
                        "title": typed_text.truncate_words(title, 120, language),
                        "intervention_area": option.area,
                        body_field: note,
                    },
                )
            )
        return drafts
    return []
