"""Writing summaries. Every write asks the rule of ``delegations.permissions`` that
governs it (session writable, summary not submitted, plan editable) under its row
lock and, for edits, checks that the writer saw the latest version (optimistic
concurrency).

Callers are views that have already checked, through ``delegations.permissions``,
that the user is a member of the delegation. Every accepted write creates a history
record (django-simple-history), so no version is ever lost.
"""

from dataclasses import dataclass, replace

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common import text as typed_text
from delegations import permissions
from delegations.models import Delegation
from sessions import kinds
from sessions.i18n import localized
from sessions.models import GuidanceQuestion

from .merge import merge_reason, three_way
from .models import PLAN_HORIZON_MONTHS, ActionItem, ActionPlan, Answer, Summary, TARequest


class WritingClosed(Exception):
    """The session no longer accepts writes; ``reason`` says why, translated."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class StaleEdit(Exception):
    """The write was based on an old version and could not be merged: ``current`` is
    what the server holds, ``merge`` (a :class:`~summaries.merge.Merge`, or ``None``
    when nothing could be compared) says which fields conflict and holds every other
    field already merged."""

    def __init__(self, current, merge=None):
        super().__init__("stale edit")
        self.current = current
        self.merge = merge


# --- the versioned write ------------------------------------------------------------
# Every unit a delegation edits (an answer, a summary's details, an action, a TA
# request) is saved the same way: its row is locked (the summary first, for answers
# and details, so that a submit and a save never interleave), a save based on the
# current version is stored as the next version, and a save based on an older one is
# merged three-way against that version (``summaries.merge``): merged and stored when
# the two saves touched different fields or different parts of a long text, refused
# with ``StaleEdit`` otherwise. Each accepted change is one version and one history
# record (django-simple-history); ``merged_from`` on the returned row names the fields
# that came from the other save.


def _attnames(model, names):
    return {name: model._meta.get_field(name).attname for name in names}


@dataclass(frozen=True)
class UnitFields:
    """How the editing core reads and writes a unit's fields when they are not plain
    model fields (a structured answer: its ``data`` flattened by ``sessions.kinds``).

    ``read(row_or_history_record)`` gives the values by field name, ``write(row,
    values)`` stores them, ``blank(name)`` is a field's value when a version lacks it
    (a milestone row added since), ``set_fields`` merge as sets and ``repair(values,
    base)`` adjusts a merged result (a row one save removed and the other edited is
    kept)."""

    read: object
    write: object
    blank: object = None
    set_fields: tuple = ()
    repair: object = None


def _model_fields(model, names):
    attnames = _attnames(model, names)

    def read(row):
        return {name: getattr(row, attname) for name, attname in attnames.items()}

    def write(row, values):
        for name, value in values.items():
            setattr(row, attnames[name], value)

    return UnitFields(read=read, write=write)


def _complete(values, names, blank):
    return {name: values[name] if name in values else blank(name) for name in names}


def _versioned_values(row, *, base_version, mine, long_fields, fields=None):
    """The values to store on ``row`` (locked, at a newer version than ``base_version``)
    for a save of ``mine`` (plain values by field name, relations as ids): a clean
    merge, or ``StaleEdit``."""
    fields = fields or _model_fields(type(row), mine)
    theirs = fields.read(row)
    if base_version == 0:
        base = fields.read(type(row)())
    else:
        record = row.history.filter(version=base_version).order_by("-history_id").first()
        base = fields.read(record) if record else {}
    if fields.blank is not None:
        names = list(dict.fromkeys([*theirs, *mine]))
        theirs = _complete(theirs, names, fields.blank)
        mine = _complete(mine, names, fields.blank)
        base = _complete(base, names, fields.blank) if base else base
    else:
        theirs = {name: theirs[name] for name in mine}
    merge = three_way(
        base=base,
        mine=mine,
        theirs=theirs,
        long_fields=long_fields,
        set_fields=fields.set_fields,
        language=mine.get("language") or getattr(row, "language", ""),
    )
    if not merge.clean:
        raise StaleEdit(row, merge)
    if fields.repair is not None:
        merge = replace(merge, values=fields.repair(merge.values, base))
    return merge


def _versioned_write(row, *, base_version, mine, long_fields, save, fields=None):
    """Store ``mine`` on the locked ``row`` as its next version (merged if stale);
    ``save(row)`` validates and saves. Returns ``row``, unchanged when nothing differs.
    ``fields`` (:class:`UnitFields`) says how to read and write fields that are not
    plain model fields."""
    fields = fields or _model_fields(type(row), mine)
    merged_from = ()
    if base_version != row.version:
        merge = _versioned_values(
            row, base_version=base_version, mine=mine, long_fields=long_fields, fields=fields
        )
        mine, merged_from = merge.values, merge.from_theirs
        # The history says which version this save was typed on: what came from it is
        # its difference with the version before, the rest came from the other laptop.
        row._change_reason = merge_reason(base_version)
    row.merged_from = merged_from
    current = fields.read(row)
    if all(current.get(name) == value for name, value in mine.items()) and (
        fields.blank is None or all(name in mine for name in current)
    ):
        return row
    fields.write(row, mine)
    row.version += 1
    save(row)
    row.merged_from = merged_from
    return row


def _plain(value):
    return value.pk if hasattr(value, "_meta") else value


def _ensure(decision):
    if not decision:
        raise WritingClosed(decision.reason)


def summary_get_or_create(*, delegation, session):
    """The summary of ``delegation`` for ``session``, created empty on first use."""
    summary, _created = Summary.objects.get_or_create(delegation=delegation, session=session)
    return summary


@dataclass(frozen=True)
class AnswerInput:
    text: str
    discussed: bool
    language: str
    base_version: int  # 0 when the writer has never seen a saved answer
    # A structured question's fields as posted (``sessions.kinds`` flattened names,
    # strings or lists of strings); a field not posted keeps its stored value.
    posted: dict | None = None


_ANSWER_FIELDS = ("discussed", "language")


def _answer_fields(question):
    """The editing core's view of an answer: free text is ``text``; a structured
    answer is its ``data`` flattened by ``sessions.kinds``, so a stale save merges
    option by option, source by source, row by row."""
    if not kinds.is_structured(question):
        return _model_fields(Answer, ("text", *_ANSWER_FIELDS))

    def read(row):
        return {
            "discussed": row.discussed,
            "language": row.language,
            **kinds.to_fields(question, row.data),
        }

    def write(row, values):
        row.discussed, row.language = values["discussed"], values["language"]
        row.data = kinds.from_fields(
            question, {k: v for k, v in values.items() if k not in _ANSWER_FIELDS}
        )

    return UnitFields(
        read=read,
        write=write,
        blank=kinds.blank_value,
        set_fields=kinds.set_fields(question),
        repair=lambda values, base: kinds.repair_merge(question, values, base),
    )


def answer_long_fields(question, values):
    """The fields of an answer whose edits merge within the text."""
    if not kinds.is_structured(question):
        return ("text",)
    return kinds.long_fields(question, values)


# The locks every autosave takes; each row is unique, so no ordering (the models'
# would join for nothing).
def _locked_summary(*, delegation, session):
    return (
        Summary.objects.select_for_update()
        .filter(delegation_id=delegation, session_id=session)
        .order_by()
        .first()
    )


def _locked_answer(*, summary, question):
    return (
        Answer.objects.select_for_update()
        .filter(summary_id=summary, question_id=question)
        .order_by()
        .first()
    )


@transaction.atomic
def answer_save(*, delegation, question, data, user):
    """Save the delegation's answer to ``question`` if ``data.base_version`` is current.

    Creates the summary on first use. Raises ``WritingClosed`` when the session is
    closed, past its deadline or the summary is submitted, and ``StaleEdit``
    (carrying the current answer) when someone else saved in between. Returns the
    saved answer with its new version. Saves of one delegation are serialised on
    its summary row, so a submit and a save never interleave.
    """
    _ensure(permissions.can_write_summary(Summary(session=question.session)))
    summary = _locked_summary(delegation=delegation.pk, session=question.session_id)
    if summary is None:  # the first write of this delegation in this session
        summary, _created = Summary.objects.select_for_update().get_or_create(
            delegation=delegation, session=question.session
        )
    summary.session = question.session
    _ensure(permissions.can_write_summary(summary))
    answer = _locked_answer(summary=summary.pk, question=question.pk)
    mine = {"discussed": data.discussed, "language": data.language}
    if kinds.is_structured(question):
        # Raises ValidationError (translated, by field) for what does not fit.
        mine.update(
            kinds.parse_fields(question, data.posted or {}, current=answer.data if answer else {})
        )
        empty = kinds.is_empty(question, kinds.from_fields(question, mine))
    else:
        mine["text"] = data.text
        empty = not data.text
    if answer is None:
        if data.base_version != 0:
            raise StaleEdit(None)  # removed meanwhile: nothing to merge with
        answer = Answer(summary=summary, question=question, version=0)
        if empty and not data.discussed:
            answer.merged_from = ()
            return answer  # nothing written yet: no empty first version (not saved)

    def save(answer):
        answer.edited_by = user
        # The form validated the text; skip the lookups that re-check keys we hold.
        answer.full_clean(
            exclude=["summary", "question", "edited_by"],
            validate_unique=False,
            validate_constraints=False,
        )
        # No race on creating the first answer: the summary row lock serialises writers.
        answer.save()

    return _versioned_write(
        answer,
        base_version=data.base_version,
        mine=mine,
        long_fields=answer_long_fields(question, mine),
        save=save,
        fields=_answer_fields(question),
    )


@transaction.atomic
def answer_restore(*, answer, history_id, user):
    """Make an earlier version of ``answer`` the current text, as a new version.

    Locks in the same order as :func:`answer_save` (the summary row, then the
    answer), so a restore and an autosave of the same answer never deadlock.
    """
    Summary.objects.select_for_update().only("pk").get(pk=answer.summary_id)
    answer = Answer.objects.select_for_update().get(pk=answer.pk)
    old = answer.history.get(history_id=history_id)
    question = answer.question
    posted = None
    if kinds.is_structured(question):
        posted = {
            name: value if isinstance(value, list) else "" if value is None else str(value)
            for name, value in kinds.to_fields(question, old.data).items()
        }
    return answer_save(
        delegation=answer.summary.delegation,
        question=question,
        data=AnswerInput(
            text=old.text,
            discussed=old.discussed,
            language=old.language,
            base_version=answer.version,
            posted=posted,
        ),
        user=user,
    )


# The summary's own editable fields ("details"), saved and restored as one unit.
DETAILS_FIELDS = ("participants", "rapporteur")


@transaction.atomic
def summary_details_save(*, summary, participants, rapporteur, base_version, user):
    """Save participants and rapporteur, with the same version check as answers."""
    session = summary.session
    summary = Summary.objects.select_for_update().get(pk=summary.pk)
    summary.session = session
    _ensure(permissions.can_write_summary(summary))
    return _versioned_write(
        summary,
        base_version=base_version,
        mine={"participants": participants, "rapporteur": rapporteur},
        long_fields=("participants",),
        save=lambda summary: _details_save(summary, user),
    )


def _details_save(summary, user):
    summary.details_saved_at = timezone.now()
    summary.details_saved_by = user
    summary.full_clean()
    summary.save()


@transaction.atomic
def summary_details_restore(*, summary, history_id, base_version, user):
    """Make an earlier version of the summary's details (participants, rapporteur)
    current, as a new version, through the same versioned write as a save.

    ``base_version`` is the version the person saw when choosing: if the details
    changed since, nothing is restored (``StaleEdit``), so a newer save is never
    replaced unseen. Locks the summary row first, as every write of a summary does.
    Raises ``DoesNotExist`` for a version of another summary and ``WritingClosed``
    when the summary no longer accepts writes.
    """
    session = summary.session
    current = Summary.objects.select_for_update().get(pk=summary.pk)
    current.session = session
    _ensure(permissions.can_write_summary(current))
    old = current.history.get(history_id=history_id)
    if current.version != base_version:
        raise StaleEdit(current)
    return summary_details_save(
        summary=current,
        participants=old.participants,
        rapporteur=old.rapporteur,
        base_version=current.version,
        user=user,
    )


@transaction.atomic
def summary_submit(*, summary, user):
    """Mark the summary submitted; allowed while the session is writable."""
    _ensure(permissions.can_change_summary_status(summary))
    summary = Summary.objects.select_for_update().get(pk=summary.pk)
    summary.status = Summary.Status.SUBMITTED
    summary.submitted_by = user
    summary.submitted_at = timezone.now()
    summary.save()
    return summary


@transaction.atomic
def summary_reopen(*, summary, user):
    """Back to draft so the delegation can edit again, until the session closes."""
    _ensure(permissions.can_change_summary_status(summary))
    summary = Summary.objects.select_for_update().get(pk=summary.pk)
    summary.status = Summary.Status.DRAFT
    summary.save()
    return summary


@transaction.atomic
def summary_timer_start(*, summary, restart=False):
    """Start the delegation's countdown; every laptop of the delegation sees the same one."""
    _ensure(permissions.can_change_summary_status(summary))
    summary = Summary.objects.select_for_update().get(pk=summary.pk)
    if summary.timer_started_at is None or restart:
        summary.timer_started_at = timezone.now()
        summary.save(update_fields=["timer_started_at", "updated_at"])
    return summary


