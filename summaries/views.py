"""Delegation pages: the session summary (autosaved), its history, submit/reopen.

Each view finds its objects through the permission selectors, validates a form,
calls one service and responds. Autosave endpoints speak JSON; the same page also
works as a plain form post without JavaScript.
"""

import json
from dataclasses import replace
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from delegations.selectors import (
    delegation_access,
    delegation_for,
    own_delegation,
    workshop_for,
)
from sessions.i18n import content_language_name

from . import selectors, services
from .forms import PLAN_FORMS, AnswerForm, SummaryDetailsForm
from .models import ActionPlan, Answer, Summary


def json_login_required(view):
    """Like ``login_required``, but answers 401 in JSON so the page can keep the
    unsent text and ask the user to sign in again, instead of following a redirect."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return JsonResponse(
                {
                    "error": _(
                        "You have been signed out. Your text is kept in this browser: "
                        "sign in again and it will be offered back."
                    ),
                    "login_url": redirect_to_login(request.headers.get("Referer", "/")).url,
                },
                status=401,
            )
        return view(request, *args, **kwargs)

    return wrapper


def _find_summary(request, workshop, delegation, session, *, create):
    """(access, summary) for the URL, or 404 when the user may not see it.

    Readers who cannot edit never create a summary: they see an unsaved, empty one.
    """
    access = delegation_access(request.user, workshop, delegation)
    workshop = access.delegation.workshop
    session = selectors.session_for(request.user, workshop, session, as_member=access.can_edit)
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


def _answer_json(answer):
    return {
        "version": answer.version if answer else 0,
        "text": answer.text if answer else "",
        "discussed": answer.discussed if answer else False,
        "language": answer.language if answer else "",
        "saved_at": answer.edited_at.isoformat() if answer else None,
        "saved_by": answer.edited_by.get_username() if answer and answer.edited_by else "",
    }


def _refusal(exc):
    if isinstance(exc, services.StaleEdit):
        return JsonResponse(
            {
                "error": _(
                    "Someone else saved this while you were typing. "
                    "Both texts are shown: merge them, then save."
                ),
                "current": _answer_json(exc.current),
            },
            status=409,
        )
    return JsonResponse({"error": exc.reason, "closed": True}, status=403)


@json_login_required
@require_POST
def answer_save(request, workshop, delegation, session, number):
    # The hot path of autosave: two queries to find and check, the rest in the service.
    access = delegation_access(request.user, workshop, delegation)
    if not access.can_edit:
        raise Http404("Read-only access.")
    question = selectors.question_for(
        workshop=access.delegation.workshop, session_code=session, number=number
    )
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": " ".join(_flat_errors(form))}, status=400)
    try:
        answer = services.answer_save(
            delegation=access.delegation,
            question=question,
            data=services.AnswerInput(
                text=form.cleaned_data["text"],
                discussed=form.cleaned_data["discussed"],
                language=form.cleaned_data["language"],
                base_version=form.cleaned_data["version"],
            ),
            user=request.user,
        )
    except (services.StaleEdit, services.WritingClosed) as exc:
        return _refusal(exc)
    return JsonResponse(_answer_json(answer))


@json_login_required
@require_POST
def details_save(request, workshop, delegation, session):
    summary = _editable(request, workshop, delegation, session)
    form = SummaryDetailsForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": " ".join(_flat_errors(form))}, status=400)
    try:
        summary = services.summary_details_save(
            summary=summary,
            participants=form.cleaned_data["participants"],
            rapporteur=form.cleaned_data["rapporteur"],
            base_version=form.cleaned_data["version"],
            user=request.user,
        )
    except services.StaleEdit as exc:
        return JsonResponse(
            {
                "error": _(
                    "Someone else saved this while you were typing. "
                    "Both texts are shown: merge them, then save."
                ),
                "current": _details_json(exc.current),
            },
            status=409,
        )
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
    }


def _flat_errors(form):
    return [str(error) for errors in form.errors.values() for error in errors]


@login_required
def summary_page(request, workshop, delegation, session):
    access, summary = _find_summary(request, workshop, delegation, session, create=True)
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
                    q, posted=posted.values.get(q.number), conflict=posted.conflicts.get(q.number)
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
            "closed_reason": summary.session.closed_reason(),
            "content_languages": [(c, content_language_name(c)) for c in workshop.language_codes],
            "all_content_languages": settings.CONTENT_LANGUAGES,
            "answer_max_length": settings.ANSWER_MAX_LENGTH,
        },
    )


class PostedSummary:
    """What a plain (JavaScript-free) form post carried, and what was refused."""

    def __init__(self):
        self.values = {}
        self.errors = {}
        self.conflicts = {}

    @property
    def ok(self):
        return not self.errors and not self.conflicts


def _save_posted_summary(request, page):
    posted = PostedSummary()
    summary = page.summary
    details = SummaryDetailsForm(request.POST, prefix="details")
    forms = [(None, details)] + [
        (q, AnswerForm(request.POST, prefix=f"q{q.number}")) for q in page.questions
    ]
    for question_view, form in forms:
        key = question_view.number if question_view else "details"
        posted.values[key] = {
            name: request.POST.get(form.add_prefix(name), "") for name in form.fields
        }
        if not form.is_valid():
            posted.errors[key] = _flat_errors(form)
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
                    data=services.AnswerInput(
                        text=data["text"],
                        discussed=data["discussed"],
                        language=data["language"],
                        base_version=data["version"],
                    ),
                    user=request.user,
                )
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
    return render(
        request,
        "summaries/answer_history.html",
        {
            "answer": answer,
            "summary": summary,
            "versions": versions,
            "access": access,
            "closed_reason": summary.session.closed_reason(),
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
    session = selectors.session_for(request.user, workshop, session)
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
    sessions = list(selectors.sessions_visible_to(request.user, workshop))
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


# --- Day 3: the plan of actions and TA requests -------------------------------------


def _plan_item(request, workshop, delegation, kind, pk):
    """(access, item) for a plan item URL; 404 unless the user may read it."""
    workshop = workshop_for(request.user, workshop)
    access = delegation_for(request.user, workshop, delegation)
    model = services.PLAN_ITEM_MODELS.get(kind)
    if model is None:
        raise Http404("No such list.")
    item = get_object_or_404(model, delegation=access.delegation, pk=pk)
    return access, item


def _item_json(item, form_class):
    form = form_class(instance=item, delegation=item.delegation)
    values = {name: form[name].value() for name in form._meta.fields}
    values = {name: "" if value is None else value for name, value in values.items()}
    text = "\n".join(
        f"{form.fields[name].label}: {form[name].value() or ''}" for name in form._meta.fields
    )
    return {
        "version": item.version,
        "values": values,
        "text": text,
        "saved_at": item.updated_at.isoformat(),
    }


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


@login_required
def plan_page(request, workshop, delegation, bound=None):
    workshop = workshop_for(request.user, workshop)
    access = delegation_for(request.user, workshop, delegation)
    items = selectors.plan_items(delegation=access.delegation)
    bound = bound or {}

    def form_for(kind, item=None):
        key = (kind, item.pk if item else None)
        if key in bound:
            return bound[key]
        initial = {"version": item.version} if item else None
        return PLAN_FORMS[kind](instance=item, initial=initial, delegation=access.delegation)

    return render(
        request,
        "summaries/plan.html",
        {
            "workshop": workshop,
            "delegation": access.delegation,
            "access": access,
            "items": items,
            "actions": [(item, form_for("action", item)) for item in items.actions],
            "ta_requests": [(item, form_for("ta", item)) for item in items.ta_requests],
            "new_action": form_for("action"),
            "new_ta": form_for("ta"),
            "closed_reason": services.plan_closed_reason(access.delegation),
        },
    )


@login_required
@require_POST
def plan_item_create(request, workshop, delegation, kind):
    workshop = workshop_for(request.user, workshop)
    access = delegation_for(request.user, workshop, delegation)
    form_class = PLAN_FORMS.get(kind)
    if not access.can_edit or form_class is None:
        raise Http404("Read-only access.")
    form = form_class(request.POST, delegation=access.delegation)
    if not form.is_valid():
        return plan_page(request, workshop.slug, delegation, bound={(kind, None): form})
    try:
        item = services.plan_item_create(
            delegation=access.delegation, kind=kind, data=form.item_data(), user=request.user
        )
    except services.WritingClosed as exc:
        messages.error(request, exc.reason)
        return plan_page(request, workshop.slug, delegation, bound={(kind, None): form})
    messages.success(request, _("Added."))
    return redirect(access.delegation.get_plan_url() + f"#{kind}-{item.pk}")


@json_login_required
@require_POST
def plan_item_save(request, workshop, delegation, kind, pk):
    access, item = _plan_item(request, workshop, delegation, kind, pk)
    if not access.can_edit:
        raise Http404("Read-only access.")
    form_class = PLAN_FORMS[kind]
    form = form_class(request.POST, instance=item, delegation=access.delegation)
    refusal = None
    if not form.is_valid():
        refusal = JsonResponse({"error": " ".join(_flat_errors(form))}, status=400)
    else:
        try:
            item = services.plan_item_update(
                item=item,
                data=form.item_data(),
                base_version=form.cleaned_data["version"] or 0,
                user=request.user,
            )
        except services.StaleEdit as exc:
            refusal = JsonResponse(
                {
                    "error": _(
                        "Someone else saved this while you were typing. "
                        "Both texts are shown: merge them, then save."
                    ),
                    "current": _item_json(exc.current, form_class),
                },
                status=409,
            )
            # Without JavaScript the form comes back with the posted text, now based on
            # the current version, so that saving it again is a deliberate choice.
            posted = request.POST.copy()
            posted["version"] = exc.current.version
            form = form_class(posted, instance=item, delegation=access.delegation)
        except services.WritingClosed as exc:
            refusal = _refusal(exc)
    if _wants_json(request):
        return refusal or JsonResponse(_item_json(item, form_class))
    if refusal is not None:
        # Without JavaScript: show the page again with the posted values and the error.
        messages.error(request, json.loads(refusal.content)["error"])
        return plan_page(request, workshop, delegation, bound={(kind, pk): form})
    messages.success(request, _("Saved."))
    return redirect(access.delegation.get_plan_url() + f"#{kind}-{pk}")


@login_required
@require_POST
def plan_item_delete(request, workshop, delegation, kind, pk):
    access, item = _plan_item(request, workshop, delegation, kind, pk)
    if not access.can_edit:
        raise Http404("Read-only access.")
    try:
        services.plan_item_delete(item=item, base_version=int(request.POST.get("version", "0")))
    except services.StaleEdit:
        messages.error(
            request, _("Someone changed this item since you opened the page; it was not removed.")
        )
    except services.WritingClosed as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, _("Removed."))
    return redirect(access.delegation.get_plan_url())


@login_required
@require_POST
def plan_item_move(request, workshop, delegation, kind, pk):
    access, item = _plan_item(request, workshop, delegation, kind, pk)
    if not access.can_edit:
        raise Http404("Read-only access.")
    try:
        services.plan_item_move(item=item, direction=request.POST.get("direction", "down"))
    except services.WritingClosed as exc:
        messages.error(request, exc.reason)
    return redirect(access.delegation.get_plan_url() + f"#{kind}-{pk}")


@login_required
@require_POST
def plan_prefill(request, workshop, delegation):
    workshop = workshop_for(request.user, workshop)
    access = delegation_for(request.user, workshop, delegation)
    if not access.can_edit:
        raise Http404("Read-only access.")
    try:
        created, refreshed = services.plan_prefill(delegation=access.delegation, user=request.user)
    except services.WritingClosed as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(
            request,
            _(
                "Draft from the summaries: %(created)s new items, %(refreshed)s updated. "
                "Items you edited were left as they are."
            )
            % {"created": created, "refreshed": refreshed},
        )
    return redirect(access.delegation.get_plan_url())


@login_required
@require_POST
def plan_status(request, workshop, delegation):
    workshop = workshop_for(request.user, workshop)
    access = delegation_for(request.user, workshop, delegation)
    status = request.POST.get("status")
    if not access.can_edit or status not in ActionPlan.Status.values:
        raise Http404("Read-only access.")
    try:
        services.plan_set_status(delegation=access.delegation, status=status, user=request.user)
    except services.WritingClosed as exc:
        messages.error(request, exc.reason)
    return redirect(access.delegation.get_plan_url())


@login_required
@require_GET
def plan_item_history(request, workshop, delegation, kind, pk):
    access, item = _plan_item(request, workshop, delegation, kind, pk)
    return render(
        request,
        "summaries/plan_item_history.html",
        {
            "delegation": access.delegation,
            "item": item,
            "kind": kind,
            "versions": item.history.select_related("history_user").order_by("-history_id"),
        },
    )
