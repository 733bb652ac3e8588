"""Which page a live document is, what units it holds, and how each unit is saved.

A room is one editable page of one delegation: a session's summary (its details and an
answer per question) or the Day 3 plan (its live actions and TA requests). Each unit
carries what the document needs (its key, the version of its row, its values as the
page's controls hold them, which fields are long texts) and a ``save`` through the same
form and service as a save from the page, so that every rule (limits, cleaning, the
three-way merge, who may write) is the editing core's own.
"""

from dataclasses import dataclass

from django.http import Http404, QueryDict

from delegations import permissions
from delegations.models import Delegation
from sessions.models import Session

from .. import services
from ..forms import (
    PLAN_FORMS,
    SummaryDetailsForm,
    details_initial,
    form_values,
    stored_answer_form,
)
from ..models import ActionItem, Answer, Summary, TARequest
from .doc import plain


@dataclass(frozen=True)
class Room:
    """``kind`` "summary" (with its ``session``) or "plan", of ``delegation``."""

    kind: str
    delegation: Delegation
    session: Session | None = None

    @property
    def key(self):
        if self.kind == "summary":
            return f"summary-{self.delegation.pk}-{self.session.pk}"
        return f"plan-{self.delegation.pk}"

    @property
    def group(self):
        """The channel layer group of the room's connections."""
        return f"live.{self.key}"

    def write_rule(self, access=None):
        """The ``delegations.permissions`` decision on writing this page now."""
        if self.kind == "summary":
            summary = Summary.objects.filter(
                delegation=self.delegation, session=self.session
            ).first() or Summary(delegation=self.delegation, session=self.session)
            summary.session = self.session
            return permissions.can_write_summary(summary, access=access)
        plan = getattr(self.delegation, "plan", None)
        return permissions.can_edit_plan(self.delegation, plan=plan, access=access)


def room_for(user, *, kind, workshop, delegation, session=None):
    """``(room, access)`` for a page address, or ``Http404`` as the page gives: members
    write, facilitators and organisers watch, anyone else gets nothing."""
    if kind not in ("summary", "plan") or (kind == "summary") != bool(session):
        raise Http404("No such page.")
    access = permissions.delegation_access(user, workshop, delegation)
    found = None
    if kind == "summary":
        found = permissions.session_for(
            user, access.delegation.workshop, session, as_member=access.can_edit
        )
    return Room(kind, access.delegation, found), access


def room_from_key(key):
    """The :class:`Room` of a live document's key."""
    kind, *ids = key.split("-")
    delegation = Delegation.objects.select_related("workshop").get(pk=int(ids[0]))
    session = Session.objects.get(pk=int(ids[1])) if kind == "summary" else None
    return Room(kind, delegation, session)


@dataclass(frozen=True)
class LiveUnit:
    key: str
    version: int
    values: dict  # by field name, as the page's controls hold them
    long_fields: frozenset
    save: object  # callable(values, *, base_version, user, writers) -> the saved row


def _query(values, version):
    """``values`` as the page posts them (a QueryDict), based on ``version``."""
    data = QueryDict(mutable=True)
    for name, value in values.items():
        if isinstance(value, list):
            data.setlist(name, value or [""])
        elif value is True:
            data[name] = "on"
        elif value is not False and value is not None:
            data[name] = value
    data["version"] = str(version)
    return data


def _long(form):
    return frozenset(
        name for name, field in form.fields.items() if "data-mergeable" in field.widget.attrs
    )


def _values(form):
    return {name: plain(value) for name, value in form_values(form).items()}


def units(room):
    """The room's units as the database holds them now."""
    if room.kind == "summary":
        return _summary_units(room)
    return _plan_units(room)


def _summary_units(room):
    delegation, session = room.delegation, room.session
    summary = Summary.objects.filter(delegation=delegation, session=session).first()
    answers = {
        answer.question_id: answer
        for answer in Answer.objects.filter(summary=summary).select_related("question")
    }
    details = SummaryDetailsForm(
        initial=details_initial(summary or Summary(delegation=delegation, session=session))
    )

    def save_details(values, *, base_version, user, writers):
        form = SummaryDetailsForm(_query(values, base_version))
        if not form.is_valid():
            raise services.InvalidValues(form.errors)
        current = services.summary_get_or_create(delegation=delegation, session=session)
        current.session = session
        return services.summary_details_save(
            summary=current,
            participants=form.cleaned_data["participants"],
            rapporteur=form.cleaned_data["rapporteur"],
            base_version=base_version,
            user=user,
            writers=writers,
        )

    found = [
        LiveUnit(
            "details", summary.version if summary else 1, _values(details), _long(details),
            save_details,
        )
    ]  # fmt: skip
    for question in session.questions.order_by("order", "number").prefetch_related("options"):
        answer = answers.get(question.pk)
        form = stored_answer_form(question, answer, delegation)
        found.append(
            LiveUnit(
                f"q{question.number}",
                answer.version if answer else 0,
                _values(form),
                _long(form),
                _answer_saver(delegation, question),
            )
        )
    return found


def _answer_saver(delegation, question):
    from ..forms import answer_form_for

    def save(values, *, base_version, user, writers):
        answer = Answer.objects.filter(summary__delegation=delegation, question=question).first()
        form = answer_form_for(
            question, data=_query(values, base_version), stored=answer.data if answer else {}
        )
        if not form.is_valid():
            raise services.InvalidValues(form.errors)
        return services.answer_save(
            delegation=delegation,
            question=question,
            data=services.AnswerInput(**form.answer_data(), base_version=base_version),
            user=user,
            writers=writers,
        )

    return save


def _plan_units(room):
    delegation = room.delegation
    found = []
    for kind, model in (("action", ActionItem), ("ta", TARequest)):
        for item in model.objects.live().filter(delegation=delegation).order_by("order", "pk"):
            form = PLAN_FORMS[kind](instance=item, delegation=delegation)
            found.append(
                LiveUnit(
                    f"{kind}-{item.pk}",
                    item.version,
                    {name: _values(form)[name] for name in form._meta.fields},
                    _long(form),
                    _item_saver(kind, model, item.pk, delegation),
                )
            )
    return found


def _item_saver(kind, model, pk, delegation):
    def save(values, *, base_version, user, writers):
        item = model.objects.get(pk=pk, delegation=delegation)
        form = PLAN_FORMS[kind](_query(values, base_version), instance=item, delegation=delegation)
        if not form.is_valid():
            raise services.InvalidValues(form.errors)
        return services.plan_item_update(
            item=item,
            data=form.item_data(),
            base_version=base_version,
            user=user,
            writers=writers,
        )

    return save