# --- Day 3: the plan of actions and TA requests -------------------------------------


def _ensure_plan_writable(delegation):
    """Refuse with ``WritingClosed`` unless the plan's items may be written now. The plan
    row is locked first (then the item: one lock order), so that marking it final and
    an edit never interleave."""
    plan = ActionPlan.objects.select_for_update().filter(delegation=delegation).first()
    _ensure(permissions.can_edit_plan(delegation, plan=plan))


def plan_get_or_create(*, delegation):
    plan, _created = ActionPlan.objects.get_or_create(delegation=delegation)
    return plan


PLAN_ITEM_MODELS = {"action": ActionItem, "ta": TARequest}


@transaction.atomic
def plan_item_create(*, delegation, kind, data, user):
    """Add an action (``kind="action"``) or TA request (``kind="ta"``) at the end of its list."""
    _ensure_plan_writable(delegation)
    model = PLAN_ITEM_MODELS[kind]
    _ensure_room_for_plan_item(delegation, model)
    last = model.objects.filter(delegation=delegation).order_by("-order").first()
    item = model(delegation=delegation, order=(last.order + 1) if last else 1, version=1, **data)
    item.language = item.language or delegation.language
    item.edited_by = user
    item.full_clean()
    item.save()
    return item


class PlanItemLimitReached(WritingClosed):
    """The delegation already has ``settings.PLAN_MAX_ITEMS`` live items of this kind."""


