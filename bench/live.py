"""Live co-editing under load: daphne + PostgreSQL + Redis on this machine, N delegations
of three laptops each typing into one shared answer over real WebSockets.

Each laptop is a pycrdt document speaking Yjs' protocol as the browser's y-websocket
does: it syncs with the server, then types ``--rate`` characters a second (one update
per keystroke) at a random place of the shared text, and applies what the others type.
A keystroke's latency runs from its update leaving one laptop to the same update
arriving at each other laptop of the delegation (the server relays it unchanged).
Counted after ``--warmup`` seconds of the same load.

At the end the laptops leave, the server writes each live document into the versioned
answer, and the script checks that each answer equals the CRDT merge of everything the
delegation's laptops sent (lost characters: what the merge holds and the answer lacks).

Then, in the same run (unless ``--no-bare``), the same load against a bare Channels
echo consumer (``bench/bare_live.py``: no authentication, document or database, the same
daphne and channel layer), and the ratio of the two.

    .venv/bin/python bench/live.py --delegations 100 --seconds 60

It needs PostgreSQL (a role that may create databases; it creates and drops
``portal_bench``) and Redis (``REDIS_URL``, default redis://127.0.0.1:6379/14). Traffic
goes to 127.0.0.1 only; every loop is bounded by ``--seconds``.
"""

import argparse
import asyncio
import difflib
import os
import random
import string
import subprocess
import sys
import time
from pathlib import Path

from autosave import (
    bench_database_url,
    percentile,
    recreate_database,
    setup_django,
    signed_in_cookie,
)

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8766"))
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")
FIELD = "t:q1:text"  # the layout of summaries/live/doc.py: question 1's answer


def create_delegations(count):
    """``count`` delegations of one shared account each, on an open session."""
    import datetime as dt

    from django.contrib.auth.models import User

    from delegations.models import Delegation, Membership
    from sessions.models import GuidanceQuestion, Session, Workshop

    today = dt.date.today()
    workshop = Workshop.objects.create(
        title="Bench",
        slug="bench",
        start_date=today - dt.timedelta(days=1),
        end_date=today + dt.timedelta(days=1),
    )
    session = Session.objects.create(workshop=workshop, code="V", title="Bench", status="open")
    GuidanceQuestion.objects.create(session=session, number=1, text="Q1")
    rooms = []
    for index in range(count):
        delegation = Delegation.objects.create(
            workshop=workshop, slug=f"d{index}", name=f"D{index}"
        )
        user = User.objects.create_user(f"rapporteur{index}")
        Membership.objects.create(user=user, delegation=delegation)
        rooms.append((f"summary/bench/d{index}/V", signed_in_cookie(user), delegation.slug))
    return rooms


class Room:
    """What a delegation's laptops sent (every update, for the merge at the end)."""

    def __init__(self, path, cookie, slug):
        self.path, self.cookie, self.slug = path, cookie, slug
        self.initial = None  # the server's document, as the first laptop received it
        self.sent = []


