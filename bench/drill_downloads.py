"""Drill: six people download one uncached PDF at the same moment; it is rendered once.

    .venv/bin/python bench/drill_downloads.py --people 6

Loopback only, bounded in time. Creates a throwaway PostgreSQL database
(``BENCH_PG_URL`` names the server and a role that may create databases), one
delegation with a full plan, gunicorn (``workshop_portal.wsgi``) and two
``manage.py db_worker`` processes. ``--people`` clients, each signed in as a member,
ask for the action plan PDF at the same moment over HTTP and then do what the
download page does (poll with htmx until the file is ready, then fetch it). Passes
if every client gets the same PDF, the document row says it was rendered once, and
all is done within ``DEADLINE`` seconds.
"""

import argparse
import http.client
import os
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_PORT", "8766")  # beside a running bench/autosave.py

from bench.autosave import PORT, gunicorn, signed_in_cookie, wait_for_server  # noqa: E402
from bench.bundle import make_workshop, start_workers  # noqa: E402
from bench.drill_worker_kill import PG_ADMIN_URL, admin  # noqa: E402

DRILL_DB = "portal_drill_downloads"
DEADLINE = 60  # seconds from the first request to the last client's PDF


def database_url():
    parts = urllib.parse.urlsplit(PG_ADMIN_URL)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("BENCH_PG_URL must point at a loopback server.")
    return urllib.parse.urlunsplit(parts._replace(path="/" + DRILL_DB))


def get(path, cookie, headers=()):
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    connection.request(
        "GET", path, headers={"Host": "127.0.0.1", "Cookie": cookie, **dict(headers)}
    )
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def download(path, cookie, start, results, index):
    """What a person's browser does: ask, follow the progress page, fetch the file."""
    start.wait()
    began = time.perf_counter()
    status, headers, body = get(path, cookie)
    if status != 200:
        results[index] = (status, None, time.perf_counter() - began)
        return
    while headers.get("Content-Type") != "application/pdf":
        if time.perf_counter() - began > DEADLINE:
            results[index] = ("timeout", None, time.perf_counter() - began)
            return
        time.sleep(0.5)  # the page polls every second or so
        status, headers, body = get(path + "&fetch=1", cookie, {"HX-Request": "true"})
        if "HX-Redirect" in headers:
            status, headers, body = get(headers["HX-Redirect"], cookie)
    results[index] = (status, body, time.perf_counter() - began)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=6)
    args = parser.parse_args()
    url = database_url()
    admin(f"DROP DATABASE IF EXISTS {DRILL_DB} WITH (FORCE)")
    admin(f"CREATE DATABASE {DRILL_DB}")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SECRET_KEY": "bench-only-key",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOG_LEVEL": "ERROR",
        # The pages are served as in production: their static files collected.
        "DJANGO_STATIC_ROOT": tempfile.mkdtemp(prefix="drill-static-"),
    }
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "workshop_portal.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    from summaries.models import RenderedDocument

    workshop = make_workshop(1)
    delegation = workshop.delegations.get()
    member = delegation.memberships.get().user
    cookies = [signed_in_cookie(member) for _n in range(args.people)]
    path = (
        reverse(
            "summaries:document",
            kwargs={
                "workshop": workshop.slug,
                "delegation": delegation.slug,
                "kind": "action_plan",
            },
        )
        + f"?lang={delegation.language}"
    )
    connections.close_all()
    server = gunicorn("workshop_portal.wsgi", argparse.Namespace(workers=2, threads=4), env)
    workers = start_workers(2, env)
    try:
        wait_for_server()
        time.sleep(3)  # let the workers import Django and WeasyPrint
        start = threading.Event()
        results = [None] * args.people
        threads = [
            threading.Thread(target=download, args=(path, cookies[n], start, results, n))
            for n in range(args.people)
        ]
        for thread in threads:
            thread.start()
        start.set()
        for thread in threads:
            thread.join(DEADLINE + 30)
        row = RenderedDocument.objects.get(delegation=delegation, kind="action_plan")
        pdfs = {body for _status, body, _seconds in results if body}
        slowest = max(seconds for _status, _body, seconds in results)
        print(
            f"{args.people} people asked at once: statuses {[r[0] for r in results]}, "
            f"{len(pdfs)} distinct PDF(s), rendered {row.renders} time(s), "
            f"last PDF after {slowest:.1f} s (limit {DEADLINE} s)"
        )
        ok = (
            all(status == 200 for status, _body, _seconds in results)
            and len(pdfs) == 1
            and row.renders == 1
            and slowest <= DEADLINE
        )
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        server.terminate()
        for worker in workers:
            worker.terminate()
        server.wait(30)
        for worker in workers:
            worker.wait(30)
        connections.close_all()
        admin(f"DROP DATABASE IF EXISTS {DRILL_DB} WITH (FORCE)")
        shutil.rmtree(env["DJANGO_STATIC_ROOT"], ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
