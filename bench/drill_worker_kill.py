"""Drill: a worker killed mid-part does not lose the bundle.

    .venv/bin/python bench/drill_worker_kill.py --delegations 10

Loopback only, bounded in time. Creates a throwaway PostgreSQL database
(``BENCH_PG_URL`` names the server and a role that may create databases), starts two
``manage.py db_worker`` processes, requests a bundle, ``kill -9``s the worker holding
a part while it renders, and only watches the database: nobody has the bundle's page
open, so the bundle's own watcher task (``summaries.tasks.watch_bundle``) must find
the part whose lease expired and enqueue it again for the surviving worker. Passes if
the bundle is done within two minutes of the kill.
"""

import argparse
import os
import signal
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bundle import make_workshop, start_workers  # noqa: E402

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://portal:portal@127.0.0.1:5432/portal")
DRILL_DB = "portal_drill_worker_kill"
DEADLINE = 120  # seconds from the kill to the finished bundle


def admin(sql):
    import psycopg

    connection = psycopg.connect(PG_ADMIN_URL)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()


def drill_database_url():
    parts = urllib.parse.urlsplit(PG_ADMIN_URL)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("BENCH_PG_URL must point at a loopback server.")
    return urllib.parse.urlunsplit(parts._replace(path="/" + DRILL_DB))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delegations", type=int, default=10)
    args = parser.parse_args()
    database_url = drill_database_url()
    admin(f"DROP DATABASE IF EXISTS {DRILL_DB} WITH (FORCE)")
    admin(f"CREATE DATABASE {DRILL_DB}")
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-key")
    os.environ["DJANGO_SETTINGS_MODULE"] = "workshop_portal.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    from summaries import bundles
    from summaries.models import Bundle, BundlePart
    from summaries.tasks import build_bundle

    workshop = make_workshop(args.delegations)
    connections.close_all()
    workers = start_workers(2, {**os.environ, "DATABASE_URL": database_url})
    by_pid = {worker.pid: worker for worker in workers}
    killed = None
    try:
        time.sleep(3)  # let the workers import Django and WeasyPrint
        bundle, _created = bundles.bundle_request(workshop=workshop, user=None)
        build_bundle.enqueue(bundle.pk)
        started = time.perf_counter()
        killed_at = victim_part = None
        while True:
            now = time.perf_counter()
            bundle.refresh_from_db(fields=["status", "done", "total"])
            if bundle.status in (Bundle.Status.DONE, Bundle.Status.FAILED):
                break
            if killed is None:
                for part_id, worker_name in BundlePart.objects.filter(
                    bundle=bundle, status=BundlePart.Status.RENDERING
                ).values_list("pk", "worker"):
                    pid = int(worker_name.split(":")[1])
                    if pid in by_pid:
                        os.kill(pid, signal.SIGKILL)
                        killed, killed_at, victim_part = by_pid[pid], now, part_id
                        killed.wait(10)
                        still_rendering = BundlePart.objects.filter(
                            pk=part_id, status=BundlePart.Status.RENDERING
                        ).exists()
                        print(
                            f"kill -9 worker pid {pid} at {now - started:.1f} s, "
                            f"{bundle.done}/{bundle.total} parts done; its part still claimed: "
                            f"{still_rendering}"
                        )
                        break
            elif now - killed_at > DEADLINE:
                break
            time.sleep(0.05)
        finished = time.perf_counter()
        bundle.refresh_from_db()
        part = BundlePart.objects.get(pk=victim_part) if victim_part else None
        print(
            f"bundle {bundle.status}: {bundle.done}/{bundle.total} parts in "
            f"{finished - started:.1f} s; "
            + (
                f"{finished - killed_at:.1f} s after the kill (limit {DEADLINE} s); "
                f"killed part now {part.status} by {part.worker or '-'}"
                if killed
                else "no worker was caught mid-part"
            )
        )
        ok = killed is not None and bundle.status == Bundle.Status.DONE
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
        for worker in workers:
            worker.wait(30)
        connections.close_all()
        admin(f"DROP DATABASE IF EXISTS {DRILL_DB} WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())