class Laptop:
    def __init__(self, room, bare, stats, clock):
        from pycrdt import Doc, Text

        self.room, self.bare, self.stats, self.clock = room, bare, stats, clock
        self.doc = Doc()
        self.text = self.doc.get(FIELD, type=Text)

    async def run(self, start_at, stop_at, rate):
        import websockets
        from pycrdt import (
            YMessageType,
            YSyncMessageType,
            create_sync_message,
            create_update_message,
            handle_sync_message,
            read_message,
        )

        url = f"ws://127.0.0.1:{PORT}/ws/live/{self.room.path}"
        headers = {"Origin": f"http://127.0.0.1:{PORT}", "Cookie": self.room.cookie}
        # Three hundred laptops arriving at once overflow the listen queue: spread out,
        # and try again, as y-websocket does.
        await asyncio.sleep(random.uniform(0, self.clock.spread))
        for attempt in range(10):
            try:
                ws = await websockets.connect(
                    url, additional_headers=headers, max_size=None, open_timeout=60
                )
                break
            except (OSError, websockets.exceptions.WebSocketException):
                await asyncio.sleep(0.2 * (attempt + 1))
        else:
            raise SystemExit("a laptop could not connect")
        async with ws:
            synced = asyncio.Event()
            if self.bare:
                synced.set()
            else:
                await ws.send(create_sync_message(self.doc))

            async def receive():
                async for frame in ws:
                    if not isinstance(frame, bytes) or len(frame) < 2:
                        continue
                    if frame[0] != YMessageType.SYNC:
                        continue
                    if frame[1] == YSyncMessageType.SYNC_STEP1 and not self.bare:
                        reply = handle_sync_message(frame[1:], self.doc)
                        if reply is not None:
                            await ws.send(reply)
                        continue
                    update = read_message(frame[2:])
                    if frame[1] == YSyncMessageType.SYNC_STEP2:
                        if self.room.initial is None:
                            self.room.initial = update
                        synced.set()
                    sent_at = self.stats.sent_at.get(update)
                    if sent_at is not None and time.perf_counter() >= self.clock.measure_from:
                        self.stats.latencies.append(time.perf_counter() - sent_at)
                    self.stats.received += 1
                    self.doc.apply_update(update)

            receiver = asyncio.create_task(receive())
            await asyncio.wait_for(synced.wait(), 60)
            await asyncio.sleep(max(0.0, start_at - time.monotonic()) + random.uniform(0, 1 / rate))
            while time.monotonic() < stop_at:
                before = self.doc.get_state()
                self.text.insert(
                    random.randint(0, len(self.text)), random.choice(string.ascii_letters)
                )
                update = self.doc.get_update(before)
                self.room.sent.append(update)
                self.stats.sent_at[update] = time.perf_counter()
                self.stats.sent += 1
                await ws.send(create_update_message(update))
                await asyncio.sleep(1 / rate)
            await asyncio.sleep(1.0)  # the last keystrokes' arrivals
            receiver.cancel()


class Stats:
    def __init__(self):
        self.sent_at, self.latencies, self.sent, self.received = {}, [], 0, 0


class Clock:
    measure_from = 0.0
    spread = 1.0  # seconds over which the laptops connect


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def serve(app, env):
    server = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(PORT), "-v", "0", app],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    import socket

    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
            return server
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"daphne did not start {app}")


def measure(app, rooms, args, env, bare):
    """Latencies, messages and server CPU for ``rooms`` × 3 laptops against ``app``."""
    server = serve(app, env)
    stats, clock = Stats(), Clock()
    try:

        async def everyone():
            clock.spread = max(1.0, len(rooms) * 0.1)
            begin = time.monotonic() + clock.spread + 3.0  # every laptop connected and synced
            measured = begin + args.warmup
            stop = measured + args.seconds
            laptops = [Laptop(room, bare, stats, clock) for room in rooms for _i in range(3)]
            clock.measure_from = time.perf_counter() + (measured - time.monotonic())

            async def window():
                await asyncio.sleep(measured - time.monotonic())
                started = (cpu_seconds(server.pid), stats.sent, stats.received)
                await asyncio.sleep(stop - time.monotonic())
                return started, (cpu_seconds(server.pid), stats.sent, stats.received)

            counter = asyncio.create_task(window())
            await asyncio.gather(*(laptop.run(begin, stop, args.rate) for laptop in laptops))
            return await counter

        (cpu0, sent0, received0), (cpu1, sent1, received1) = asyncio.run(everyone())
        if not bare:
            written_when_left()
    finally:
        server.terminate()
        server.wait(60)
    sent, received = sent1 - sent0, received1 - received0
    return {
        "latencies": stats.latencies,
        "sent": sent / args.seconds,
        "received": received / args.seconds,
        "cpu_per_message_us": 1e6 * (cpu1 - cpu0) / max(1, sent),
        "cpu_share": (cpu1 - cpu0) / args.seconds,
    }


