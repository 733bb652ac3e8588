"""The models of ``summaries``: what delegations write (``units``) and what is made
from it (``documents``), and the live documents several laptops edit at once
(``live``)."""

from .documents import Bundle, BundleChunk, BundlePart, RenderedDocument
from .live import LiveDocument, LiveUpdate
from .units import (
    PLAN_HORIZON_MONTHS,
    ActionItem,
    ActionPlan,
    Answer,
    PlanItem,
    PlanItemQuerySet,
    Summary,
    TARequest,
    VersionedUnit,
)

__all__ = [
    "PLAN_HORIZON_MONTHS",
    "ActionItem",
    "ActionPlan",
    "Answer",
    "Bundle",
    "BundleChunk",
    "BundlePart",
    "LiveDocument",
    "LiveUpdate",
    "PlanItem",
    "PlanItemQuerySet",
    "RenderedDocument",
    "Summary",
    "TARequest",
    "VersionedUnit",
]
