"""The tables behind the exports of the Day 3 plans, for partners who offer technical
assistance: every action and TA request, the counts per intervention area and kind,
the cost totals per area and currency, and their workbooks. Callers have checked
access with ``delegations.permissions.workshop_for_organiser``."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sessions.i18n import content_language_name, localized
from sessions.models import InterventionArea

from ..exports import BarChart, ExportTable, ExportWorkbook
from ..models import ActionItem, TARequest


def field_label(model, name):
    """A model field's verbose name, capitalised: a column's header."""
    return str(capfirst(model._meta.get_field(name).verbose_name))


def _cell(item, name):
    """A field of a plan item as a partner reads it in a spreadsheet: the choice's
    label, the linked action's title, numbers as numbers."""
    field = item._meta.get_field(name)
    if field.choices:
        return getattr(item, f"get_{name}_display")()
    if field.is_relation:
        related = getattr(item, name)
        return str(related) if related is not None else ""
    return getattr(item, name)


def _item_table(*, workshop, link, model, title, related=()):
    """Rows of ``model`` (actions or TA requests) of ``workshop``: who, the item's
    ``EDITABLE_FIELDS`` (the intervention area first), where it came from. Texts in
    the active language."""
    language = get_language()
    fallbacks = (workshop.default_language,)
    fields = [name for name in model.EDITABLE_FIELDS if name != "intervention_area"]
    items = (
        model.objects.live()
        .filter(delegation__workshop=workshop)
        .select_related(
            "delegation__workshop",
            "intervention_area",
            "source_answer__question__session",
            *related,
        )
        .order_by("delegation__name", "delegation__pk", "order", "pk")
    )
    headers = (
        _("Delegation"),
        _("Delegation kind"),
        _("Delegation language"),
        field_label(model, "intervention_area"),
        *(field_label(model, name) for name in fields),
        _("Source session"),
        _("Source question"),
        _("Link"),
    )
    rows = []
    for item in items:
        delegation = item.delegation
        area = item.intervention_area
        question = item.source_answer.question if item.source_answer else None
        rows.append(
            (
                delegation.name,
                delegation.get_kind_display(),
                content_language_name(delegation.language),
                localized(area, "name", language, fallbacks).text if area else "",
                *(_cell(item, name) for name in fields),
                question.session.code if question else "",
                question.number if question else None,
                link(delegation),
            )
        )
    return ExportTable(title=title, headers=headers, rows=tuple(rows))


def ta_request_table(*, workshop, link):
    """Every TA request of ``workshop``, one row each, for partners.

    ``link(delegation)`` returns the absolute address of the delegation's page.
    One query whatever the number of requests.
    """
    return _item_table(
        workshop=workshop, link=link, model=TARequest, related=("action",), title=_("TA requests")
    )


def action_table(*, workshop, link):
    """Every action of ``workshop``, one row each, for partners (see :func:`ta_request_table`)."""
    return _item_table(workshop=workshop, link=link, model=ActionItem, title=_("Actions"))


@dataclass(frozen=True)
class ExportOverview:
    ta_requests: int
    actions: int
    by_area: tuple  # ((label, TA requests, actions), ...) every area, then "none" if used
    by_kind: tuple  # ((label, TA requests), ...) every kind of assistance


def export_overview(*, workshop):
    """How many TA requests and actions ``workshop`` has, per intervention area
    (in the active language) and per kind of assistance. Four queries."""
    language = get_language()
    fallbacks = (workshop.default_language,)
    requests = TARequest.objects.live().filter(delegation__workshop=workshop).order_by()
    actions = ActionItem.objects.live().filter(delegation__workshop=workshop).order_by()
    ta_by_area = dict(requests.values_list("intervention_area").annotate(n=Count("pk")))
    actions_by_area = dict(actions.values_list("intervention_area").annotate(n=Count("pk")))
    ta_by_kind = dict(requests.values_list("kind").annotate(n=Count("pk")))
    by_area = [
        (
            localized(area, "name", language, fallbacks).text,
            ta_by_area.get(area.pk, 0),
            actions_by_area.get(area.pk, 0),
        )
        for area in InterventionArea.objects.all()
    ]
    if ta_by_area.get(None) or actions_by_area.get(None):
        by_area.append(
            (_("No intervention area"), ta_by_area.get(None, 0), actions_by_area.get(None, 0))
        )
    return ExportOverview(
        ta_requests=sum(ta_by_area.values()),
        actions=sum(actions_by_area.values()),
        by_area=tuple(by_area),
        by_kind=tuple((label, ta_by_kind.get(value, 0)) for value, label in TARequest.Kind.choices),
    )


