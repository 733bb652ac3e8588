"""The session summary: the page (autosaved, or a plain form post), its history,
submit and reopen, the countdown, and the organisers' overview of a session."""

from dataclasses import replace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

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
from ..forms import SummaryDetailsForm, answer_form_for
from ..models import Answer, Summary
from .common import closed_refusal, flat_errors, json_login_required, stale_refusal


def _find_summary(request, workshop, delegation, session, *, create):
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


def _editable(request, workshop, delegation, session):
    access, summary = _find_summary(request, workshop, delegation, session, create=True)
    if not access.can_edit:
        raise Http404("Read-only access.")
    return summary


def _answer_values(answer, question=None):
    question = question or (answer.question if answer else None)
    values = {
        "text": answer.text if answer else "",
        "discussed": answer.discussed if answer else False,
        "language": answer.language if answer else "",
    }
    if question is not None and kinds.is_structured(question):
        values.update(kinds.to_fields(question, answer.data if answer else {}))
    return values


def _answer_json(answer, question=None):
    question = question or (answer.question if answer else None)
    flag = kinds.financing_flag(question, answer.data) if answer and question else None
    return {
        "version": answer.version if answer else 0,
        "text": answer.text if answer else "",
        "discussed": answer.discussed if answer else False,
        "language": answer.language if answer else "",
        "saved_at": answer.edited_at.isoformat() if answer and answer.edited_at else None,
        "saved_by": answer.edited_by.get_username() if answer and answer.edited_by else "",
        "values": _answer_values(answer, question),
        # A financing mix whose shares do not add up to 100 % (saved anyway).
        "flag": flag,
        # Fields that (in part) came from another laptop's save, merged into this one.
        "merged_from": list(getattr(answer, "merged_from", ())),
    }


def _refusal(exc, question=None):
    if isinstance(exc, services.StaleEdit):
        return stale_refusal(_answer_json(exc.current, question), exc.merge)
    return closed_refusal(exc)


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
            data=_answer_input(form),
            user=request.user,
        )
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    except (services.StaleEdit, services.WritingClosed) as exc:
        return _refusal(exc, question)
    return JsonResponse(_answer_json(answer, question))


def _answer_input(form):
    data = form.cleaned_data
    return services.AnswerInput(
        text=data.get("text", ""),
        discussed=data["discussed"],
        language=data["language"],
        base_version=data["version"],
        posted=data.get("posted"),
    )


@json_login_required
@require_POST
def details_save(request, workshop, delegation, session):
    summary = _editable(request, workshop, delegation, session)
    form = SummaryDetailsForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": " ".join(flat_errors(form))}, status=400)
    try:
        summary = services.summary_details_save(
            summary=summary,
            participants=form.cleaned_data["participants"],
            rapporteur=form.cleaned_data["rapporteur"],
            base_version=form.cleaned_data["version"],
            user=request.user,
        )
    except services.StaleEdit as exc:
        return stale_refusal(_details_json(exc.current), exc.merge)
    except services.WritingClosed as exc:
        return _refusal(exc)
    return JsonResponse(_details_json(summary))


def _details_json(summary):
    return {
        "version": summary.version,
        "participants": summary.participants,
        "rapporteur": summary.rapporteur,
        "text": summary.participants,
        "saved_at": summary.updated_at.isoformat(),
        "values": {"participants": summary.participants, "rapporteur": summary.rapporteur},
        "merged_from": list(getattr(summary, "merged_from", ())),
    }


@login_required
def summary_page(request, workshop, delegation, session):
    access, summary = _find_summary(request, workshop, delegation, session, create=True)
    if summary.session.kind == summary.session.Kind.ACTION_PLANNING:
        return redirect(access.delegation.get_plan_url())
    workshop = summary.session.workshop
    language = selectors.content_language(
        workshop, request.GET.get("lang"), (access.delegation.language, request.LANGUAGE_CODE)
    )
    page = selectors.summary_page(summary=summary, language=language)
    posted = details_conflict = None
    if request.method == "POST" and access.can_edit:
        posted = _save_posted_summary(request, page)
        if posted.ok:
            messages.success(request, _("Your summary is saved."))
            return redirect(request.get_full_path())
        page = selectors.summary_page(summary=summary, language=language)
        details_conflict = posted.conflicts.get("details")
        details = posted.values.get("details")
        if details is not None:
            # Display only, never saved: show what was posted, against the current version.
            summary.participants = details.get("participants", "")
            summary.rapporteur = details.get("rapporteur", "")
            if details_conflict is not None:
                summary.version = details_conflict.version
        page = replace(
            page,
            questions=tuple(
                replace(
                    q,
                    posted=posted.values.get(q.number),
                    conflict=posted.conflicts.get(q.number),
                    bound_form=_shown_form(posted, q),
                )
                for q in page.questions
            ),
        )
    return render(
        request,
        "summaries/summary.html",
        {
            "page": page,
            "access": access,
            "workshop": workshop,
            "delegation": access.delegation,
            "posted": posted,
            "details_conflict": details_conflict,
            "write": permissions.can_write_summary(summary, access=access),
            "status_change": permissions.can_change_summary_status(summary, access=access),
            "content_languages": [(c, content_language_name(c)) for c in workshop.language_codes],
            "all_content_languages": settings.CONTENT_LANGUAGES,
            "answer_max_length": settings.ANSWER_MAX_LENGTH,
        },
    )