def _ensure_room_for_plan_item(delegation, model):
    # The delegation's row lock serialises two additions racing for the last place.
    list(Delegation.objects.select_for_update().filter(pk=delegation.pk).values_list("pk"))
    if model.objects.live().filter(delegation=delegation).count() >= settings.PLAN_MAX_ITEMS:
        raise PlanItemLimitReached(
            _("A plan holds at most %(limit)s %(items)s: remove one before adding another.")
            % {"limit": settings.PLAN_MAX_ITEMS, "items": model._meta.verbose_name_plural}
        )


@transaction.atomic
def plan_item_update(*, item, data, base_version, user):
    """Save an edited item if ``base_version`` is current, else raise ``StaleEdit``."""
    _ensure_plan_writable(item.delegation)
    current = type(item).objects.select_for_update(of=("self",)).get(pk=item.pk)

    def save(current):
        current.prefilled = False  # the delegation's own words now: prefill leaves it alone
        current.edited_by = user
        current.full_clean()
        current.save()

    return _versioned_write(
        current,
        base_version=base_version,
        mine={name: _plain(value) for name, value in data.items()},
        long_fields=long_fields(type(current)),
        save=save,
    )


def long_fields(model):
    """The fields of a plan item whose edits merge within the text (its text areas);
    the history page shows their changes word by word."""
    return tuple(
        name
        for name in model.EDITABLE_FIELDS
        if model._meta.get_field(name).get_internal_type() == "TextField"
    )


