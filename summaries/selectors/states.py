"""Where a delegation stands in a session: the one place that decides it.

The workshop page, the delegation page, the organisers' overview of a session and
the board all show :class:`WorkState`\\ s from :func:`work_states`, so they never
disagree. A group-work session's state comes from the delegation's summary; the
action-planning session's (Day 3) from its plan:

- ``not_started``: nothing written yet (no answer, no details; no plan item);
- ``draft``: something written, not submitted (a plan not marked final);
- ``submitted``: the summary is submitted;
- ``final``: the plan is marked final.

"Last edit" is the latest save of what the delegation wrote (an answer, the details,
a plan item), with who saved it.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, prefetch_related_objects

from common.text import word_count
from sessions.models import Session

from ..models import ActionItem, ActionPlan, Answer, Summary, TARequest


@dataclass(frozen=True)
class WorkState:
    session: Session | None  # None: the plan of a workshop without a Day 3 session
    state: str
    answered: int = 0  # answers written: text or a structured answer (group work)
    questions: int = 0
    words: int = 0
    actions: int = 0  # live plan items (action planning)
    ta_requests: int = 0
    last_edit_at: dt.datetime | None = None
    last_edit_by: str = ""
    summary: Summary | None = None

    @property
    def is_plan(self):
        return self.session is None or self.session.kind == Session.Kind.ACTION_PLANNING

    @property
    def count(self):
        """What the state counts: answers written, or plan items."""
        return self.actions + self.ta_requests if self.is_plan else self.answered


def _summary_state(session, summary):
    answers = list(summary.answers.all()) if summary else []
    # Written: a text, or a structured answer (options, shares, milestones) in ``data``.
    written = [answer for answer in answers if answer.text.strip() or answer.data]
    edits = [(a.updated_at, a.edited_by.get_username() if a.edited_by else "") for a in answers]
    if summary is not None and summary.details_saved_at is not None:
        saved_by = summary.edited_by
        edits.append((summary.details_saved_at, saved_by.get_username() if saved_by else ""))
    last_at, last_by = max(edits, key=lambda edit: edit[0], default=(None, ""))
    if summary is None or (not written and summary.version == 1):
        state = "not_started"
    else:
        state = summary.status
    return WorkState(
        session=session,
        state=state,
        answered=len(written),
        questions=len(session.questions.all()),
        words=sum(word_count(a.text, a.language) for a in written),
        last_edit_at=last_at,
        last_edit_by=last_by,
        summary=summary,
    )


def plan_state(session, plan, items):
    """The Day 3 state of a plan (``None`` if never saved) and its live ``items``
    (``(kind, updated_at, edited_by)`` tuples)."""
    last_at, last_by = max(((at, by) for _kind, at, by in items), default=(None, ""))
    if plan is not None and plan.status == ActionPlan.Status.FINAL:
        state = "final"
    elif plan is not None or items:
        state = "draft"
    else:
        state = "not_started"
    return WorkState(
        session=session,
        state=state,
        actions=sum(1 for kind, _at, _by in items if kind == "action"),
        ta_requests=sum(1 for kind, _at, _by in items if kind == "ta"),
        last_edit_at=last_at,
        last_edit_by=last_by or "",
    )


def work_states(*, delegations, sessions):
    """``{(delegation id, session id): WorkState}`` for every delegation × session,
    plus ``{(delegation id, None): WorkState}`` for each delegation's plan.

    Six queries at most whatever the number of delegations (five when ``sessions``
    come with their questions prefetched).
    """
    sessions = list(sessions)
    prefetch_related_objects(sessions, "questions")
    delegation_ids = [d.pk for d in delegations]
    group = [s for s in sessions if s.kind != Session.Kind.ACTION_PLANNING]
    summaries = {
        (summary.delegation_id, summary.session_id): summary
        for summary in Summary.objects.filter(
            session__in=[s.pk for s in group], delegation__in=delegation_ids
        )
        .select_related("edited_by")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.only(
                    "summary_id", "text", "data", "language", "updated_at", "edited_by"
                ).select_related("edited_by"),
            )
        )
    }
    plans = {
        plan.delegation_id: plan
        for plan in ActionPlan.objects.filter(delegation__in=delegation_ids).only(
            "delegation_id", "status"
        )
    }
    items = {pk: [] for pk in delegation_ids}
    for kind, model in (("action", ActionItem), ("ta", TARequest)):
        rows = model.objects.live().filter(delegation__in=delegation_ids).order_by()
        for delegation_id, at, by in rows.values_list(
            "delegation_id", "updated_at", "edited_by__username"
        ):
            items[delegation_id].append((kind, at, by))
    states = {}
    for delegation_id in delegation_ids:
        plan = plan_state(None, plans.get(delegation_id), items[delegation_id])
        states[(delegation_id, None)] = plan
        for session in sessions:
            if session.kind == Session.Kind.ACTION_PLANNING:
                states[(delegation_id, session.pk)] = plan_state(
                    session, plans.get(delegation_id), items[delegation_id]
                )
            else:
                states[(delegation_id, session.pk)] = _summary_state(
                    session, summaries.get((delegation_id, session.pk))
                )
    return states


def delegation_states(*, delegation, sessions):
    """One :class:`WorkState` per session of ``sessions``, for one delegation."""
    sessions = list(sessions)
    states = work_states(delegations=[delegation], sessions=sessions)
    return [states[(delegation.pk, session.pk)] for session in sessions]