def _shown_form(posted, question_view):
    """After a refused post: the posted form of a structured answer, so what was typed
    stays in the controls (after a conflict too, beside the saved answer, with the
    version updated as for a text)."""
    if question_view.question.kind == "text":
        return None
    return posted.forms.get(question_view.number)


class PostedSummary:
    """What a plain (JavaScript-free) form post carried, and what was refused."""

    def __init__(self):
        self.values = {}
        self.forms = {}  # question number -> the bound answer form, shown again
        self.errors = {}
        self.conflicts = {}

    @property
    def ok(self):
        return not self.errors and not self.conflicts


def _save_posted_summary(request, page):
    posted = PostedSummary()
    summary = page.summary
    details = SummaryDetailsForm(request.POST, prefix="details")
    stored = {q.number: q.answer.data if q.answer else {} for q in page.questions}
    forms = [(None, details)] + [
        (
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
    for question_view, form in forms:
        key = question_view.number if question_view else "details"
        posted.values[key] = {
            name: request.POST.get(form.add_prefix(name), "") for name in form.fields
        }
        if question_view is not None:
            posted.forms[key] = form
        if not form.is_valid():
            posted.errors[key] = flat_errors(form)
            continue
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
                    delegation=summary.delegation,
                    question=question_view.question,
                    data=_answer_input(form),
                    user=request.user,
                )
        except ValidationError as exc:
            posted.errors[key] = exc.messages
        except services.StaleEdit as exc:
            posted.conflicts[key] = exc.current
        except services.WritingClosed as exc:
            posted.errors[key] = [exc.reason]
    return posted


@login_required
@require_POST
def summary_submit(request, workshop, delegation, session):
    summary = _editable(request, workshop, delegation, session)
    try:
        services.summary_submit(summary=summary, user=request.user)
    except services.WritingClosed as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(
            request, _("Summary submitted. You can reopen it until the session closes.")
        )
    return redirect(summary.get_absolute_url())


@login_required
@require_POST
def summary_reopen(request, workshop, delegation, session):
    summary = _editable(request, workshop, delegation, session)
    try:
        services.summary_reopen(summary=summary, user=request.user)
    except services.WritingClosed as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, _("Summary reopened for editing."))
    return redirect(summary.get_absolute_url())


@json_login_required
@require_POST
def timer_start(request, workshop, delegation, session):
    summary = _editable(request, workshop, delegation, session)
    try:
        summary = services.summary_timer_start(
            summary=summary, restart=request.POST.get("restart") == "1"
        )
    except services.WritingClosed as exc:
        return _refusal(exc)
    return JsonResponse({"started_at": summary.timer_started_at.isoformat()})


@login_required
@require_GET
def answer_history(request, workshop, delegation, session, number):
    access, summary = _find_summary(request, workshop, delegation, session, create=False)
    answer = get_object_or_404(
        Answer.objects.select_related("question"), summary__pk=summary.pk, question__number=number
    )
    versions = answer.history.select_related("history_user").order_by("-version", "-history_id")
    question = answer.question
    structured = kinds.is_structured(question)
    # A structured answer is shown as its rows read (chosen options, shares, milestones).
    versions = [
        (version, kinds.as_text(question, version.data) if structured else version.text)
        for version in versions
    ]
    return render(
        request,
        "summaries/answer_history.html",
        {
            "answer": answer,
            "summary": summary,
            "versions": versions,
            "access": access,
            "write": permissions.can_write_summary(summary, access=access),
        },
    )


@login_required
@require_POST
def answer_restore(request, workshop, delegation, session, number):
    summary = _editable(request, workshop, delegation, session)
    answer = get_object_or_404(Answer, summary=summary, question__number=number)
    try:
        history_id = int(request.POST.get("history_id", ""))
        services.answer_restore(answer=answer, history_id=history_id, user=request.user)
    except (ValueError, answer.history.model.DoesNotExist):
        raise Http404("No such version.") from None
    except services.WritingClosed as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, _("The earlier version is restored as the newest version."))
    return redirect(summary.get_absolute_url() + f"#question-{number}")


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