def _plan_item_save_version(item):
    """Store ``item`` (locked by the caller) as its next version: one history record."""
    item.version += 1
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def plan_item_remove(*, item, base_version, user):
    """Take ``item`` off the plan, as a new version: it leaves the page, the PDFs and
    the exports, and can be put back (:func:`plan_item_put_back`) until the plan is
    final. Refused with ``StaleEdit`` if someone changed it since ``base_version``."""
    _ensure_plan_writable(item.delegation)
    current = type(item).objects.select_for_update(of=("self",)).get(pk=item.pk)
    if current.version != base_version:
        raise StaleEdit(current)
    if current.removed_at is None:
        current.removed_at = timezone.now()
        current.edited_by = user
        _plan_item_save_version(current)
    return current


@transaction.atomic
def plan_item_put_back(*, item, user):
    """Undo :func:`plan_item_remove`: the item is on the plan again, as a new version,
    at the place it had."""
    _ensure_plan_writable(item.delegation)
    current = type(item).objects.select_for_update(of=("self",)).get(pk=item.pk)
    if current.removed_at is not None:
        _ensure_room_for_plan_item(item.delegation, type(item))
        current.removed_at = None
        current.edited_by = user
        _plan_item_save_version(current)
    return current


@transaction.atomic
def plan_item_restore(*, item, history_id, user):
    """Make an earlier version of ``item`` its current content (every editable field),
    as a new version. Raises ``DoesNotExist`` for a version of another item."""
    _ensure_plan_writable(item.delegation)
    current = type(item).objects.select_for_update(of=("self",)).get(pk=item.pk)
    old = current.history.get(history_id=history_id)
    attnames = _attnames(type(current), current.EDITABLE_FIELDS)
    return plan_item_update(
        item=current,
        data={name: getattr(old, attname) for name, attname in attnames.items()},
        base_version=current.version,
        user=user,
    )


