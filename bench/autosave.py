"""Autosave under load: gunicorn + PostgreSQL on this machine, N simulated editors.

Each editor is one delegation member typing one answer: it autosaves, waits its
think time, and saves again with the version the server acknowledged. Latencies are
counted after ``--warmup`` seconds of the same load (10 by default: a server that has
just started is another measurement, ``--warmup 0`` shows it). At the end
the script checks that every answer in the database equals the last write the
server acknowledged to its editor (no lost and no phantom writes).

    .venv/bin/python bench/autosave.py --editors 50 --seconds 30
    .venv/bin/python bench/autosave.py --editors 200 --seconds 30

Then, in the same run (unless ``--no-saturation``), the saturation throughput: as many
requests as ``--connections`` clients without think time get answered in
``--saturation-seconds``, first of a bare Django view (``bench/bare_app.py``: no app,
no middleware, no database) and then of autosave, both behind the same gunicorn
settings, and their ratio. The bare view is measured as the issue's baseline measured
it, with ``wrk -t2 -c<connections>`` (Debian's ``wrk``), and also with this script's
asyncio client: on two cores a Python client takes a large share of the CPU from a
server that answers in a fraction of a millisecond, so that figure is lower and the
ratio against it flatters autosave; the ratio printed is against wrk's figure. Without
``wrk`` on the PATH only the asyncio figure is measured, and the line says so.

It needs a PostgreSQL role that may create databases (``make test`` creates
``portal``); it creates and drops the database ``portal_bench``. Traffic goes to
127.0.0.1 only, and every loop is bounded by ``--seconds``.
"""

import argparse
import asyncio
import http.client
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://portal:portal@127.0.0.1:5432/portal")
BENCH_DB = "portal_bench"
PORT = int(os.environ.get("BENCH_PORT", "8765"))


def bench_database_url():
    parts = urllib.parse.urlsplit(PG_ADMIN_URL)
    return urllib.parse.urlunsplit(parts._replace(path="/" + BENCH_DB))


def recreate_database():
    import psycopg

    connection = psycopg.connect(PG_ADMIN_URL)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {BENCH_DB}")
    connection.close()


def setup_django():
    os.environ["DATABASE_URL"] = bench_database_url()
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-key")
    os.environ["DJANGO_SETTINGS_MODULE"] = "workshop_portal.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def signed_in_cookie(user):
    """The ``Cookie`` value of a browser signed in as ``user`` (a stored session)."""
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore()  # the cache too, if any
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def create_editors(count, questions_per_delegation=5):
    """One (member, answer URL) per editor; five editors share a delegation."""
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth.models import User
    from django.middleware.csrf import _get_new_csrf_string
    from django.urls import reverse

    from delegations.models import Delegation, Membership
    from sessions.models import GuidanceQuestion, Session, Workshop

    workshop = Workshop.objects.create(
        title="Bench", slug="bench", start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 1, 2)
    )
    session = Session.objects.create(workshop=workshop, code="V", title="Bench", status="open")
    for number in range(1, questions_per_delegation + 1):
        GuidanceQuestion.objects.create(session=session, number=number, text=f"Q{number}")
    editors = []
    for index in range(count):
        delegation_index, number = divmod(index, questions_per_delegation)
        delegation, _ = Delegation.objects.get_or_create(
            workshop=workshop,
            slug=f"d{delegation_index}",
            defaults={"name": f"D{delegation_index}"},
        )
        user = User.objects.create_user(f"editor{index}")
        Membership.objects.create(user=user, delegation=delegation)
        session_cookie = signed_in_cookie(user)
        csrf = _get_new_csrf_string()
        editors.append(
            {
                "path": reverse(
                    "summaries:answer_save",
                    kwargs={
                        "workshop": "bench",
                        "delegation": delegation.slug,
                        "session": "V",
                        "number": number + 1,
                    },
                ),
                "cookie": f"{session_cookie}; {settings.CSRF_COOKIE_NAME}={csrf}",
                "csrf": csrf,
                "key": (delegation.slug, number + 1),
            }
        )
    return editors


