"""How long the PDFs take: our pipeline against bare WeasyPrint on the same HTML.

Builds a throwaway SQLite database in a temporary directory (never the project's),
with one delegation holding 5 answers, 12 actions and 6 TA requests, then prints
the median time of each step over ``--runs`` runs:

- ``plan_document``: reading the delegation's data (queries included);
- ``ours``: ``render_action_plan`` / ``render_ta_requests`` (template, translations,
  safe fetcher, fonts);
- ``bare``: ``weasyprint.HTML(string=html).write_pdf()`` of the same HTML with the
  same stylesheets and fonts, WeasyPrint's default fetcher, no template.

Target: ours within 1.2x of bare. Usage::

    .venv/bin/python bench/pdf.py [--runs 15]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(directory):
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ["PORTAL_VAR_DIR"] = str(directory)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_delegation():
    """A French-language delegation with 5 answers, 12 actions and 6 TA requests,
    written through the services the pages use."""
    import datetime as dt

    from django.contrib.auth import get_user_model

    from delegations.models import Delegation, Membership
    from sessions.models import GuidanceQuestion, InterventionArea, Session, Workshop
    from summaries import services

    workshop = Workshop.objects.create(
        title_en="Regional workshop on community health systems",
        title_fr="Atelier régional sur les systèmes de santé communautaire",
        slug="bench",
        start_date=dt.date(2026, 11, 23),
        end_date=dt.date(2026, 11, 25),
        venue_en="Dakar",
        time_zone="Africa/Dakar",
    )
    session = Session.objects.create(
        workshop=workshop,
        code="V",
        title_en="Mobilizing resources",
        title_fr="Mobiliser les ressources",
        status=Session.Status.OPEN,
    )
    feeds = ["nothing", "nothing", "nothing", "action_plan", "ta_request"]
    for number, feed in enumerate(feeds, start=1):
        GuidanceQuestion.objects.create(
            session=session,
            number=number,
            order=number,
            text_en=f"Question {number}: what does your delegation plan, and with whom?",
            text_fr=f"Question {number} : que prévoit votre délégation, et avec qui ?",
            feeds=feed,
        )
    areas = [
        InterventionArea.objects.create(code=f"area-{n}", order=n, name_en=f"Area {n}")
        for n in range(1, 6)
    ]
    delegation = Delegation.objects.create(
        workshop=workshop, name="Côte d'Ivoire", slug="cote-divoire", language="fr"
    )
    user = get_user_model().objects.create_user("bench")
    Membership.objects.create(user=user, delegation=delegation)
    paragraph = (
        "Le financement de la santé communautaire repose à plus de 70 % sur les "
        "partenaires techniques et financiers.\nLes agents sont payés de façon irrégulière."
    )
    for question in session.questions.all():
        services.answer_save(
            delegation=delegation,
            question=question,
            data=services.AnswerInput(
                text=paragraph, discussed=True, language="fr", base_version=0
            ),
            user=user,
        )
    actions = [
        services.plan_item_create(
            delegation=delegation,
            kind="action",
            data={
                "title": f"Action {n} : former les relais communautaires du district {n}",
                "description": paragraph,
                "intervention_area": areas[n % 5],
                "milestone": "Relais formés et équipés",
                "start_month": 1 + n,
                "end_month": 12 + n,
                "responsible": "Direction de la santé communautaire",
                "partners": "OMS, UNICEF",
                "resources_needed": "Consultant national, 20 jours",
                "estimated_cost": Decimal(12500 * n),
                "currency": "USD",
            },
            user=user,
        )
        for n in range(1, 13)
    ]
    for n in range(1, 7):
        services.plan_item_create(
            delegation=delegation,
            kind="ta",
            data={
                "title": f"Appui technique {n} à la budgétisation",
                "intervention_area": areas[n % 5],
                "need": paragraph,
                "preferred_provider": "P4H",
                "timeframe_months": 6,
                "estimated_cost": Decimal(20000),
                "priority": "high",
                "action": actions[n],
            },
            user=user,
        )
    return delegation


def bare(html, page_css):
    """Bare WeasyPrint on the HTML our renderer makes: the same fonts and stylesheets,
    none of our pipeline (no child process, limits or text-layer mending)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import path2url

    from common.pdf import FONTS_CSS, fonts_dir
    from summaries.pdf.render import stylesheet

    font_config = FontConfiguration()
    stylesheets = [
        CSS(string=FONTS_CSS, base_url=path2url(fonts_dir()), font_config=font_config),
        CSS(string=stylesheet(), font_config=font_config),
        CSS(string=page_css, font_config=font_config),
    ]
    return HTML(string=html).write_pdf(stylesheets=stylesheets, font_config=font_config)


def median_seconds(function, runs):
    function()  # warm-up: template loading, font files in the page cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as directory:
        setup_django(Path(directory))
        from pypdf import PdfReader

        from summaries.pdf import plan_document, render_action_plan, render_ta_requests
        from summaries.pdf.render import document_html

        delegation = make_delegation()
        doc = plan_document(delegation=delegation)

        read = median_seconds(lambda: plan_document(delegation=delegation), args.runs)
        print(f"runs: {args.runs} (median), 12 actions, 6 TA requests, 5 answers")
        print(f"plan_document: {read * 1000:7.1f} ms")
        print(f"{'document':<13} {'pages':>5} {'ours ms':>9} {'bare ms':>9} {'ratio':>6}")
        worst = 0
        for kind, render in [
            ("action_plan", render_action_plan),
            ("ta_requests", render_ta_requests),
        ]:
            html, page_css = document_html(doc, kind)
            ours = median_seconds(lambda render=render: render(doc), args.runs)
            theirs = median_seconds(lambda html=html, css=page_css: bare(html, css), args.runs)
            pages = len(PdfReader(BytesIO(render(doc).content)).pages)
            worst = max(worst, ours / theirs)
            ratio = ours / theirs
            print(f"{kind:<13} {pages:>5} {ours * 1e3:9.1f} {theirs * 1e3:9.1f} {ratio:6.2f}")
        print(f"target: ours within 1.20x of bare -> {'met' if worst <= 1.2 else 'NOT met'}")
        return 0 if worst <= 1.2 else 1


if __name__ == "__main__":
    sys.exit(main())
