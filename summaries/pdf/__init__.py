"""A delegation's PDF documents: read with :func:`plan_document`, render with
:func:`render_document` (frozen data in, a ``RenderedFile`` out), served through the
fingerprint cache of :mod:`summaries.pdf.cache`. The engine that turns HTML into PDF
is ``common.pdf``."""

from common.pdf import RenderedFile, UnsafeResourceError

from .documents import PlanDocument, plan_document
from .render import render_action_plan, render_document, render_ta_requests

__all__ = [
    "PlanDocument",
    "RenderedFile",
    "UnsafeResourceError",
    "plan_document",
    "render_action_plan",
    "render_document",
    "render_ta_requests",
]