@transaction.atomic
def plan_item_move(*, item, direction):
    """Swap ``item`` with its neighbour above (``direction="up"``) or below."""
    _ensure_plan_writable(item.delegation)
    siblings = list(
        type(item)
        .objects.live()
        .select_for_update()
        .filter(delegation=item.delegation_id)
        .order_by("order", "pk")
    )
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        if sibling.order != position:
            type(item).objects.filter(pk=sibling.pk).update(order=position)


def _draft_title(text, language, limit=120):
    """The first non-empty line of ``text``, bullets removed, cut at a word boundary
    of its ``language`` (ICU: Thai has no spaces to cut at) to ``limit`` characters."""
    first_line = next((line.strip(" -•*\t") for line in text.splitlines() if line.strip()), "")
    return typed_text.truncate_words(first_line, limit, language)


@transaction.atomic
def plan_prefill(*, delegation, user):
    """Draft actions and TA requests from the answers to questions that feed them.

    A free-text answer drafts one item linked to it. A milestones answer drafts one
    action per milestone (its milestone, target month and responsible); a chosen
    option that the facilitator mapped to an intervention area drafts one item in
    that area (``sessions.kinds`` reads the answers). Running it again creates
    nothing twice: an answer (or part of one) that already has an item is skipped,
    removed items included, except that an item the delegation never edited
    (``prefilled``) follows its answer's newer content. Returns ``(created,
    refreshed)`` counts.
    """
    _ensure_plan_writable(delegation)
    # One prefill at a time per delegation: two clicks never draft an answer twice.
    Delegation.objects.select_for_update().only("pk").get(pk=delegation.pk)
    answers = (
        Answer.objects.filter(
            summary__delegation=delegation,
            question__feeds__in=[
                GuidanceQuestion.Feeds.ACTION_PLAN,
                GuidanceQuestion.Feeds.TA_REQUEST,
            ],
        )
        .exclude(text="", data={})
        .select_related("question", "summary__session")
        .prefetch_related("question__options__area")
        .order_by("summary__session__order", "question__order", "question__number")
    )
    created = refreshed = 0
    for answer in answers:
        for kind, key, fields in _drafts(answer, delegation):
            model = PLAN_ITEM_MODELS[kind]
            existing = (
                model.objects.select_for_update()
                .filter(delegation=delegation, source_answer=answer, source_key=key)
                .first()
            )
            if existing is None:
                plan_item_create(
                    delegation=delegation,
                    kind=kind,
                    data={
                        **fields,
                        "source_answer": answer,
                        "source_key": key,
                        "language": answer.language,
                        "prefilled": True,
                    },
                    user=user,
                )
                created += 1
            elif existing.prefilled and any(
                getattr(existing, name) != value for name, value in fields.items()
            ):
                # Locked above: a person's concurrent edit either came first (then the
                # item is no longer ``prefilled`` and stays as they wrote it) or waits.
                for name, value in fields.items():
                    setattr(existing, name, value)
                _plan_item_save_version(existing)
                refreshed += 1
    return created, refreshed


