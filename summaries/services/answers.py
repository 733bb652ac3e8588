"""Writing a session's summary: its answers, its details (participants, rapporteur),
submit, reopen and the countdown, each through :func:`.versioned.versioned_write` under
the summary's row lock.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from delegations import permissions
from sessions import kinds

from ..models import Answer, Summary
from .versioned import (
    StaleEdit,
    UnitFields,
    ensure,
    model_fields,
    versioned_write,
    writers_label,
)


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
        return model_fields(Answer, ("text", *_ANSWER_FIELDS))

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
def answer_save(*, delegation, question, data, user, writers=()):
    """Save the delegation's answer to ``question`` if ``data.base_version`` is current.

    Creates the summary on first use. Raises ``WritingClosed`` when the session is
    closed, past its deadline or the summary is submitted, and ``StaleEdit``
    (carrying the current answer) when someone else saved in between. Returns the
    saved answer with its new version. Saves of one delegation are serialised on
    its summary row, so a submit and a save never interleave.
    """
    ensure(permissions.can_write_summary(Summary(session=question.session)))
    summary = _locked_summary(delegation=delegation.pk, session=question.session_id)
    if summary is None:  # the first write of this delegation in this session
        summary, _created = Summary.objects.select_for_update().get_or_create(
            delegation=delegation, session=question.session
        )
    summary.session = question.session
    ensure(permissions.can_write_summary(summary))
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
        answer.written_by = writers_label(writers)
        # The form validated the text; skip the lookups that re-check keys we hold.
        answer.full_clean(
            exclude=["summary", "question", "edited_by"],
            validate_unique=False,
            validate_constraints=False,
        )
        # No race on creating the first answer: the summary row lock serialises writers.
        answer.save()

    return versioned_write(
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
def summary_details_save(*, summary, participants, rapporteur, base_version, user, writers=()):
    """Save participants and rapporteur, with the same version check as answers."""
    session = summary.session
    summary = Summary.objects.select_for_update().get(pk=summary.pk)
    summary.session = session
    ensure(permissions.can_write_summary(summary))
    return versioned_write(
        summary,
        base_version=base_version,
        mine={"participants": participants, "rapporteur": rapporteur},
        long_fields=("participants",),
        save=lambda summary: _details_save(summary, user, writers),
    )


def _details_save(summary, user, writers):
    summary.written_by = writers_label(writers)
    summary.details_saved_at = timezone.now()
    summary.edited_by = user
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
    ensure(permissions.can_write_summary(current))
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
    ensure(permissions.can_change_summary_status(summary))
    summary = Summary.objects.select_for_update().get(pk=summary.pk)
    summary.status = Summary.Status.SUBMITTED
    summary.submitted_by = user
    summary.submitted_at = timezone.now()
    summary.save()
    return summary


@transaction.atomic
def summary_reopen(*, summary, user):
    """Back to draft so the delegation can edit again, until the session closes."""
    ensure(permissions.can_change_summary_status(summary))
    summary = Summary.objects.select_for_update().get(pk=summary.pk)
    summary.status = Summary.Status.DRAFT
    summary.save()
    return summary


@transaction.atomic
def summary_timer_start(*, summary, restart=False):
    """Start the delegation's countdown; every laptop of the delegation sees the same one."""
    ensure(permissions.can_change_summary_status(summary))
    summary = Summary.objects.select_for_update().get(pk=summary.pk)
    if summary.timer_started_at is None or restart:
        summary.timer_started_at = timezone.now()
        summary.save(update_fields=["timer_started_at", "updated_at"])
    return summary
