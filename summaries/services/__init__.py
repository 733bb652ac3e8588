"""Writing what delegations write. Every write asks the rule of
``delegations.permissions`` that governs it (session writable, summary not submitted,
plan editable) under its row lock and, for edits, checks that the writer saw the
latest version (optimistic concurrency) through the one versioned write
(:func:`.versioned.versioned_write`).

Callers are views that have already checked, through ``delegations.permissions``, that
the user is a member of the delegation. Every accepted write creates a history record
(django-simple-history), so no version is ever lost. One module per unit: answers and
details (``answers``), plan items (``plan``), drafting the plan (``drafting``).
"""

from .answers import (
    DETAILS_FIELDS,
    AnswerInput,
    answer_long_fields,
    answer_restore,
    answer_save,
    summary_details_restore,
    summary_details_save,
    summary_get_or_create,
    summary_reopen,
    summary_submit,
    summary_timer_start,
)
from .drafting import plan_prefill
from .plan import (
    PLAN_ITEM_MODELS,
    PlanItemLimitReached,
    long_fields,
    plan_get_or_create,
    plan_item_create,
    plan_item_move,
    plan_item_put_back,
    plan_item_remove,
    plan_item_restore,
    plan_item_update,
    plan_set_status,
)
from .versioned import InvalidValues, StaleEdit, UnitFields, WritingClosed, versioned_write

__all__ = [
    "DETAILS_FIELDS",
    "PLAN_ITEM_MODELS",
    "AnswerInput",
    "InvalidValues",
    "PlanItemLimitReached",
    "StaleEdit",
    "UnitFields",
    "WritingClosed",
    "answer_long_fields",
    "answer_restore",
    "answer_save",
    "long_fields",
    "plan_get_or_create",
    "plan_item_create",
    "plan_item_move",
    "plan_item_put_back",
    "plan_item_remove",
    "plan_item_restore",
    "plan_item_update",
    "plan_prefill",
    "plan_set_status",
    "summary_details_restore",
    "summary_details_save",
    "summary_get_or_create",
    "summary_reopen",
    "summary_submit",
    "summary_timer_start",
    "versioned_write",
]
