"""Writing Day 3: the plan's actions and TA requests (add, edit, remove, put back,
restore, move) and its status, each under the plan's row lock first.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from delegations import permissions
from delegations.models import Delegation

from ..models import ActionItem, ActionPlan, TARequest
from .versioned import (
    StaleEdit,
    WritingClosed,
    ensure,
    field_attnames,
    plain,
    versioned_write,
    writers_label,
)


def ensure_plan_writable(delegation):
    """Refuse with ``WritingClosed`` unless the plan's items may be written now. The plan
    row is locked first (then the item: one lock order), so that marking it final and
    an edit never interleave."""
    plan = ActionPlan.objects.select_for_update().filter(delegation=delegation).first()
    ensure(permissions.can_edit_plan(delegation, plan=plan))


def plan_get_or_create(*, delegation):
    plan, _created = ActionPlan.objects.get_or_create(delegation=delegation)
    return plan


PLAN_ITEM_MODELS = {"action": ActionItem, "ta": TARequest}


@transaction.atomic
def plan_item_create(*, delegation, kind, data, user):
    """Add an action (``kind="action"``) or TA request (``kind="ta"``) at the end of its list."""
    ensure_plan_writable(delegation)
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
def plan_item_update(*, item, data, base_version, user, writers=()):
    """Save an edited item if ``base_version`` is current, else raise ``StaleEdit``."""
    ensure_plan_writable(item.delegation)
    current = type(item).objects.select_for_update(of=("self",)).get(pk=item.pk)

    def save(current):
        current.prefilled = False  # the delegation's own words now: prefill leaves it alone
        current.edited_by = user
        current.written_by = writers_label(writers)
        current.full_clean()
        current.save()

    return versioned_write(
        current,
        base_version=base_version,
        mine={name: plain(value) for name, value in data.items()},
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


def plan_item_save_version(item):
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
    ensure_plan_writable(item.delegation)
    current = type(item).objects.select_for_update(of=("self",)).get(pk=item.pk)
    if current.version != base_version:
        raise StaleEdit(current)
    if current.removed_at is None:
        current.removed_at = timezone.now()
        current.edited_by = user
        plan_item_save_version(current)
    return current


@transaction.atomic
def plan_item_put_back(*, item, user):
    """Undo :func:`plan_item_remove`: the item is on the plan again, as a new version,
    at the place it had."""
    ensure_plan_writable(item.delegation)
    current = type(item).objects.select_for_update(of=("self",)).get(pk=item.pk)
    if current.removed_at is not None:
        _ensure_room_for_plan_item(item.delegation, type(item))
        current.removed_at = None
        current.edited_by = user
        plan_item_save_version(current)
    return current


@transaction.atomic
def plan_item_restore(*, item, history_id, user):
    """Make an earlier version of ``item`` its current content (every editable field),
    as a new version. Raises ``DoesNotExist`` for a version of another item."""
    ensure_plan_writable(item.delegation)
    current = type(item).objects.select_for_update(of=("self",)).get(pk=item.pk)
    old = current.history.get(history_id=history_id)
    attnames = field_attnames(type(current), current.EDITABLE_FIELDS)
    return plan_item_update(
        item=current,
        data={name: getattr(old, attname) for name, attname in attnames.items()},
        base_version=current.version,
        user=user,
    )


@transaction.atomic
def plan_item_move(*, item, direction):
    """Swap ``item`` with its neighbour above (``direction="up"``) or below."""
    ensure_plan_writable(item.delegation)
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


@transaction.atomic
def plan_set_status(*, delegation, status, user):
    """Mark the plan final (the PDFs lose their DRAFT mark; its items can no longer be
    written) or back to draft."""
    ensure(permissions.can_change_plan_status(delegation))
    plan = ActionPlan.objects.select_for_update().get(
        pk=plan_get_or_create(delegation=delegation).pk
    )
    plan.status = status
    plan.finalised_by = user if status == ActionPlan.Status.FINAL else None
    plan.finalised_at = timezone.now() if status == ActionPlan.Status.FINAL else None
    plan.save()
    return plan
