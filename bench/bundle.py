"""The organisers' bundle for a big workshop: cold (nothing cached) and warm (nothing
changed), with peak memory.

    .venv/bin/python bench/bundle.py --delegations 60
    .venv/bin/python bench/bundle.py --delegations 20   # memory should not grow with it

Each delegation gets 5 answers, 12 actions and 6 TA requests, written through the
same services as the pages. The database is a throwaway SQLite file (or
``--database-url``). The bundle runs through the real task queue: ``--workers``
``manage.py db_worker`` processes (2 by default, one per core) share the per-delegation
tasks. Peak memory is each worker's resident high-water mark (``VmHWM``, which
includes WeasyPrint's C libraries). Then the assembler alone runs in a fresh
subprocess (``--assemble-only``, after dropping the done bundles so the ZIP is
written again); its peak RSS (``getrusage`` of that child, through ``os.wait4``) is
printed next to a subprocess that only starts Django, so the growth with the number
of delegations shows.

Last, the floor, in the same run once the workers have stopped: every document of the
bundle rendered by bare WeasyPrint (``bench/pdf.py: bare``, the same HTML and fonts,
none of our pipeline) one after the other, summed and divided by ``--workers``; the
cold bundle's time is printed as a ratio of it (target: at most 1.15).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-key")
    os.environ["DJANGO_SETTINGS_MODULE"] = "workshop_portal.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_workshop(count):
    import datetime as dt

    from django.contrib.auth.models import User

    from delegations.models import Delegation, Membership
    from sessions.models import GuidanceQuestion, InterventionArea, Session, Workshop
    from summaries import services

    workshop = Workshop.objects.create(
        title_en="Bench workshop",
        title_fr="Atelier de mesure",
        slug="bench",
        start_date=dt.date(2026, 11, 23),
        end_date=dt.date(2026, 11, 25),
        languages="en,fr",
        default_language="en",
    )
    session = Session.objects.create(workshop=workshop, code="V", title="Session V", status="open")
    feeds = ["nothing", "nothing", "nothing", "action_plan", "ta_request"]
    questions = [
        GuidanceQuestion.objects.create(
            session=session,
            number=n,
            order=n,
            text_en=f"Question {n}?",
            text_fr=f"Question {n} ?",
            feeds=feeds[n - 1],
        )
        for n in range(1, 6)
    ]
    areas = [
        InterventionArea.objects.get_or_create(
            code=f"area-{n}", defaults={"name": f"Area {n}", "order": n}
        )[0]
        for n in range(1, 6)
    ]
    for index in range(count):
        delegation = Delegation.objects.create(
            workshop=workshop,
            name=f"Delegation {index:02d}",
            slug=f"d{index:02d}",
            language="fr" if index % 2 else "en",
        )
        user = User.objects.create_user(f"bench{index}")
        Membership.objects.create(user=user, delegation=delegation)
        for question in questions:
            services.answer_save(
                delegation=delegation,
                question=question,
                user=user,
                data=services.AnswerInput(
                    text=f"Answer {question.number} of delegation {index}. " * 12,
                    discussed=True,
                    language=delegation.language,
                    base_version=0,
                ),
            )
        actions = [
            services.plan_item_create(
                delegation=delegation,
                kind="action",
                user=user,
                data={
                    "title": f"Action {n} of delegation {index}",
                    "description": "Steps, owners and follow-up. " * 4,
                    "intervention_area": areas[n % 5],
                    "milestone": f"Milestone {n}",
                    "start_month": 1 + n,
                    "end_month": 12 + n,
                    "responsible": "Ministry of Health",
                    "partners": "UNICEF, WHO",
                    "estimated_cost": Decimal(1000 * n),
                    "currency": "USD",
                },
            )
            for n in range(1, 13)
        ]
        for n in range(1, 7):
            services.plan_item_create(
                delegation=delegation,
                kind="ta",
                user=user,
                data={
                    "title": f"TA request {n} of delegation {index}",
                    "need": "Costing expertise. " * 5,
                    "intervention_area": areas[n % 5],
                    "kind": "expertise",
                    "priority": "high",
                    "timeframe_months": 6,
                    "estimated_cost": Decimal(5000),
                    "currency": "USD",
                    "action": actions[n],
                },
            )
    return workshop


def peak_rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_workers(count, env):
    return [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-startup-delay",
                "--interval",
                "0.1",
                "--worker-id",
                f"bench-{n}",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(count)
    ]


def run(workshop, label, workers):
    """One bundle through the real task queue, timed from the click to the ZIP."""
    from summaries.bundles import bundle_zip_size
    from summaries.models import Bundle
    from summaries.tasks import build_bundle

    started = time.perf_counter()
    bundle = Bundle.objects.create(workshop=workshop)
    build_bundle.enqueue(bundle.pk)
    while True:
        bundle.refresh_from_db(fields=["status"])
        if bundle.status in (Bundle.Status.DONE, Bundle.Status.FAILED):
            break
        time.sleep(0.1)
    elapsed = time.perf_counter() - started
    bundle.refresh_from_db()
    peaks = ", ".join(f"{peak_rss_mb(w.pid):.0f}" for w in workers)
    print(
        f"{label}: {elapsed:6.1f} s  status={bundle.status} rendered={bundle.rendered} "
        f"reused={bundle.reused} zip={bundle_zip_size(bundle) / 1e6:.1f} MB  "
        f"worker peak RSS so far (MB)=[{peaks}]"
    )
    return elapsed


def bare_floor(workshop):
    """Seconds that bare WeasyPrint takes for every document of the bundle, in turn."""
    from bench.pdf import bare
    from summaries.bundles import bundle_contents
    from summaries.pdf.cache import SUMMARY, document_data
    from summaries.pdf.render import document_html

    contents = bundle_contents(workshop)
    wanted = [(kind, None) for kind in contents.kinds]
    wanted += [(SUMMARY, session) for session in contents.sessions]
    total = 0.0
    for delegation in workshop.delegations.select_related("workshop"):
        for kind, session in wanted:
            doc = document_data(delegation=delegation, kind=kind, session=session)
            html, page_css = document_html(doc, kind)
            started = time.perf_counter()
            bare(html, page_css)
            total += time.perf_counter() - started
    return total


def copy_documents(workshop):
    """Render the first delegation's documents and store them for every delegation
    (named for it), as if every part had been rendered."""
    from summaries.bundles import bundle_contents
    from summaries.models import RenderedDocument
    from summaries.pdf.cache import documents_refresh

    delegations = list(workshop.delegations.order_by("pk"))
    contents = bundle_contents(workshop)
    documents_refresh(delegation=delegations[0], kinds=contents.kinds, sessions=contents.sessions)
    rendered = list(RenderedDocument.objects.filter(delegation=delegations[0]))
    for delegation in delegations[1:]:
        RenderedDocument.objects.bulk_create(
            RenderedDocument(
                delegation=delegation,
                kind=row.kind,
                session=row.session,
                language=delegation.language,
                fingerprint=row.fingerprint,
                filename=row.filename.replace(delegations[0].slug, delegation.slug, 1),
                pdf=row.pdf,
            )
            for row in rendered
        )


def assemble_only(database_url, mode):
    """In this fresh process: start Django, and (``mode == "assemble"``) write the
    workshop's ZIP again from the cached PDFs."""
    setup_django(database_url)
    if mode != "assemble":
        return
    from sessions.models import Workshop
    from summaries import bundles
    from summaries.models import Bundle

    workshop = Workshop.objects.get(slug="bench")
    Bundle.objects.filter(workshop=workshop).delete()
    bundle = Bundle.objects.create(workshop=workshop, status=Bundle.Status.RUNNING)
    bundles.bundle_assemble(bundle, extra_files=bundles.workshop_spreadsheets(workshop))


