"""The frozen entries of a plan document (:class:`~summaries.pdf.documents.PlanDocument`):
its sessions' answers, its actions and TA requests with their table of fields, and the
actions grouped by intervention area."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

from sessions import kinds
from sessions.i18n import Localized

from ..models import PLAN_HORIZON_MONTHS, ActionItem, TARequest
from . import labels
from .labels import money


@dataclass(frozen=True)
class Source:
    """The summary answer a plan item was drafted from."""

    answer_id: int
    session_code: str
    question_number: int


@dataclass(frozen=True)
class Area:
    code: str
    name: Localized
    order: int


@dataclass(frozen=True)
class AnswerEntry:
    answer_id: int
    question_number: int
    question_text: Localized
    feeds: str
    discussed: bool
    text: str  # as the delegation wrote it
    language: str  # the language the answer is written in ("" if unknown)
    shown: kinds.Display | None = None  # a structured answer as its rows read


@dataclass(frozen=True)
class SessionEntry:
    code: str
    title: Localized
    participants: str
    rapporteur: str
    submitted: bool
    answers: tuple[AnswerEntry, ...]


@dataclass(frozen=True)
class FieldRow:
    """One line of an item's table of fields in a PDF."""

    label: str
    value: object = ""
    localized: Localized | None = None
    is_text: bool = False  # typed text: keeps its line breaks


HORIZON = PLAN_HORIZON_MONTHS


class _ItemEntry:
    """A plan item as the PDFs show it: ``values`` holds the model's
    ``EDITABLE_FIELDS`` by name (the intervention area as an :class:`Area`, the linked
    action as its title), readable as attributes (``entry.title``)."""

    model = None
    # Shown with another field (the cost with its currency, the months together)
    # or as the item's heading.
    _folded = ("title", "currency", "end_month")

    def __getattr__(self, name):
        values = self.__dict__.get("values", {})
        if name in values:
            return values[name]
        raise AttributeError(name)

    @property
    def cost_display(self):
        return money(self.estimated_cost, self.currency)

    @property
    def rows(self):
        """The item's fields in ``EDITABLE_FIELDS`` order, labelled and formatted in
        the active language."""
        item_labels = labels.FIELD_LABELS[self.model]
        rows = []
        for name in self.model.EDITABLE_FIELDS:
            if name in self._folded:
                continue
            rows.append(self._row(name, item_labels[name], self.values[name]))
        return tuple(rows)

    def _row(self, name, label, value):
        field = self.model._meta.get_field(name)
        if name == "intervention_area":
            return FieldRow(label, localized=value.name) if value else FieldRow(label, "—")
        if name == "estimated_cost":
            return FieldRow(label, self.cost_display)
        if name == "start_month":
            return FieldRow(
                gettext("Months"),
                gettext("Months %(start)s–%(end)s of %(horizon)s")
                % {"start": self.start_month, "end": self.end_month, "horizon": HORIZON},
            )
        if name == "action":
            number = self.action_number
            return FieldRow(label, f"{number}. {value}" if number else "—")
        if field.choices:
            return FieldRow(label, dict(field.flatchoices).get(value, value))
        shown = value if value not in ("", None) else "—"
        return FieldRow(label, shown, is_text=isinstance(value, str))


@dataclass(frozen=True)
class ActionEntry(_ItemEntry):
    model = ActionItem

    number: int  # position in the plan, from 1
    values: dict
    language: str
    prefilled: bool
    source: Source | None

    @property
    def area(self):
        return self.intervention_area

    @property
    def timeline_left(self):
        """Where the action's bar starts, in % of the horizon."""
        return 100 * (self.start_month - 1) / PLAN_HORIZON_MONTHS

    @property
    def timeline_width(self):
        """How long the action's bar is, in % of the horizon."""
        return 100 * (self.end_month - self.start_month + 1) / PLAN_HORIZON_MONTHS


@dataclass(frozen=True)
class TARequestEntry(_ItemEntry):
    model = TARequest

    number: int
    values: dict
    language: str
    prefilled: bool
    action_number: int | None
    source: Source | None

    @property
    def area(self):
        return self.intervention_area

    @property
    def action_title(self):
        return self.action

    # Choice labels are lazy: they come out in the language active while rendering.
    @property
    def kind_label(self):
        return TARequest.Kind(self.kind).label if self.kind in TARequest.Kind else self.kind

    @property
    def priority_label(self):
        if self.priority in TARequest.Priority:
            return TARequest.Priority(self.priority).label
        return self.priority

    @property
    def status_label(self):
        return TARequest.Status(self.status).label if self.status in TARequest.Status else ""


@dataclass(frozen=True)
class ActionGroup:
    """The actions of one intervention area (``area`` is ``None`` for untagged ones)."""

    area: Area | None
    actions: tuple[ActionEntry, ...]
    totals: tuple[tuple[str, Decimal], ...]  # (currency, sum of estimated costs), by currency

    @property
    def totals_display(self):
        return tuple(money(total, currency) for currency, total in self.totals)
