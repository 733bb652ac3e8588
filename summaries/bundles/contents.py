"""What a workshop's bundle holds: each delegation's documents and the compendiums
(:func:`bundle_contents`), and the spreadsheets of the exports page."""

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q

from delegations import permissions
from sessions.models import GuidanceQuestion, Session

from ..exporters import workshop_exporters
from ..models import ActionItem, RenderedDocument, TARequest
from ..pdf.cache import KINDS


@dataclass(frozen=True)
class BundleContents:
    """What a workshop's bundle holds for each delegation, and its compendiums."""

    kinds: tuple  # plan documents (``RenderedDocument.Kind``) of every delegation
    sessions: tuple  # sessions whose summary every delegation's part holds

    def documents(self, workshop):
        """The stored documents of the bundle, in the delegations' own language, in
        order (delegation, then plan documents before summaries in session order)."""
        summaries = Q(kind=RenderedDocument.Kind.SUMMARY, session__in=self.sessions)
        return (
            RenderedDocument.objects.filter(
                Q(kind__in=self.kinds, session__isnull=True) | summaries,
                delegation__workshop=workshop,
                language=F("delegation__language"),
            )
            .order_by("delegation__name", "delegation_id", "session__order", "session__day", "kind")
            .values_list("delegation_id", "kind", "session__code", "filename", "pk")
        )


def bundle_contents(workshop):
    """Each delegation's action plan and TA requests, with a compendium of the plans
    and one of the TA requests for partners, when the workshop has an
    action-planning session (Day 3) or any plan item; and, when it has no Day 3 (a
    consultation, a questionnaire), each delegation's summary of every session members
    can see that has questions, with a compendium of those summaries."""
    day3 = permissions.action_planning_session(workshop.pk)
    has_plans = day3 is not None or any(
        model.objects.live().filter(delegation__workshop=workshop).exists()
        for model in (ActionItem, TARequest)
    )
    sessions = ()
    if day3 is None:
        sessions = (
            Session.objects.filter(workshop=workshop)
            .exclude(status=Session.Status.DRAFT)
            .filter(Exists(GuidanceQuestion.objects.filter(session=OuterRef("pk"))))
            .order_by("order", "day", "code")
        )
    return BundleContents(kinds=tuple(KINDS) if has_plans else (), sessions=tuple(sessions))


def workshop_spreadsheets(workshop, *, base_url=""):
    """The exports page's spreadsheets (``exporters.workshop_exporters``), as CSV and
    XLSX, for the bundle. Links back are ``base_url`` + the page."""
    return [
        file
        for exporter in workshop_exporters(workshop, base_url=base_url)
        for file in exporter.archive_files()
    ]