class Editor:
    """One simulated editor on its own keep-alive connection (asyncio keeps the
    client's CPU cost low, so the server, not the load generator, is measured)."""

    def __init__(self, spec, deadline, think, measure_from=0.0):
        self.spec, self.deadline, self.think = spec, deadline, think
        self.measure_from = measure_from  # saves that start earlier warm up, uncounted
        self.version = 0
        self.acked_text = None
        self.latencies = []
        self.errors = 0

    async def request(self, reader, writer, body):
        head = (
            f"POST {self.spec['path']} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Cookie: {self.spec['cookie']}\r\nX-CSRFToken: {self.spec['csrf']}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        writer.write(head.encode() + body)
        await writer.drain()
        status_line = await reader.readline()
        if len(status_line.split()) < 2:
            raise ConnectionResetError(f"no HTTP status line: {status_line[:80]!r}")
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        payload = await reader.readexactly(length)
        return int(status_line.split()[1]), payload

    async def run(self):
        await asyncio.sleep(random.uniform(0, self.think))  # spread the first saves
        reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
        save = 0
        while time.monotonic() < self.deadline:
            save += 1
            text = f"{self.spec['key']} save {save} " + "mot " * random.randint(20, 200)
            body = urllib.parse.urlencode(
                {"text": text, "discussed": "on", "language": "fr", "version": self.version}
            ).encode()
            began, started = time.monotonic(), time.perf_counter()
            try:
                status, payload = await asyncio.wait_for(self.request(reader, writer, body), 30)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                self.errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
                continue
            if began >= self.measure_from:
                self.latencies.append(time.perf_counter() - started)
            if status == 200:
                self.version = json.loads(payload)["version"]
                self.acked_text = text
            else:
                self.errors += 1
            await asyncio.sleep(self.think * random.uniform(0.5, 1.5))
        writer.close()


async def run_editors(editors):
    await asyncio.gather(*(editor.run() for editor in editors))


class Saturator(Editor):
    """An editor without think time, for the saturation throughput."""

    async def run(self):
        reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
        save = 0
        while time.monotonic() < self.deadline:
            save += 1
            text = f"{self.spec['key']} saturation {save}"
            body = urllib.parse.urlencode(
                {"text": text, "discussed": "on", "language": "fr", "version": self.version}
            ).encode()
            try:
                status, payload = await asyncio.wait_for(self.request(reader, writer, body), 30)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                self.errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
                continue
            self.latencies.append(0)
            if status == 200:
                self.version = json.loads(payload)["version"]
                self.acked_text = text
            elif status == 409:  # the editors' phase saved this answer: rebase once
                self.version = json.loads(payload)["current"]["version"]
            else:
                self.errors += 1
        writer.close()


def gunicorn(app, args, env):
    """gunicorn serving ``app``, once every worker has loaded it
    (``bench/gunicorn_ready.py`` says why)."""
    ready = tempfile.mkdtemp(prefix="bench-ready-")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--config",
            "python:bench.gunicorn_ready",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--worker-class",
            "gthread",
            "--no-control-socket",
            "--log-level",
            "warning",
            "--keep-alive",
            "30",
        ],  # fmt: skip
        cwd=ROOT,
        env={**env, "BENCH_READY_DIR": ready},
    )
    deadline = time.monotonic() + 60
    while len(os.listdir(ready)) < args.workers:
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise SystemExit("gunicorn's workers did not start")
        time.sleep(0.1)
    shutil.rmtree(ready)
    wait_for_server()
    return server


def saturation(app, specs, args, env):
    """Requests per second answered for ``specs`` (one client each, no think time)."""
    server = gunicorn(app, args, env)
    try:
        deadline = time.monotonic() + args.saturation_seconds
        clients = [Saturator(spec, deadline, 0) for spec in specs]
        started = time.monotonic()
        asyncio.run(run_editors(clients))
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(30)
    return sum(len(c.latencies) for c in clients) / elapsed, sum(c.errors for c in clients)


