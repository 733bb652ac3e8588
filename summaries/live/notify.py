"""What the pages' HTTP views tell the live document's laptops: a change made outside
it (``after_write``: a restore, a save from a laptop without WebSocket, drafting the
plan) and that writing has stopped (``readonly``: a submit, a final plan). Both go
through the channel layer to every connection of the room (``consumer.LiveConsumer``);
a room nobody opened live costs one query."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from .board import board_group
from .rooms import Room
from .sync import sync


def _send(room, message):
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(room.group, message)


def board_changed(workshop_id):
    """Tell the workshop's open boards to fetch their grid again."""
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(board_group(workshop_id), {"type": "board.changed"})


def after_write(room, *, user, structure=False):
    """Once the current transaction commits: write the rows into the live document (if
    the room has one) and send the laptops what changed; ``structure`` when units were
    added, removed or moved (the laptops' pages then offer a reload)."""

    def push():
        update = sync(room, user=user)
        if update:
            _send(room, {"type": "doc.update", "update": update, "sender": ""})
        if structure:
            _send(room, {"type": "doc.structure"})
        board_changed(room.delegation.workshop_id)

    transaction.on_commit(push)


def before_status_change(room, *, user):
    """Write the live document into the rows now (before a submit or a final plan), so
    that what is submitted is what the laptops show; send what changed."""
    update = sync(room, user=user)
    if update:
        _send(room, {"type": "doc.update", "update": update, "sender": ""})


def readonly(room, reason):
    """Every laptop of the room read-only at once, saying ``reason``."""
    _send(room, {"type": "doc.readonly", "reason": str(reason)})
    board_changed(room.delegation.workshop_id)


def writable(room):
    """Writing is allowed again (a summary reopened, a plan back to draft)."""
    _send(room, {"type": "doc.readonly", "reason": ""})
    board_changed(room.delegation.workshop_id)


def summary_room(summary):
    return Room("summary", summary.delegation, summary.session)


def plan_room(delegation):
    return Room("plan", delegation)