def _drafts(answer, delegation):
    """``(kind, source_key, fields)`` of each item ``answer`` drafts."""
    question = answer.question
    kind = "ta" if question.feeds == GuidanceQuestion.Feeds.TA_REQUEST else "action"
    if question.kind == GuidanceQuestion.Kind.TEXT:
        if not answer.text:
            return []
        text = typed_text.clean_typed_text(answer.text)
        body_field = "need" if kind == "ta" else "description"
        return [(kind, "", {"title": _draft_title(text, answer.language), body_field: text})]
    if question.kind == GuidanceQuestion.Kind.MILESTONES:
        line = typed_text.clean_typed_line  # rows saved before one-line cleaning may hold breaks
        return [
            (
                "action",
                f"milestone:{row['key']}",
                {
                    "title": typed_text.truncate_words(
                        line(row["milestone"]), 120, answer.language
                    ),
                    "milestone": line(row["milestone"]),
                    "start_month": 1,
                    "end_month": row["month"] or PLAN_HORIZON_MONTHS,
                    "responsible": line(row["responsible"]),
                },
            )
            for row in kinds.milestone_rows(answer.data)
        ]
    if question.kind == GuidanceQuestion.Kind.CHOICE:
        language = answer.language or delegation.language
        body_field = "need" if kind == "ta" else "description"
        drafts = []
        for option, note in kinds.chosen_options(question, answer.data):
            if option.area_id is None:
                continue
            title = typed_text.clean_typed_line(localized(option, "label", language).text)
            drafts.append(
                (
                    kind,
                    f"option:{option.code}",
                    {
                        "title": typed_text.truncate_words(title, 120, language),
                        "intervention_area": option.area,
                        body_field: note,
                    },
                )
            )
        return drafts
    return []


@transaction.atomic
def plan_set_status(*, delegation, status, user):
    """Mark the plan final (the PDFs lose their DRAFT mark; its items can no longer be
    written) or back to draft."""
    _ensure(permissions.can_change_plan_status(delegation))
    plan = ActionPlan.objects.select_for_update().get(
        pk=plan_get_or_create(delegation=delegation).pk
    )
    plan.status = status
    plan.finalised_by = user if status == ActionPlan.Status.FINAL else None
    plan.finalised_at = timezone.now() if status == ActionPlan.Status.FINAL else None
    plan.save()
    return plan
