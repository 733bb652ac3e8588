"""Delegation pages. ``summary``: session summaries; ``plan``: the Day 3 plan;
``documents``: PDF downloads and the organisers' bundle."""

from .documents import bundle_download, bundle_start, bundle_status, document_download
from .plan import (
    plan_item_create,
    plan_item_delete,
    plan_item_history,
    plan_item_move,
    plan_item_save,
    plan_page,
    plan_prefill,
    plan_status,
)
from .summary import (
    answer_history,
    answer_restore,
    answer_save,
    delegation_page,
    details_save,
    session_entry,
    summary_page,
    summary_reopen,
    summary_submit,
    timer_start,
)

__all__ = [
    "bundle_download",
    "bundle_start",
    "bundle_status",
    "document_download",
    "answer_history",
    "answer_restore",
    "answer_save",
    "delegation_page",
    "details_save",
    "plan_item_create",
    "plan_item_delete",
    "plan_item_history",
    "plan_item_move",
    "plan_item_save",
    "plan_page",
    "plan_prefill",
    "plan_status",
    "session_entry",
    "summary_page",
    "summary_reopen",
    "summary_submit",
    "timer_start",
]
