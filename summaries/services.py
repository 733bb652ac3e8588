"""Writing summaries. Every write checks that the session is writable and, for
edits, that the writer saw the latest version (optimistic concurrency).

Callers are views that have already checked, through ``delegations.selectors``,
that the user is a member of the delegation. Every accepted write creates a
history record (django-simple-history), so no version is ever lost.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Answer, Summary


class WritingClosed(Exception):
    """The session no longer accepts writes; ``reason`` says why, translated."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class StaleEdit(Exception):
    """The write was based on an old version; ``current`` is what the server holds."""

    def __init__(self, current):
        super().__init__("stale edit")
        self.current = current


def _ensure_writable(session):
    reason = session.closed_reason()
    if reason is not None:
        raise WritingClosed(str(reason))


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


@transaction.atomic
def answer_save(*, summary, question, data, user):
    """Save one answer if ``data.base_version`` is the current version.

    Raises ``WritingClosed`` when the session is closed, past its deadline or the
    summary is submitted, and ``StaleEdit`` (carrying the current answer) when
    someone else saved in between. Returns the saved answer with its new version.
    """
    _ensure_writable(summary.session)
    summary = Summary.objects.select_for_update().get(pk=summary.pk)
    if summary.status == Summary.Status.SUBMITTED:
        raise WritingClosed(_("This summary has been submitted. Reopen it to edit."))
    answer = (
        Answer.objects.select_for_update(of=("self",))
        .filter(summary=summary, question=question)
        .select_related("edited_by")
        .first()
    )
    current_version = answer.version if answer else 0
    if data.base_version != current_version:
        raise StaleEdit(answer)
    if answer is None:
        answer = Answer(summary=summary, question=question, version=0)
    elif (answer.text, answer.discussed, answer.language) == (
        data.text,
        data.discussed,
        data.language,
    ):
        return answer
    answer.text = data.text
    answer.discussed = data.discussed
    answer.language = data.language
    answer.edited_by = user
    answer.version += 1
    # The form validated the text; skip the lookups that re-check keys we hold.
    answer.full_clean(
        exclude=["summary", "question", "edited_by"], validate_unique=False, validate_constraints=False
    )
    try:
        # A savepoint, so that losing the race to create the first answer leaves
        # the transaction usable on PostgreSQL.
        with transaction.atomic():
            answer.save()
    except IntegrityError:
        raise StaleEdit(Answer.objects.get(summary=summary, question=question)) from None
    return answer


@transaction.atomic
def answer_restore(*, answer, history_id, user):
    """Make an earlier version of ``answer`` the current text, as a new version."""
    answer = Answer.objects.select_for_update().get(pk=answer.pk)
    old = answer.history.get(history_id=history_id)
    return answer_save(
        summary=answer.summary,
        question=answer.question,
        data=AnswerInput(
            text=old.text,
            discussed=old.discussed,
            language=old.language,
            base_version=answer.version,
        ),
        user=user,
    )


@transaction.atomic
def summary_details_save(*, summary, participants, rapporteur, base_version, user):
    """Save participants and rapporteur, with the same version check as answers."""
    _ensure_writable(summary.session)
    summary = Summary.objects.select_for_update().get(pk=summary.pk)
    if summary.status == Summary.Status.SUBMITTED:
        raise WritingClosed(_("This summary has been submitted. Reopen it to edit."))
    if base_version != summary.version:
        raise StaleEdit(summary)
    if summary.participants == participants and summary.rapporteur == rapporteur:
        return summary
    summary.participants = participants
    summary.rapporteur = rapporteur
    summary.version += 1
    summary.full_clean()
    summary.save()
    return summary


@transaction.atomic
def summary_submit(*, summary, user):
    """Mark the summary submitted; allowed while the session is writable."""
    _ensure_writable(summary.session)
    summary = Summary.objects.select_for_update().get(pk=summary.pk)
    summary.status = Summary.Status.SUBMITTED
    summary.submitted_by = user
    summary.submitted_at = timezone.now()
    summary.save()
    return summary


@transaction.atomic
def summary_reopen(*, summary, user):
    """Back to draft so the delegation can edit again, until the session closes."""
    _ensure_writable(summary.session)
    summary = Summary.objects.select_for_update().get(pk=summary.pk)
    summary.status = Summary.Status.DRAFT
    summary.save()
    return summary


@transaction.atomic
def summary_timer_start(*, summary, restart=False):
    """Start the delegation's countdown; every laptop of the delegation sees the same one."""
    _ensure_writable(summary.session)
    summary = Summary.objects.select_for_update().get(pk=summary.pk)
    if summary.timer_started_at is None or restart:
        summary.timer_started_at = timezone.now()
        summary.save(update_fields=["timer_started_at", "updated_at"])
    return summary