def written_when_left(timeout=120):
    """Wait until the server has written every live document into its rows (each
    laptop's leaving does it)."""
    from django.db import connections

    from summaries.models import LiveDocument

    deadline = time.monotonic() + timeout
    while LiveDocument.objects.filter(dirty=True).exists():
        if time.monotonic() > deadline:
            print("warning: documents still unwritten after", timeout, "s")
            break
        time.sleep(0.5)
    connections.close_all()


def lost_characters(rooms):
    """Per delegation, what the CRDT merge of its laptops' updates holds and its
    versioned answer lacks (characters), summed."""
    from pycrdt import Doc, Text

    from summaries.models import Answer

    answers = {
        a.summary.delegation.slug: a.text
        for a in Answer.objects.select_related("summary__delegation")
    }
    lost = 0
    for room in rooms:
        doc = Doc()
        text = doc.get(FIELD, type=Text)
        if room.initial:
            doc.apply_update(room.initial)
        for update in room.sent:
            doc.apply_update(update)
        want, have = str(text), answers.get(room.slug, "")
        if want != have:
            matched = sum(
                b.size
                for b in difflib.SequenceMatcher(
                    None, want, have, autojunk=False
                ).get_matching_blocks()
            )
            lost += len(want) - matched
    return lost


def line(label, result):
    lat = result["latencies"]
    figures = [1000 * percentile(lat, f) for f in (0.5, 0.95, 0.99)] if lat else [float("nan")] * 3
    return (
        f"{label:<26} p50={figures[0]:.1f} ms p95={figures[1]:.1f} ms p99={figures[2]:.1f} ms  "
        f"in={result['sent']:.0f}/s out={result['received']:.0f}/s  "
        f"server CPU={result['cpu_per_message_us']:.0f} µs per keystroke "
        f"({100 * result['cpu_share']:.0f} % of a core)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delegations", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--rate", type=float, default=5.0, help="characters a second per laptop")
    parser.add_argument("--no-bare", action="store_true")
    parser.add_argument(
        "--memory-layer",
        action="store_true",
        help="the in-memory channel layer (one process, as make run) instead of Redis",
    )
    args = parser.parse_args()

    os.environ["REDIS_URL"] = REDIS_URL
    recreate_database()
    setup_django()
    specs = create_delegations(args.delegations)
    from django.db import connections

    connections.close_all()
    env = {
        **os.environ,
        "DATABASE_URL": bench_database_url(),
        "REDIS_URL": "" if args.memory_layer else REDIS_URL,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOG_LEVEL": "ERROR",
    }
    rooms = [Room(*spec) for spec in specs]
    portal = measure("workshop_portal.asgi:application", rooms, args, env, bare=False)
    lost = lost_characters(rooms)
    typed = sum(len(room.sent) for room in rooms)
    print(
        f"delegations={args.delegations} laptops={3 * args.delegations} rate={args.rate}/s "
        f"seconds={args.seconds:.0f} (after {args.warmup:.0f} s of warm-up), daphne + "
        "PostgreSQL + Redis channel layer"
    )
    print(line("portal (LiveConsumer)", portal))
    print(f"typed={typed} characters, lost={lost}")
    if not args.no_bare:
        bare_rooms = [Room(*spec) for spec in specs]
        bare = measure("bench.bare_live:application", bare_rooms, args, env, bare=True)
        print(line("bare Channels echo", bare))
        if bare["latencies"] and portal["latencies"]:
            ratio = percentile(portal["latencies"], 0.95) / percentile(bare["latencies"], 0.95)
            cpu = portal["cpu_per_message_us"] / max(1e-9, bare["cpu_per_message_us"])
            print(
                f"ratio portal/bare: p95 latency {ratio:.2f}x, server CPU per keystroke {cpu:.2f}x"
            )


if __name__ == "__main__":
    main()