def child_peak_mb(argv, env):
    """Peak RSS of one child process, from its own rusage (``ru_maxrss`` is in KiB)."""
    process = subprocess.Popen(argv, cwd=ROOT, env=env)
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{argv} exited with {process.returncode}")
    return usage.ru_maxrss / 1024


def measure_assembler(database_url):
    env = {**os.environ, "DATABASE_URL": database_url}
    base = [sys.executable, __file__, "--database-url", database_url, "--assemble-only"]
    idle = child_peak_mb([*base, "idle"], env)
    started = time.perf_counter()
    assembler = child_peak_mb([*base, "assemble"], env)
    print(
        f"assembler alone: {time.perf_counter() - started:.1f} s, peak RSS {assembler:.0f} MB "
        f"(a process that only starts Django: {idle:.0f} MB; growth {assembler - idle:.0f} MB)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delegations", type=int, default=60)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--workers", type=int, default=2, help="db_worker processes")
    parser.add_argument(
        "--memory-only",
        action="store_true",
        help="skip the workers: render one delegation's documents, store copies for the "
        "others, and measure the assembler alone (its memory does not depend on the load)",
    )
    parser.add_argument("--assemble-only", choices=["idle", "assemble"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.assemble_only:
        assemble_only(args.database_url, args.assemble_only)
        return
    with tempfile.TemporaryDirectory() as tmp:
        database_url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        setup_django(database_url)
        started = time.perf_counter()
        workshop = make_workshop(args.delegations)
        print(
            f"setup: {args.delegations} delegations x (5 answers, 12 actions, 6 TA requests) "
            f"in {time.perf_counter() - started:.1f} s; {args.workers} db_worker processes"
        )
        from django.db import connections

        if args.memory_only:
            copy_documents(workshop)
            connections.close_all()
            measure_assembler(database_url)
            return
        connections.close_all()
        workers = start_workers(args.workers, {**os.environ, "DATABASE_URL": database_url})
        try:
            time.sleep(3)  # let the workers import Django and WeasyPrint
            cold = run(workshop, "cold", workers)
            run(workshop, "warm", workers)
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(30)
        measure_assembler(database_url)
        floor = bare_floor(workshop) / args.workers
        print(
            f"floor: bare WeasyPrint renders of the bundle's documents / {args.workers} workers "
            f"= {floor:.1f} s; cold bundle {cold:.1f} s = {cold / floor:.2f} x the floor"
        )


if __name__ == "__main__":
    main()
