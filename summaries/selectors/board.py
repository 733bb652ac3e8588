"""The organisers' progress board: every delegation × the workshop's group-work
sessions, and its Day 3 plan. Callers have checked access with
``delegations.permissions.workshop_for_organiser``."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import ngettext_lazy

from delegations.models import Delegation
from sessions.models import Session, Workshop

from ..models import Summary
from .filters import DelegationFilters
from .states import work_states

# ``timesince`` (the board's "… ago"): Django 6.1's own vi and th catalogues hold only
# older msgids of these, so the portal's catalogues carry them.
_TIMESINCE_STRINGS = (
    ngettext_lazy("%(num)d year", "%(num)d years", "num"),
    ngettext_lazy("%(num)d month", "%(num)d months", "num"),
    ngettext_lazy("%(num)d week", "%(num)d weeks", "num"),
    ngettext_lazy("%(num)d day", "%(num)d days", "num"),
    ngettext_lazy("%(num)d hour", "%(num)d hours", "num"),
    ngettext_lazy("%(num)d minute", "%(num)d minutes", "num"),
)


@dataclass(frozen=True)
class BoardCell:
    """One delegation × one session on the board."""

    session: Session
    summary: Summary | None
    state: str  # "not_started", "draft" or "submitted", as on the delegation page
    answered: int
    questions: int
    words: int
    last_saved: dt.datetime | None
    seconds_ago: int | None
    last_saved_by: str = ""  # who saved last, as on the delegation page

    @property
    def saved_ago(self):
        """How long ago the last save was ("3 minutes"), "" within the last minute."""
        if self.last_saved is None or self.seconds_ago < 60:
            return ""
        now = self.last_saved + dt.timedelta(seconds=self.seconds_ago)
        return timesince(self.last_saved, now, depth=1)


@dataclass(frozen=True)
class BoardRow:
    delegation: Delegation
    cells: tuple
    actions: int
    ta_requests: int
    plan_state: str  # "not_started", "draft" or "final"


@dataclass(frozen=True)
class SessionTotals:
    session: Session
    submitted: int
    draft: int
    not_started: int


@dataclass(frozen=True)
class Board:
    workshop: Workshop
    filters: DelegationFilters
    sessions: tuple  # group-work sessions, their questions prefetched
    rows: tuple
    now: dt.datetime

    @property
    def totals(self):
        counts = [
            [row.cells[index].state for row in self.rows] for index in range(len(self.sessions))
        ]
        return tuple(
            SessionTotals(
                session=session,
                submitted=states.count("submitted"),
                draft=states.count("draft"),
                not_started=states.count("not_started"),
            )
            for session, states in zip(self.sessions, counts, strict=True)
        )

    @property
    def final_plans(self):
        return sum(1 for row in self.rows if row.plan_state == "final")


def progress_board(*, workshop, filters=None, now=None):
    """Every delegation of ``workshop`` that passes ``filters`` × the workshop's
    group-work sessions (state, answers, words, last save), with its Day 3 plan
    (actions, TA requests, draft or final).

    A fixed number of queries whatever the number of delegations; states, counts and
    last edits come from ``selectors.states.work_states``, as on every other page.
    """
    filters = filters or DelegationFilters()
    now = now or timezone.now()
    sessions = list(
        Session.objects.filter(workshop=workshop, kind=Session.Kind.GROUP_WORK).prefetch_related(
            "questions"
        )
    )
    delegations = list(
        filters.apply(Delegation.objects.filter(workshop=workshop)).select_related("workshop")
    )
    states = work_states(delegations=delegations, sessions=sessions)

    def cell(delegation, session):
        state = states[(delegation.pk, session.pk)]
        last_saved = state.last_edit_at
        return BoardCell(
            session=session,
            summary=state.summary,
            state=state.state,
            answered=state.answered,
            questions=state.questions,
            words=state.words,
            last_saved=last_saved,
            seconds_ago=max(int((now - last_saved).total_seconds()), 0) if last_saved else None,
            last_saved_by=state.last_edit_by,
        )

    return Board(
        workshop=workshop,
        filters=filters,
        sessions=tuple(sessions),
        rows=tuple(
            BoardRow(
                delegation=delegation,
                cells=tuple(cell(delegation, session) for session in sessions),
                actions=states[(delegation.pk, None)].actions,
                ta_requests=states[(delegation.pk, None)].ta_requests,
                plan_state=states[(delegation.pk, None)].state,
            )
            for delegation in delegations
        ),
        now=now,
    )
