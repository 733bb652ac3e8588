"""The WebSocket of a live page: pycrdt-websocket's Channels consumer (the Yjs sync and
awareness protocol), with the portal's rules on top.

- Signed in by the session cookie (``AuthMiddlewareStack``), from a page of this site
  (``AllowedHostsOriginValidator``); the room is found through
  ``delegations.permissions`` as the page is: members write, facilitators and
  organisers watch, anyone else is refused before anything is sent.
- Only a member may change the document, and only while ``permissions`` allows the
  write (session open, summary not submitted, plan not final): other updates are
  refused and the laptop told why; a submit, a closed session or a passed deadline
  makes every connected laptop read-only at once (``notify.readonly``).
- Each update is checked (its size, that it decodes) before it is applied, kept
  (``store``) within ``FLUSH_SECONDS`` and acknowledged with the document's state, and
  each connection is rate-limited; awareness (who is connected, who types where) is
  relayed as it is, and names the writers of the next version.
- When the laptop has not typed for ``PAUSE_SECONDS`` and when it leaves, the document
  is written into the versioned rows (``sync``), and what the server changed is sent to
  every laptop.
"""

import asyncio
import json
import time

from channels.db import database_sync_to_async
from django.http import Http404
from django.utils import timezone
from pycrdt import (
    Decoder,
    YMessageType,
    YSyncMessageType,
    create_sync_message,
    create_update_message,
    handle_sync_message,
    read_message,
    write_message,
)
from pycrdt.websocket.django_channels_consumer import YjsConsumer

from . import store
from .board import board_group
from .rooms import room_for
from .sync import open_document, sync

# The portal's own messages, beside Yjs' sync (0) and awareness (1): a JSON text after
# the type, as y-websocket's decoder reads a var string (``static/portal/live/``).
CONTROL_TO_LAPTOP = 100
CONTROL_FROM_LAPTOP = 101
MAX_MESSAGE_BYTES = 256 * 1024  # one message: a long paste, not a book
MAX_DOCUMENT_BYTES = 4 * 1024 * 1024  # a page's document, all its texts together
RATE_PER_SECOND = 40  # messages a connection may send, sustained
RATE_BURST = 400
FLUSH_SECONDS = 0.5  # updates kept (and acknowledged) in batches of this long
PAUSE_SECONDS = 3.0
NOTE_WRITER_SECONDS = 2.0  # under PAUSE_SECONDS: each version names its writers
COMPACT_CHECK_EVERY = 50  # flushes
REWRITE_RULE_SECONDS = 5.0  # how long a write rule's answer is trusted
EMPTY_UPDATE = b"\x00\x00"  # no items, no deletions: a step 2 of a laptop that has nothing new


def in_thread(function):
    """``function`` run in a thread of the pool with its own database connection: not
    Channels' default of one thread for every connection of the process, where each
    laptop's database work would queue behind every other laptop's."""
    return database_sync_to_async(function, thread_sensitive=False)


def state_vector(doc):
    """``{client id: clock}`` of a document: what it holds of each writer."""
    decoder = Decoder(doc.get_state())
    return {
        str(decoder.read_var_uint()): decoder.read_var_uint()
        for _count in range(decoder.read_var_uint())
    }


def awareness_names(payload):
    """``{client id: state}`` of an awareness update (y-protocols' encoding)."""
    decoder = Decoder(payload)
    states = {}
    for _count in range(decoder.read_var_uint()):
        client, _clock = decoder.read_var_uint(), decoder.read_var_uint()
        try:
            states[client] = json.loads(decoder.read_var_string() or "null")
        except ValueError:
            states[client] = None
    return states