def wrk_saturation(app, args, env):
    """Requests per second that ``wrk`` gets from ``app`` (``None`` without wrk)."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return None, 0
    server = gunicorn(app, args, env)
    try:
        output = subprocess.run(
            [
                wrk,
                "-t2",
                f"-c{args.connections}",
                f"-d{args.saturation_seconds:.0f}s",
                f"http://127.0.0.1:{PORT}/",
            ],  # fmt: skip
            capture_output=True,
            text=True,
            check=True,
            timeout=args.saturation_seconds + 60,
        ).stdout
    finally:
        server.terminate()
        server.wait(30)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(map(int, socket.groups())) if socket else 0
    )
    return rate, errors


def wait_for_server(timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connection.request("GET", "/", headers={"Host": "127.0.0.1"})
            if connection.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editors", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument(
        "--warmup",
        type=float,
        default=10,
        help="seconds of the same load before measuring: new gunicorn workers open their "
        "database connections and fill Django's lazy caches (URL resolver, catalogues), and "
        "the editors' first saves all arrive at once; counted, the first seconds measure a "
        "server restart, not a workshop",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=2.0,
        help="mean seconds between an editor's saves (the page saves 2 s after typing stops)",
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)  # the README's 4 x 2
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--saturation-seconds", type=float, default=15)
    parser.add_argument("--no-saturation", action="store_true")
    args = parser.parse_args()

    recreate_database()
    setup_django()
    editors = create_editors(args.editors)
    from django.db import connections

    connections.close_all()

    env = {
        **os.environ,
        "DATABASE_URL": bench_database_url(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOG_LEVEL": "ERROR",
    }
    server = gunicorn("workshop_portal.wsgi", args, env)
    try:
        measured = time.monotonic() + args.warmup
        deadline = measured + args.seconds
        results = [Editor(spec, deadline, args.think, measured) for spec in editors]
        asyncio.run(run_editors(results))
    finally:
        server.terminate()
        server.wait(30)

    from summaries.models import Answer

    stored = {
        (a.summary.delegation.slug, a.question.number): a.text
        for a in Answer.objects.select_related("summary__delegation", "question")
    }
    lost = sum(
        1 for e in results if e.acked_text is not None and stored.get(e.spec["key"]) != e.acked_text
    )
    latencies = [lat for e in results for lat in e.latencies]
    errors = sum(e.errors for e in results)
    print(
        f"editors={args.editors} seconds={args.seconds:.0f} (after {args.warmup:.0f} s of "
        f"warm-up) think={args.think}s "
        f"gunicorn={args.workers}x{args.threads} gthread, PostgreSQL"
    )
    # Counted saves began within the measured seconds; the editors' last think times
    # after the deadline are not part of them.
    print(
        f"requests={len(latencies)} throughput={len(latencies) / args.seconds:.1f} req/s "
        f"errors={errors}"
    )
    print(
        "latency ms: p50={:.1f} p95={:.1f} p99={:.1f} max={:.1f}".format(
            *(1000 * percentile(latencies, f) for f in (0.5, 0.95, 0.99, 1.0))
        )
    )
    print(
        f"mean={1000 * statistics.mean(latencies):.1f} ms; answers checked={len(results)} "
        f"lost writes={lost}"
    )
    if not args.no_saturation:
        # The saturation clients write answers of their own: editors' answers are
        # checked above, before this.
        specs = editors[: args.connections]
        bare_wrk, wrk_errors = wrk_saturation("bench.bare_app:application", args, env)
        bare, bare_errors = saturation("bench.bare_app:application", specs, args, env)
        ours, our_errors = saturation("workshop_portal.wsgi", specs, args, env)
        print(
            f"saturation ({args.connections} connections, {args.saturation_seconds:.0f} s each): "
            + (
                f"bare Django view {bare_wrk:.0f} req/s under wrk ({bare:.0f} with the asyncio "
                f"client), autosave {ours:.0f} saves/s, ratio {100 * ours / bare_wrk:.1f} % "
                f"({100 * ours / bare:.1f} % against the asyncio figure)"
                if bare_wrk
                else f"bare Django view {bare:.0f} req/s with the asyncio client (no wrk here), "
                f"autosave {ours:.0f} saves/s, ratio {100 * ours / bare:.1f} %"
            )
            + f" (errors: {wrk_errors} + {bare_errors} + {our_errors})"
        )
        errors += wrk_errors + bare_errors + our_errors
    return 1 if errors or lost else 0


if __name__ == "__main__":
    sys.exit(main())