@dataclass(frozen=True)
class CostTotal:
    """Estimated costs of one intervention area in one currency, across delegations:
    how many live actions and TA requests carry a cost, and their sums (never
    converted between currencies)."""

    area: str
    currency: str
    actions: int
    actions_total: Decimal
    ta_requests: int
    ta_total: Decimal


def cost_totals(*, workshop):
    """Every (intervention area, currency) with a costed action or TA request in
    ``workshop``: areas in their order (in the active language), untagged last,
    currencies alphabetically. Three queries."""
    language = get_language()
    fallbacks = (workshop.default_language,)
    sums = defaultdict(lambda: [0, Decimal(0), 0, Decimal(0)])
    for offset, model in ((0, ActionItem), (2, TARequest)):
        grouped = (
            model.objects.live()
            .filter(delegation__workshop=workshop, estimated_cost__isnull=False)
            .order_by()
            .values_list("intervention_area", "currency")
            .annotate(n=Count("pk"), total=Sum("estimated_cost"))
        )
        for area, currency, n, total in grouped:
            entry = sums[(area, currency)]
            entry[offset] += n
            entry[offset + 1] += total
    areas = {area.pk: area for area in InterventionArea.objects.all()}
    rank = {pk: index for index, pk in enumerate(areas)}

    def label(pk):
        if pk is None:
            return _("No intervention area")
        return localized(areas[pk], "name", language, fallbacks).text

    keys = sorted(sums, key=lambda key: (key[0] is None, rank.get(key[0], 0), key[1]))
    return tuple(CostTotal(label(key[0]), key[1] or "", *sums[key]) for key in keys)


def cost_totals_table(totals):
    """:func:`cost_totals` as a sheet."""
    return ExportTable(
        title=_("Costs by area"),
        headers=(
            _("Intervention area"),
            field_label(ActionItem, "currency"),
            _("Actions"),
            _("Actions: total estimated cost"),
            _("TA requests"),
            _("TA requests: total estimated cost"),
        ),
        rows=tuple(
            (t.area, t.currency, t.actions, t.actions_total, t.ta_requests, t.ta_total)
            for t in totals
        ),
    )


def _by_area_table(overview, *, column, title, chart_title):
    label = (_("TA requests"), _("Actions"))[column - 1]
    return ExportTable(
        title=title,
        headers=(_("Intervention area"), label),
        rows=tuple((row[0], row[column]) for row in overview.by_area),
        chart=BarChart(title=chart_title),
    )


def ta_request_workbook(*, workshop, link):
    """The TA requests (:func:`ta_request_table`); in XLSX also the requests per
    intervention area with a chart, and the cost totals by area and currency."""
    overview = export_overview(workshop=workshop)
    return ExportWorkbook(
        table=ta_request_table(workshop=workshop, link=link),
        sheets=(
            _by_area_table(
                overview,
                column=1,
                title=_("TA requests by area"),
                chart_title=_("TA requests per intervention area"),
            ),
            cost_totals_table(cost_totals(workshop=workshop)),
        ),
    )


def action_workbook(*, workshop, link):
    """The actions (:func:`action_table`); in XLSX also the actions per intervention
    area with a chart, and the cost totals by area and currency."""
    overview = export_overview(workshop=workshop)
    return ExportWorkbook(
        table=action_table(workshop=workshop, link=link),
        sheets=(
            _by_area_table(
                overview,
                column=2,
                title=_("Actions by area"),
                chart_title=_("Actions per intervention area"),
            ),
            cost_totals_table(cost_totals(workshop=workshop)),
        ),
    )