class Bucket:
    """A token bucket: ``take()`` is False once a connection sends faster than allowed."""

    def __init__(self, rate=RATE_PER_SECOND, burst=RATE_BURST):
        self.rate, self.burst, self.tokens, self.at = rate, burst, float(burst), time.monotonic()

    def take(self):
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class LiveConsumer(YjsConsumer):
    def make_room_name(self):
        return self.room.group

    async def make_ydoc(self):
        doc, self.document_id, self.unwritten = await in_thread(open_document)(self.room)
        return doc

    async def connect(self):
        self.user = self.scope.get("user")
        self.room = None
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=4401)
            return
        route = self.scope["url_route"]["kwargs"]
        try:
            self.room, access = await in_thread(room_for)(
                self.user,
                kind=route["kind"],
                workshop=route["workshop"],
                delegation=route["delegation"],
                session=route.get("session"),
            )
        except Http404:
            await self.close(code=4404)
            return
        self.member = access.can_edit
        self.access = access
        self.bucket = Bucket()
        self.pending = []
        self.ack_due = False
        self.flushes = 0
        # This connection's database writes in the order it makes them (they run in the
        # thread pool, in_thread): a sync never reads the store before an append of it.
        self.writing = asyncio.Lock()
        self.noted_at = float("-inf")
        self.writer = ""
        self.flusher = None
        self.pauser = None
        self.rule = (0.0, None)
        self.room_name = self.make_room_name()
        self.ydoc = await self.make_ydoc()
        self.size = len(self.ydoc.get_update())
        await self.channel_layer.group_add(self.room_name, self.channel_name)
        # What the room's other connections hold and the store does not yet (received
        # within their last FLUSH_SECONDS, on this server or another): they send it.
        await self.channel_layer.group_send(
            self.room_name,
            {"type": "doc.ask", "state": self.ydoc.get_state(), "reply_to": self.channel_name},
        )
        await self.accept()
        await self.send_json({"type": "hello", "readonly": await self.refusal(fresh=True)})
        # This laptop's sync starts from the server's state (to it alone, not the room).
        await self.send(bytes_data=create_sync_message(self.ydoc))
        if self.unwritten and self.member:  # kept, never written: a server was stopped
            self.pauser = asyncio.create_task(self.sync_later())

    async def send_json(self, message):
        """One of the portal's messages to this laptop (``CONTROL_TO_LAPTOP``)."""
        payload = json.dumps(message).encode()
        await self.send(bytes_data=bytes([CONTROL_TO_LAPTOP]) + write_message(payload))

    async def refusal(self, *, fresh=False):
        """Why this connection may not change the document now ("" if it may)."""
        checked, reason = self.rule
        if fresh or time.monotonic() - checked > REWRITE_RULE_SECONDS:
            decision = await in_thread(self.room.write_rule)(self.access)
            reason = "" if decision else decision.reason
            self.rule = (time.monotonic(), reason)
        return reason

    async def receive(self, text_data=None, bytes_data=None):
        if self.room is None:
            return
        if not bytes_data:
            return
        if len(bytes_data) > MAX_MESSAGE_BYTES or not self.bucket.take():
            await self.send_json({"type": "refused", "reason": "too_large_or_fast"})
            return
        kind = bytes_data[0]
        if kind == CONTROL_FROM_LAPTOP:
            return await self.receive_control(bytes_data)
        if kind == YMessageType.AWARENESS:
            return await self.receive_awareness(bytes_data)
        if kind != YMessageType.SYNC or len(bytes_data) < 2:
            return
        if bytes_data[1] == YSyncMessageType.SYNC_STEP1:
            return await self.reply(bytes_data)
        # A laptop's answer to the server's state (step 2) is acknowledged even when it
        # brings nothing: the laptop then knows the server holds all it has.
        self.ack_due = self.ack_due or bytes_data[1] == YSyncMessageType.SYNC_STEP2
        await self.receive_update(bytes_data)

    async def reply(self, bytes_data):
        """Answer a laptop's state vector (sync step 1) with what it lacks, to it alone."""
        reply = handle_sync_message(bytes_data[1:], self.ydoc)
        if reply is not None:
            await self.send(bytes_data=reply)

    async def receive_update(self, bytes_data):
        reason = await self.refusal()
        if not self.member or reason:
            await self.send_json({"type": "readonly", "reason": reason})
            return
        try:
            update = read_message(bytes_data[2:])
        except (ValueError, IndexError, AssertionError):  # pycrdt asserts on no payload
            update = None
        if update is not None and self.size + len(update) > MAX_DOCUMENT_BYTES:
            await self.send_json({"type": "refused", "reason": "document_full"})
            return
        try:
            self.ydoc.apply_update(update)
        except (ValueError, TypeError):
            await self.send_json({"type": "refused", "reason": "malformed"})
            return
        if update != EMPTY_UPDATE:
            self.size += len(update)
            self.pending.append(update)
            await self.channel_layer.group_send(
                self.room_name,
                {"type": "doc.update", "update": update, "sender": self.channel_name},
            )
            if self.pauser is not None:
                self.pauser.cancel()
            self.pauser = asyncio.create_task(self.sync_later())
        if self.flusher is None or self.flusher.done():
            self.flusher = asyncio.create_task(self.flush_later())

    async def receive_awareness(self, bytes_data):
        try:
            states = awareness_names(read_message(bytes_data[1:]))
        except (ValueError, IndexError, AssertionError):
            return
        for state in states.values():
            user = state.get("user") if isinstance(state, dict) else None
            name = user.get("name") if isinstance(user, dict) else ""
            if isinstance(name, str) and name.strip() and name.strip()[:80] != self.writer:
                self.writer = name.strip()[:80]
                self.noted_at = float("-inf")  # a new name: noted with the next updates
        await self.channel_layer.group_send(
            self.room_name,
            {"type": "doc.relay", "message": bytes_data, "sender": self.channel_name},
        )

    async def receive_control(self, bytes_data):
        try:
            message = json.loads(read_message(bytes_data[1:]).decode())
        except (ValueError, IndexError, AssertionError, UnicodeDecodeError):
            return
        if not isinstance(message, dict):
            return
        if message.get("type") == "sync_now" and self.member:  # before a submit, a final plan
            await self.sync_now(everything=True)

    async def flush_later(self):
        await asyncio.sleep(FLUSH_SECONDS)
        await self.flush()

    async def flush(self, *, reply=True):
        async with self.writing:  # after any append still on its way (``sync_now``)
            await self._flush(reply=reply)

    async def _flush(self, *, reply):
        updates, self.pending = self.pending, []
        ack, self.ack_due = self.ack_due, False
        if updates:
            self.flushes += 1
            now = time.monotonic()
            # The writer's name is noted once per NOTE_WRITER_SECONDS (a sync forgets
            # the names it wrote into a version, so it must come again after one).
            note = self.writer and now - self.noted_at >= NOTE_WRITER_SECONDS
            if note:
                self.noted_at = now
            await in_thread(store.append)(
                self.document_id,
                updates,
                writer=self.writer if note else "",
                compact_check=self.flushes % COMPACT_CHECK_EVERY == 0,
            )
        if reply and (updates or ack):
            await self.send_json({"type": "saved", "state": state_vector(self.ydoc)})

    async def sync_later(self):
        await asyncio.sleep(PAUSE_SECONDS)
        await self.sync_now()

    async def sync_now(self, *, reply=True, everything=False):
        await self.flush(reply=reply)
        # ``everything``: all this connection holds, the others' last keystrokes too.
        held = self.ydoc.get_update() if everything else None
        async with self.writing:  # what this laptop sent is in the store by now
            update = await in_thread(sync)(self.room, user=self.user, held=held)
        if update:
            await self.channel_layer.group_send(
                self.room_name, {"type": "doc.update", "update": update, "sender": ""}
            )
            await self.channel_layer.group_send(
                board_group(self.room.delegation.workshop_id), {"type": "board.changed"}
            )
        if reply:
            await self.send_json({"type": "synced", "at": timezone.now().isoformat()})

    async def disconnect(self, code):
        if self.room is None:
            return
        typed = self.pending or (self.pauser is not None and not self.pauser.done())
        if self.pauser is not None:
            self.pauser.cancel()
        if typed and self.member:
            await self.sync_now(reply=False)
        await self.channel_layer.group_discard(self.room_name, self.channel_name)

    # Messages from the room's group ------------------------------------------------

    async def doc_update(self, event):
        if event.get("sender") == self.channel_name:
            return
        self.ydoc.apply_update(event["update"])
        await self.send(bytes_data=create_update_message(event["update"]))

    async def doc_ask(self, event):
        if event["reply_to"] == self.channel_name:
            return
        missing = self.ydoc.get_update(event["state"])
        if missing != EMPTY_UPDATE:
            await self.channel_layer.send(
                event["reply_to"], {"type": "doc.update", "update": missing, "sender": ""}
            )

    async def doc_relay(self, event):
        # Back to the sender too, as y-websocket's own server does: a laptop alone in
        # the room hears from it every 15 s, or its provider would take it for dead.
        await self.send(bytes_data=event["message"])

    async def doc_structure(self, event):
        await self.send_json({"type": "structure"})

    async def doc_readonly(self, event):
        self.rule = (time.monotonic(), event["reason"])
        await self.send_json({"type": "readonly", "reason": event["reason"]})
