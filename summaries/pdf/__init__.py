"""A delegation's PDF documents: read with :func:`plan_document`, render with
:func:`render_action_plan` / :func:`render_ta_requests` (bytes in, bytes out)."""

from .documents import PlanDocument, plan_document
from .render import UnsafeResourceError, render_action_plan, render_ta_requests

__all__ = [
    "PlanDocument",
    "UnsafeResourceError",
    "plan_document",
    "render_action_plan",
    "render_ta_requests",
]
