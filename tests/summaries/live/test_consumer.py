"""The live page's WebSocket at the protocol level (Channels' WebsocketCommunicator, the
real ASGI application): who may connect, receive and send, what is refused, and that
what laptops type is kept and written into the versioned rows."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django.urls import reverse
from pycrdt import Doc, Map, Text, create_sync_message, create_update_message, read_message

from summaries.live import store
from summaries.live.doc import map_name, text_name
from summaries.live.rooms import Room
from summaries.models import Answer, LiveDocument, Summary
from summaries.services import AnswerInput, answer_save, summary_submit
from workshop_portal.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://localhost")


def cookie_of(user):
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def summary_path(delegation, session):
    return f"/ws/live/summary/{session.workshop.slug}/{delegation.slug}/{session.code}"


class Laptop:
    """One browser's side of the Yjs protocol, driven by hand: a pycrdt document."""

    def __init__(self, path, user=None, origin=ORIGIN):
        headers = [origin] if origin else []
        if user is not None:
            headers.append((b"cookie", cookie_of(user).encode()))
        self.ws = WebsocketCommunicator(application, path, headers=headers)
        self.doc = Doc()

    async def open(self):
        connected, code = await self.ws.connect()
        return connected, code

    async def messages(self, timeout=1.0):
        """Every frame received within ``timeout`` (JSON frames decoded)."""
        out = []
        while not await self.ws.receive_nothing(timeout):
            frame = await self.ws.receive_output()
            if frame.get("type") == "websocket.close":
                out.append(("close", frame.get("code")))
                return out
            data = frame.get("bytes") or b""
            if data[:1] == b"\x64":  # the portal's own message: JSON
                out.append(json.loads(read_message(data[1:])))
            elif data[:1] == b"\x00" and data[1] in (1, 2):  # sync step 2, update: apply
                self.doc.apply_update(read_message(data[2:]))
                out.append(data)
            elif data:
                out.append(data)
            timeout = 0.3
        return out

    async def join(self):
        """Connect and sync as y-websocket does; the server's first frames (its hello
        first)."""
        await self.open()
        frames = await self.messages()
        await self.sync_step1()
        return frames + await self.messages()

    async def sync_step1(self):
        await self.ws.send_to(bytes_data=create_sync_message(self.doc))

    async def type_into(self, unit, field, text):
        before = self.doc.get_state()
        ytext = self.doc.get(text_name(unit, field), type=Text)
        ytext += text
        await self.ws.send_to(bytes_data=create_update_message(self.doc.get_update(before)))

    def text(self, unit, field):
        return str(self.doc.get(text_name(unit, field), type=Text))


