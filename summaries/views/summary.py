"""The session summary: the page (autosaved, or a plain form post), its history,
submit and reopen, the countdown, and the organisers' overview of a session."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delegations import permissions
from delegations.permissions import (
    delegation_access,
    delegation_for,
    own_delegation,
    workshop_for,
)
from sessions import kinds
from sessions.i18n import content_language_name

from .. import selectors, services
from ..forms import (
    SummaryDetailsForm,
    answer_form_for,
    details_initial,
    form_values,
    stored_answer_form,
)
from ..live import notify
from ..models import Answer, Summary
from .common import (
    closed_refusal,
    conflicting_fields,
    flat_errors,
    json_login_required,
    stale_refusal,
    unit_json,
    writer_of,
)


def find_summary(request, workshop, delegation, session, *, create):
    """(access, summary) for the URL, or 404 when the user may not see it.

    Readers who cannot edit never create a summary: they see an unsaved, empty one.
    """
    access = delegation_access(request.user, workshop, delegation)
    workshop = access.delegation.workshop
    session = permissions.session_for(request.user, workshop, session, as_member=access.can_edit)
    if create and access.can_edit:
        summary = services.summary_get_or_create(delegation=access.delegation, session=session)
    else:
        summary = Summary.objects.filter(delegation=access.delegation, session=session).first()
        summary = summary or Summary(delegation=access.delegation, session=session)
    summary.session = session
    summary.delegation = access.delegation
    return access, summary


def editable_summary(request, workshop, delegation, session):
    access, summary = find_summary(request, workshop, delegation, session, create=True)
    if not access.can_edit:
        raise Http404("Read-only access.")
    return summary


def _answer_json(question, answer, delegation):
    form = stored_answer_form(question, answer, delegation)
    return unit_json(
        form_values(form),
        version=answer.version if answer else 0,
        saved_at=answer.updated_at if answer else None,
        saved_by=answer.edited_by if answer else None,
        merged_from=getattr(answer, "merged_from", ()),
        # A financing mix whose shares do not add up to 100 % (saved anyway).
        flag=kinds.financing_flag(question, answer.data) if answer else None,
        figures=getattr(form, "totals", ()),
    )


def _details_json(summary):
    return unit_json(
        form_values(SummaryDetailsForm(initial=details_initial(summary))),
        version=summary.version,
        saved_at=summary.updated_at,
        merged_from=getattr(summary, "merged_from", ()),
    )


@json_login_required
@require_POST
def answer_save(request, workshop, delegation, session, number):
    # The hot path of autosave: two queries to find and check, the rest in the service.
    access = delegation_access(request.user, workshop, delegation)
    if not access.can_edit:
        raise Http404("Read-only access.")
    question = permissions.question_for(
        workshop=access.delegation.workshop, session_code=session, number=number
    )
    stored = {}
    if kinds.is_structured(question):  # the controls not posted keep their stored values
        answer = Answer.objects.filter(
            summary__delegation=access.delegation, question=question
        ).first()
        stored = answer.data if answer else {}
    form = answer_form_for(question, data=request.POST, stored=stored)
    if not form.is_valid():
        return JsonResponse({"error": " ".join(flat_errors(form))}, status=400)
    try:
        answer = services.answer_save(
            delegation=access.delegation,
            question=question,
            data=services.AnswerInput(
                **form.answer_data(), base_version=form.cleaned_data["version"]
            ),
            user=request.user,
            writers=[writer_of(request)],
        )
        notify.after_write(
            notify.Room("summary", access.delegation, question.session), user=request.user
        )
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    except services.StaleEdit as exc:
        return stale_refusal(_answer_json(question, exc.current, access.delegation), exc.merge)
    except services.WritingClosed as exc:
        return closed_refusal(exc)
    return JsonResponse(_answer_json(question, answer, access.delegation))


@json_login_required
@require_POST
def details_save(request, workshop, delegation, session):
    summary = editable_summary(request, workshop, delegation, session)
    form = SummaryDetailsForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": " ".join(flat_errors(form))}, status=400)
    room = notify.summary_room(summary)
    try:
        summary = services.summary_details_save(
            summary=summary,
            participants=form.cleaned_data["participants"],
            rapporteur=form.cleaned_data["rapporteur"],
            base_version=form.cleaned_data["version"],
            user=request.user,
            writers=[writer_of(request)],
        )
        notify.after_write(room, user=request.user)
    except services.StaleEdit as exc:
        return stale_refusal(_details_json(exc.current), exc.merge)
    except services.WritingClosed as exc:
        return closed_refusal(exc)
    return JsonResponse(_details_json(summary))


@login_required
def summary_page(request, workshop, delegation, session):
    access, summary = find_summary(request, workshop, delegation, session, create=True)
    if summary.session.kind == summary.session.Kind.ACTION_PLANNING:
        return redirect(access.delegation.get_plan_url())
    workshop = summary.session.workshop
    language = selectors.content_language(
        workshop, request.GET.get("lang"), (access.delegation.language, request.LANGUAGE_CODE)
    )
    write = permissions.can_write_summary(summary, access=access)
    page = selectors.summary_page(summary=summary, language=language)
    posted = None
    if request.method == "POST" and access.can_edit:
        posted = _save_posted_summary(request, page, readonly=not write.allowed)
        if posted.ok:
            messages.success(request, _("Your summary is saved."))
            return redirect(request.get_full_path())
        summary.refresh_from_db()
        page = selectors.summary_page(summary=summary, language=language)
        write = permissions.can_write_summary(summary, access=access)
    return render(
        request,
        "summaries/summary.html",
        {
            "page": page,
            "access": access,
            "workshop": workshop,
            "delegation": access.delegation,
            "posted": posted,
            "details": _details_unit(summary, posted, readonly=not write.allowed),
            "questions": [
                _answer_unit(q, access.delegation, posted, readonly=not write.allowed)
                for q in page.questions
            ],
            "write": write,
            "status_change": permissions.can_change_summary_status(summary, access=access),
            "content_languages": [(c, content_language_name(c)) for c in workshop.language_codes],
        },
    )


@dataclass(frozen=True)
class Unit:
    """One editable unit of the session page: its form (bound to what a refused plain
    post carried, so that every typed character is shown again) and, after a refused
    stale post, the fields the server holds differently, as ``(label, value)``."""

    form: object
    conflict: tuple = ()
    question: object = None  # the QuestionView of an answer


def _answer_unit(question_view, delegation, posted, *, readonly):
    key = question_view.number
    if posted is not None and key in posted.forms:
        return Unit(posted.forms[key], posted.conflicts.get(key, ()), question_view)
    form = stored_answer_form(
        question_view.question,
        question_view.answer,
        delegation,
        language=question_view.language,
        prefix=f"q{key}",
        readonly=readonly,
    )
    return Unit(form, (), question_view)


def _details_unit(summary, posted, *, readonly):
    if posted is not None and "details" in posted.forms:
        return Unit(posted.forms["details"], posted.conflicts.get("details", ()))
    form = SummaryDetailsForm(initial=details_initial(summary), prefix="details", readonly=readonly)
    return Unit(form)


class PostedSummary:
    """What a plain (JavaScript-free) form post carried and was refused: by unit key
    (``"details"`` or a question number), the bound forms, the errors and conflicts."""

    def __init__(self):
        self.forms = {}
        self.errors = {}
        self.conflicts = {}

    @property
    def ok(self):
        return not self.errors and not self.conflicts


def _save_posted_summary(request, page, *, readonly):
    posted = PostedSummary()
    summary = page.summary
    delegation = summary.delegation
    stored = {q.number: q.answer.data if q.answer else {} for q in page.questions}
    units = [("details", None, SummaryDetailsForm(request.POST, prefix="details"))] + [
        (
            q.number,
            q,
            answer_form_for(
                q.question,
                data=request.POST,
                prefix=f"q{q.number}",
                stored=stored[q.number],
                language=q.language,
            ),
        )
        for q in page.questions
    ]
    notify.after_write(notify.summary_room(summary), user=request.user)
    for key, question_view, form in units:
        refused = None
        if not form.is_valid():
            posted.errors[key] = flat_errors(form)
            refused = form.data
        else:
            data = form.cleaned_data
            try:
                if question_view is None:
                    services.summary_details_save(
                        summary=summary,
                        participants=data["participants"],
                        rapporteur=data["rapporteur"],
                        base_version=data["version"],
                        user=request.user,
                    )
                else:
                    services.answer_save(
                        delegation=delegation,
                        question=question_view.question,
                        data=services.AnswerInput(
                            **form.answer_data(), base_version=data["version"]
                        ),
                        user=request.user,
                    )
            except ValidationError as exc:
                posted.errors[key] = exc.messages
                refused = form.data
            except services.StaleEdit as exc:
                if question_view is None:
                    current = SummaryDetailsForm(initial=details_initial(exc.current))
                    version = exc.current.version
                else:
                    current = stored_answer_form(
                        question_view.question,
                        exc.current,
                        delegation,
                        language=question_view.language,
                    )
                    version = exc.current.version if exc.current else 0
                    if exc.current is not None:
                        stored[key] = exc.current.data
                posted.conflicts[key] = conflicting_fields(form, current, exc.merge)
                # The posted text comes back based on the current version: saving it
                # again is a deliberate choice, made with both texts in view.
                refused = request.POST.copy()
                refused[form.add_prefix("version")] = version
            except services.WritingClosed as exc:
                posted.errors[key] = [exc.reason]
                refused = form.data
        if refused is not None:
            prefix = form.prefix
            if question_view is None:
                posted.forms[key] = SummaryDetailsForm(refused, prefix=prefix, readonly=readonly)
            else:
                posted.forms[key] = answer_form_for(
                    question_view.question,
                    data=refused,
                    prefix=prefix,
                    readonly=readonly,
                    stored=stored[key],
                    language=question_view.language,
                )
    return posted


@login_required
@require_POST
def summary_submit(request, workshop, delegation, session):
    summary = editable_summary(request, workshop, delegation, session)
    room = notify.summary_room(summary)
    try:
        notify.before_status_change(room, user=request.user)  # submit what the laptops show
        summary = services.summary_submit(summary=summary, user=request.user)
    except services.WritingClosed as exc:
        messages.error(request, exc.reason)
    else:
        summary.session = room.session
        notify.readonly(room, permissions.can_write_summary(summary).reason)
        messages.success(
            request, _("Summary submitted. You can reopen it until the session closes.")
        )
    return redirect(summary.get_absolute_url())


@login_required
@require_POST
def summary_reopen(request, workshop, delegation, session):
    summary = editable_summary(request, workshop, delegation, session)
    try:
        services.summary_reopen(summary=summary, user=request.user)
    except services.WritingClosed as exc:
        messages.error(request, exc.reason)
    else:
        notify.writable(notify.summary_room(summary))
        messages.success(request, _("Summary reopened for editing."))
    return redirect(summary.get_absolute_url())


@json_login_required
@require_POST
def timer_start(request, workshop, delegation, session):
    summary = editable_summary(request, workshop, delegation, session)
    try:
        summary = services.summary_timer_start(
            summary=summary, restart=request.POST.get("restart") == "1"
        )
    except services.WritingClosed as exc:
        return closed_refusal(exc)
    return JsonResponse({"started_at": summary.timer_started_at.isoformat()})


@login_required
def session_entry(request, workshop, session):
    """The session link on the workshop page: a member's own summary, or for
    organisers and facilitators the list of delegations' summaries."""
    workshop = workshop_for(request.user, workshop)
    session = permissions.session_for(request.user, workshop, session)
    delegation = own_delegation(request.user, workshop)
    if delegation is not None:
        return redirect(
            "summaries:summary",
            workshop=workshop.slug,
            delegation=delegation.slug,
            session=session.code,
        )
    return render(
        request,
        "summaries/session_overview.html",
        {"workshop": workshop, "session": session, "rows": selectors.session_overview(session)},
    )


@login_required
def delegation_page(request, workshop, delegation):
    workshop = workshop_for(request.user, workshop)
    access = delegation_for(request.user, workshop, delegation)
    sessions = list(permissions.sessions_visible_to(request.user, workshop))
    return render(
        request,
        "summaries/delegation.html",
        {
            "workshop": workshop,
            "delegation": access.delegation,
            "access": access,
            "cells": selectors.delegation_progress(delegation=access.delegation, sessions=sessions),
        },
    )
