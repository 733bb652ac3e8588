"""Day 3: the delegation's plan of actions and TA requests, edited item by item with
the same guarantees as summaries (versioned saves, history, read-only when closed)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from delegations import permissions
from delegations.permissions import delegation_for, workshop_for
from sessions.i18n import content_language_name

from .. import selectors, services
from ..forms import PLAN_FORMS, form_values
from ..live import notify
from ..models import ActionPlan, Summary
from ..selectors import history
from .common import (
    closed_refusal,
    conflicting_fields,
    flat_errors,
    json_login_required,
    stale_refusal,
    unit_json,
    wants_json,
    writer_of,
)


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
    values = form_values(form)
    body = unit_json(
        {name: values[name] for name in form._meta.fields},
        version=item.version,
        saved_at=item.updated_at,
        saved_by=item.edited_by,
        merged_from=getattr(item, "merged_from", ()),
    )
    if item.removed_at is not None:  # removed on another laptop: the page says so
        body["removed"] = True
    return body


@login_required
def plan_page(request, workshop, delegation, bound=None, conflicts=None):
    """The plan; after a refused post without JavaScript, ``bound`` holds the posted
    forms by ``(kind, pk)`` and ``conflicts`` what the server holds where a stale post
    differs from it (``conflicting_fields``), shown beside the posted text."""
    workshop = workshop_for(request.user, workshop)
    access = delegation_for(request.user, workshop, delegation)
    items = selectors.plan_items(delegation=access.delegation)
    bound = bound or {}
    conflicts = conflicts or {}
    # The Day 3 session's guidance, instructions and time box, as on any session page.
    day3 = permissions.action_planning_session(workshop.pk)
    page = None
    if day3 is not None:
        if access.can_edit:
            summary = services.summary_get_or_create(delegation=access.delegation, session=day3)
        else:
            summary = Summary(delegation=access.delegation, session=day3)
        language = selectors.content_language(
            workshop, request.GET.get("lang"), (access.delegation.language, request.LANGUAGE_CODE)
        )
        page = selectors.session_page(session=day3, language=language, summary=summary)

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
            "page": page,
            "content_languages": [(c, content_language_name(c)) for c in workshop.language_codes],
            # Just removed (``?removed=action-12``): the page offers "Undo" for it at once.
            "just_removed": next(
                (
                    (kind, item)
                    for kind, item in items.removed
                    if f"{kind}-{item.pk}" == request.GET.get("removed")
                ),
                None,
            ),
            "actions": [
                (item, form_for("action", item), conflicts.get(("action", item.pk)))
                for item in items.actions
            ],
            "ta_requests": [
                (item, form_for("ta", item), conflicts.get(("ta", item.pk)))
                for item in items.ta_requests
            ],
            "new_action": form_for("action"),
            "new_ta": form_for("ta"),
            "write": permissions.can_edit_plan(access.delegation, plan=items.plan, access=access),
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
        notify.after_write(notify.plan_room(access.delegation), user=request.user, structure=True)
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
    refusal, conflict = None, None
    if not form.is_valid():
        refusal = JsonResponse({"error": " ".join(flat_errors(form))}, status=400)
    else:
        try:
            item = services.plan_item_update(
                item=item,
                data=form.item_data(),
                base_version=form.cleaned_data["version"] or 0,
                user=request.user,
                writers=[writer_of(request)],
            )
            notify.after_write(notify.plan_room(access.delegation), user=request.user)
        except services.StaleEdit as exc:
            refusal = stale_refusal(_item_json(exc.current, form_class), exc.merge)
            # Without JavaScript the form comes back with the posted text, now based on
            # the current version, so that saving it again is a deliberate choice.
            conflict = conflicting_fields(
                form, form_class(instance=exc.current, delegation=access.delegation), exc.merge
            )
            posted = request.POST.copy()
            posted["version"] = exc.current.version
            form = form_class(posted, instance=item, delegation=access.delegation)
        except services.WritingClosed as exc:
            refusal = closed_refusal(exc)
    if wants_json(request):
        return refusal or JsonResponse(_item_json(item, form_class))
    if refusal is not None:
        # Without JavaScript: show the page again with the posted values and the error.
        messages.error(request, json.loads(refusal.content)["error"])
        return plan_page(
            request,
            workshop,
            delegation,
            bound={(kind, pk): form},
            conflicts={(kind, pk): conflict} if conflict else None,
        )
    messages.success(request, _("Saved."))
    return redirect(access.delegation.get_plan_url() + f"#{kind}-{pk}")


@login_required
@require_POST
def plan_item_delete(request, workshop, delegation, kind, pk):
    access, item = _plan_item(request, workshop, delegation, kind, pk)
    if not access.can_edit:
        raise Http404("Read-only access.")
    try:
        base_version = int(request.POST.get("version", "0"))
    except ValueError:
        return HttpResponseBadRequest(
            _("The version sent with this form is not a number. Reload the page and try again."),
            content_type="text/plain; charset=utf-8",
        )
    try:
        services.plan_item_remove(item=item, base_version=base_version, user=request.user)
        notify.after_write(notify.plan_room(access.delegation), user=request.user, structure=True)
    except services.StaleEdit:
        messages.error(
            request, _("Someone changed this item since you opened the page; it was not removed.")
        )
    except services.WritingClosed as exc:
        messages.error(request, exc.reason)
    else:
        # The page offers "Undo" for this item at once (and "put back" in its list).
        return redirect(access.delegation.get_plan_url() + f"?removed={kind}-{pk}#removed")
    return redirect(access.delegation.get_plan_url())


@login_required
@require_POST
def plan_item_put_back(request, workshop, delegation, kind, pk):
    access, item = _plan_item(request, workshop, delegation, kind, pk)
    if not access.can_edit:
        raise Http404("Read-only access.")
    try:
        services.plan_item_put_back(item=item, user=request.user)
        notify.after_write(notify.plan_room(access.delegation), user=request.user, structure=True)
    except services.WritingClosed as exc:
        messages.error(request, exc.reason)
        return redirect(access.delegation.get_plan_url())
    messages.success(request, _("Put back on the plan."))
    return redirect(access.delegation.get_plan_url() + f"#{kind}-{pk}")


@login_required
@require_POST
def plan_item_restore(request, workshop, delegation, kind, pk):
    access, item = _plan_item(request, workshop, delegation, kind, pk)
    if not access.can_edit:
        raise Http404("Read-only access.")
    try:
        history_id = int(request.POST.get("history_id", ""))
        services.plan_item_restore(item=item, history_id=history_id, user=request.user)
        notify.after_write(notify.plan_room(access.delegation), user=request.user)
    except (ValueError, item.history.model.DoesNotExist):
        raise Http404("No such version.") from None
    except services.WritingClosed as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, _("The earlier version is restored as the newest version."))
    return redirect(access.delegation.get_plan_url() + f"#{kind}-{pk}")


@login_required
@require_POST
def plan_item_move(request, workshop, delegation, kind, pk):
    access, item = _plan_item(request, workshop, delegation, kind, pk)
    if not access.can_edit:
        raise Http404("Read-only access.")
    try:
        services.plan_item_move(item=item, direction=request.POST.get("direction", "down"))
        notify.after_write(notify.plan_room(access.delegation), user=request.user, structure=True)
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
        notify.after_write(notify.plan_room(access.delegation), user=request.user, structure=True)
    except services.WritingClosed as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(
            request,
            _(
                "Draft from the summaries — added: %(created)s, updated: %(refreshed)s. "
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
        room = notify.plan_room(access.delegation)
        if status == ActionPlan.Status.FINAL:
            notify.before_status_change(room, user=request.user)
        plan = services.plan_set_status(
            delegation=access.delegation, status=status, user=request.user
        )
        if plan.is_final:
            notify.readonly(room, permissions.can_edit_plan(access.delegation, plan=plan).reason)
        else:
            notify.writable(room)
    except services.WritingClosed as exc:
        messages.error(request, exc.reason)
    return redirect(access.delegation.get_plan_url())


@login_required
@require_GET
def plan_item_history(request, workshop, delegation, kind, pk):
    access, item = _plan_item(request, workshop, delegation, kind, pk)
    model = type(item)
    return render(
        request,
        "summaries/plan_item_history.html",
        {
            "workshop": access.delegation.workshop,
            "delegation": access.delegation,
            "item": item,
            "kind": kind,
            "versions": history.versions(
                item,
                model.EDITABLE_FIELDS,
                language=request.LANGUAGE_CODE,
                fallbacks=(access.delegation.workshop.default_language,),
                long_fields=services.long_fields(model),
            ),
            "write": permissions.can_edit_plan(
                access.delegation,
                plan=ActionPlan.objects.filter(delegation=access.delegation).first(),
                access=access,
            ),
        },
    )