def run(coroutine):
    """The scenario on an event loop of its own thread: the browser tests that ran before
    in this process leave Playwright's loop set on the main thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(async_to_sync(coroutine)).result()


def test_a_member_connects_and_gets_the_page_as_the_database_holds_it(
    delegation_a, session, member_a
):
    answer_save(
        delegation=delegation_a,
        question=session.questions.get(number=1),
        data=AnswerInput(text="Budget line", discussed=True, language="fr", base_version=0),
        user=member_a,
    )

    async def scenario():
        laptop = Laptop(summary_path(delegation_a, session), member_a)
        connected, _code = await laptop.open()
        frames = await laptop.messages()
        await laptop.sync_step1()
        frames += await laptop.messages()
        await laptop.ws.disconnect(timeout=10)
        return connected, frames[0], laptop.text("q1", "text")

    connected, hello, text = run(scenario)
    assert (connected, hello, text) == (True, {"type": "hello", "readonly": ""}, "Budget line")


@pytest.mark.parametrize("who", ["anonymous", "other_delegation", "other_workshop"])
def test_a_stranger_cannot_connect(who, delegation_a, session, member_b, django_user_model):
    from delegations.models import Membership
    from tests.factories import make_delegation, make_workshop

    user = None
    if who == "other_delegation":
        user = member_b
    elif who == "other_workshop":
        other = make_delegation(make_workshop(slug="elsewhere"), "elsewhere")
        user = django_user_model.objects.create_user("stranger")
        Membership.objects.create(user=user, delegation=other)

    async def scenario():
        laptop = Laptop(summary_path(delegation_a, session), user)
        connected, code = await laptop.open()
        return connected, code

    connected, code = run(scenario)
    assert (connected, code) == (False, 4401 if who == "anonymous" else 4404)
    assert LiveDocument.objects.count() == 0


def test_a_page_of_another_site_cannot_connect(delegation_a, session, member_a):
    async def scenario():
        laptop = Laptop(
            summary_path(delegation_a, session),
            member_a,
            origin=(b"origin", b"https://evil.example"),
        )
        return await laptop.open()

    connected, _code = run(scenario)
    assert connected is False


def test_what_one_laptop_types_reaches_the_other_and_is_kept(delegation_a, session, member_a):
    async def scenario():
        first = Laptop(summary_path(delegation_a, session), member_a)
        second = Laptop(summary_path(delegation_a, session), member_a)
        for laptop in (first, second):
            await laptop.join()
        await first.type_into("q2", "text", "Les ONG locales")
        frames = await first.messages()
        await second.messages()
        await first.ws.disconnect(timeout=10)
        await second.ws.disconnect(timeout=10)
        return [f for f in frames if isinstance(f, dict)], second.text("q2", "text")

    acks, seen = run(scenario)
    assert seen == "Les ONG locales"
    assert [a["type"] for a in acks][:1] == ["saved"]
    # Kept: a server started afresh reads it back from the database.
    room = Room("summary", delegation_a, session)
    doc = store.load(LiveDocument.objects.get(key=room.key))
    assert str(doc.get(text_name("q2", "text"), type=Text)) == "Les ONG locales"


def test_leaving_writes_the_document_into_a_new_version(delegation_a, session, member_a):
    async def scenario():
        laptop = Laptop(summary_path(delegation_a, session), member_a)
        await laptop.join()
        await laptop.type_into("q3", "text", "Mutuelles de santé")
        await laptop.messages(0.5)
        await laptop.ws.disconnect(timeout=10)

    run(scenario)
    answer = Answer.objects.get(question__number=3)
    assert (answer.text, answer.version, answer.edited_by) == ("Mutuelles de santé", 1, member_a)


def test_an_organiser_watches_but_cannot_write(delegation_a, session, member_a, organiser):
    async def scenario():
        watcher = Laptop(summary_path(delegation_a, session), organiser)
        hello = (await watcher.join())[0]
        await watcher.type_into("q1", "text", "Written by an organiser")
        refused = [f for f in await watcher.messages() if isinstance(f, dict)]
        await watcher.ws.disconnect(timeout=10)
        return hello, refused

    hello, refused = run(scenario)
    assert (hello["readonly"], refused[0]["type"]) == (
        "You can read this delegation's work, not edit it.",
        "readonly",
    )
    room = Room("summary", delegation_a, session)
    doc = store.load(LiveDocument.objects.get(key=room.key))
    assert str(doc.get(text_name("q1", "text"), type=Text)) == ""
    assert Answer.objects.count() == 0


def test_a_submitted_summary_refuses_updates(delegation_a, session, member_a):
    summary = Summary.objects.create(delegation=delegation_a, session=session)
    summary_submit(summary=summary, user=member_a)

    async def scenario():
        laptop = Laptop(summary_path(delegation_a, session), member_a)
        hello = (await laptop.join())[0]
        await laptop.type_into("q1", "text", "After the submit")
        refused = [f for f in await laptop.messages() if isinstance(f, dict)]
        await laptop.ws.disconnect(timeout=10)
        return hello, refused

    hello, refused = run(scenario)
    assert (hello["readonly"], refused[0]["type"]) == (
        "This summary has been submitted. Reopen it to edit.",
        "readonly",
    )
    assert Answer.objects.count() == 0


@pytest.mark.parametrize(
    "frame",
    [b"\x00\x02\x05garbage", b"\x00\x02", b"\x00\x02" + b"\xff" * 20, b"\x07\x00"],
)
def test_a_malformed_update_is_refused_and_the_document_stays_whole(
    frame, delegation_a, session, member_a
):
    async def scenario():
        laptop = Laptop(summary_path(delegation_a, session), member_a)
        await laptop.join()
        await laptop.ws.send_to(bytes_data=frame)
        await laptop.messages(0.5)
        await laptop.type_into("q1", "text", "Still works")
        await laptop.messages(0.5)
        await laptop.ws.disconnect(timeout=10)

    run(scenario)
    assert Answer.objects.get(question__number=1).text == "Still works"


def test_an_oversized_message_is_refused(delegation_a, session, member_a):
    async def scenario():
        laptop = Laptop(summary_path(delegation_a, session), member_a)
        await laptop.join()
        await laptop.type_into("q1", "text", "x" * 300_000)
        refused = [f for f in await laptop.messages() if isinstance(f, dict)]
        await laptop.ws.disconnect(timeout=10)
        return refused

    refused = run(scenario)
    assert refused[0] == {"type": "refused", "reason": "too_large_or_fast"}
    assert Answer.objects.count() == 0


def test_a_change_made_outside_the_document_reaches_the_connected_laptops(
    delegation_a, session, member_a
):
    from channels.db import database_sync_to_async

    from summaries.live import notify

    def save_without_live():
        # A laptop without WebSocket saves through the page's autosave, whose view
        # then pushes the row into the live document.
        answer_save(
            delegation=delegation_a,
            question=session.questions.get(number=4),
            data=AnswerInput(
                text="Saved without live", discussed=True, language="fr", base_version=0
            ),
            user=member_a,
        )
        notify.before_status_change(Room("summary", delegation_a, session), user=member_a)

    async def scenario():
        laptop = Laptop(summary_path(delegation_a, session), member_a)
        await laptop.join()
        await database_sync_to_async(save_without_live)()
        await laptop.messages()
        await laptop.ws.disconnect(timeout=10)
        return laptop.text("q4", "text"), dict(laptop.doc.get(map_name("q4"), type=Map))

    text, fields = run(scenario)
    assert (text, fields["discussed"]) == ("Saved without live", True)


def test_a_laptop_that_sends_faster_than_allowed_is_told_and_nothing_breaks(
    delegation_a, session, member_a
):
    from summaries.live.consumer import RATE_BURST

    async def scenario():
        laptop = Laptop(summary_path(delegation_a, session), member_a)
        await laptop.join()
        for _count in range(RATE_BURST + 50):
            await laptop.ws.send_to(bytes_data=b"\x65" + b"\x02{}")  # a control frame
        refused = [f for f in await laptop.messages() if isinstance(f, dict)]
        await laptop.ws.disconnect(timeout=10)
        return refused

    refused = run(scenario)
    assert refused and all(f == {"type": "refused", "reason": "too_large_or_fast"} for f in refused)


def test_the_plan_socket_is_the_delegation_s_own(delegation_a, member_a, member_b):
    path = f"/ws/live/plan/{delegation_a.workshop.slug}/{delegation_a.slug}"

    async def scenario():
        results = []
        for user in (member_a, member_b):
            laptop = Laptop(path, user)
            results.append(await laptop.open())
            await laptop.ws.disconnect(timeout=10)
        unknown = Laptop(
            f"/ws/live/nothing/{delegation_a.workshop.slug}/{delegation_a.slug}", member_a
        )
        results.append(await unknown.open())
        return results

    mine, other, unknown = run(scenario)
    assert (mine, other[0], other[1], unknown[0]) == ((True, None), False, 4404, False)


def test_the_board_socket_is_for_organisers_and_says_when_a_delegation_saved(
    delegation_a, session, member_a, organiser
):
    from channels.db import database_sync_to_async

    from summaries.live import notify

    path = f"/ws/live/board/{session.workshop.slug}"

    def save():
        answer_save(
            delegation=delegation_a,
            question=session.questions.get(number=2),
            data=AnswerInput(text="Plaidoyer", discussed=True, language="fr", base_version=0),
            user=member_a,
        )
        notify.after_write(Room("summary", delegation_a, session), user=member_a)

    async def scenario():
        member = WebsocketCommunicator(
            application, path, headers=[ORIGIN, (b"cookie", cookie_of(member_a).encode())]
        )
        refused = await member.connect()
        board = WebsocketCommunicator(
            application, path, headers=[ORIGIN, (b"cookie", cookie_of(organiser).encode())]
        )
        accepted = await board.connect()
        await database_sync_to_async(save)()
        said = await board.receive_from(timeout=2)
        await board.disconnect(timeout=10)
        return refused, accepted, said

    refused, accepted, said = run(scenario)
    assert (refused, accepted, said) == ((False, 4404), (True, None), "changed")


def test_a_laptop_that_joins_gets_what_was_typed_just_before_it_is_kept(
    delegation_a, session, member_a
):
    import asyncio

    async def scenario():
        first = Laptop(summary_path(delegation_a, session), member_a)
        await first.join()
        await first.type_into("q3", "text", "Typed a moment ago")
        await asyncio.sleep(0.05)  # received, not yet in the store (FLUSH_SECONDS)
        second = Laptop(summary_path(delegation_a, session), member_a)
        await second.join()
        await first.ws.disconnect(timeout=10)
        await second.ws.disconnect(timeout=10)
        return second.text("q3", "text")

    assert run(scenario) == "Typed a moment ago"


def test_each_version_names_who_typed_it_on_which_laptop(delegation_a, session, member_a):
    from pycrdt import Encoder

    def named(laptop, name):
        # y-protocols' awareness update: one client, its clock, its state as JSON.
        encoder = Encoder()
        encoder.write_var_uint(1)
        encoder.write_var_uint(laptop.doc.client_id)
        encoder.write_var_uint(1)
        encoder.write_var_string(json.dumps({"user": {"name": name, "color": "#1d6f42"}}))
        payload = encoder.to_bytes()
        head = Encoder()
        head.write_var_uint(len(payload))
        return b"\x01" + head.to_bytes() + payload

    async def scenario():
        laptops = [Laptop(summary_path(delegation_a, session), member_a) for _i in range(2)]
        for laptop, name in zip(laptops, ("Amina", "Moussa"), strict=True):
            await laptop.join()
            await laptop.ws.send_to(bytes_data=named(laptop, name))
        await laptops[0].type_into("q1", "text", "Budget. ")
        await laptops[1].messages(0.5)
        await laptops[1].type_into("q1", "text", "Donors.")
        await laptops[0].messages(0.7)
        for laptop in laptops:
            await laptop.ws.disconnect(timeout=10)

    run(scenario)
    answer = Answer.objects.get(question__number=1)
    # One version, or one per pause: each names who typed since the one before.
    names = {name for record in answer.history.all() for name in record.written_by.split(", ")}
    assert (answer.text, names) == ("Budget. Donors.", {"Amina", "Moussa"})
    client = Client()
    client.force_login(member_a)
    page = client.get(
        reverse(
            "summaries:answer_history",
            kwargs={
                "workshop": session.workshop.slug,
                "delegation": delegation_a.slug,
                "session": session.code,
                "number": 1,
            },
        )
    )
    shown = page.content.decode()
    assert "typed by Amina" in shown and "Moussa" in shown


def test_before_a_submit_the_page_asks_and_everything_typed_is_written_at_once(
    delegation_a, session, member_a, organiser
):
    from pycrdt import Encoder

    def control(message):
        encoder = Encoder()
        encoder.write_var_string(json.dumps(message))
        return b"\x65" + encoder.to_bytes()

    async def scenario():
        first, second = (Laptop(summary_path(delegation_a, session), member_a) for _i in "12")
        watcher = Laptop(summary_path(delegation_a, session), organiser)
        for laptop in (first, second, watcher):
            await laptop.join()
        await watcher.ws.send_to(bytes_data=control({"type": "sync_now"}))  # not theirs to ask
        # The other laptop's last words reached this one's connection, not yet the store.
        await second.type_into("q5", "text", "The last words before the submit")
        await first.messages(0.1)
        await first.ws.send_to(bytes_data=control({"type": "sync_now"}))
        frames = [f for f in await first.messages() if isinstance(f, dict)]
        written = await database_sync_to_async(
            lambda: Answer.objects.filter(question__number=5).values_list("text", flat=True).first()
        )()
        for laptop in (first, second, watcher):
            await laptop.ws.disconnect(timeout=10)
        return frames, written

    frames, written = run(scenario)
    assert "synced" in {f["type"] for f in frames} and written == (
        "The last words before the submit"
    )
