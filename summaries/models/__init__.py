"""The models of ``summaries``: what delegations write (``units``) and what is made
from it (``documents``)."""

from .documents import Bundle, BundleChunk, BundlePart, RenderedDocument
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
    "PlanItem",
    "PlanItemQuerySet",
    "RenderedDocument",
    "Summary",
    "TARequest",
    "VersionedUnit",
]
