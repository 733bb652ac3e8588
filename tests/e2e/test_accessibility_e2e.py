"""Every portal page in every interface language, checked by axe-core (WCAG 2.2 AA) in
headless Chromium under the site's Content-Security-Policy, and by the Nu HTML checker.

One scenario holds every state a page can be in: a summary being written, one
submitted, one of a closed session, a plan with an action and a TA request, earlier
versions of an answer and of an action, a bundle being prepared.
"""

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from delegations.services import staff_groups_ensure
from sessions.models import (
    FinancingSource,
    GuidanceQuestion,
    QuestionOption,
    Session,
)
from summaries import services
from summaries.models import Bundle, TARequest
from tests.factories import make_workshop

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LANGUAGES = [code for code, _name in settings.LANGUAGES]

VNU_VERSION = "26.9.27"
VNU_CACHE = Path.home() / ".cache" / "workshop-portal" / "vnu"


@dataclass(frozen=True)
class PortalPage:
    name: str
    user: object  # None: signed out
    path: str


def _answer(delegation, question, text, user, base_version=0):
    return services.answer_save(
        delegation=delegation,
        question=question,
        data=services.AnswerInput(
            text=text, discussed=True, language="fr", base_version=base_version
        ),
        user=user,
    )


def _question_kinds(session, delegation, user):
    """Questions 2 to 4 ask for each structured kind, each answered (issue 11)."""
    # A transactional test's database has lost the sources the migration wrote.
    FinancingSource.objects.get_or_create(code="donors", defaults={"name_en": "Donors"})
    kinds = {2: "choice", 3: "financing", 4: "milestones"}
    for number, kind in kinds.items():
        question = session.questions.get(number=number)
        question.kind = kind
        question.option_note_label_en = "Why it is urgent" if kind == "choice" else ""
        question.allow_other = kind == "choice"
        question.financing_columns = "both"
        question.save()
    choice = session.questions.get(number=2)
    for order, (code, label) in enumerate([("ageing", "Ageing society"), ("waste", "Waste")]):
        QuestionOption.objects.create(question=choice, code=code, label_en=label, order=order)
    posted = {
        2: {"chosen": ["waste"], "note__waste": "Flooding"},
        3: {"today__donors": "60", "target__donors": "40"},
        4: {"rows": ["aa11"], "milestone__aa11": "Budget line", "month__aa11": "9"},
    }
    for number, values in posted.items():
        services.answer_save(
            delegation=delegation,
            question=session.questions.get(number=number),
            data=services.AnswerInput(
                text="", discussed=True, language="fr", base_version=0, posted=values
            ),
            user=user,
        )


@pytest.fixture
def portal_pages(workshop, session, delegation_a, delegation_b, member_a, organiser, facilitator):
    """Every page of the portal, each with the user who sees it."""
    first = session.questions.get(number=1)
    answer = _answer(delegation_a, first, "Le budget dépend des partenaires.", member_a)
    _answer(delegation_a, first, "Le budget dépend des partenaires et de l'État.", member_a, 1)
    services.summary_details_save(
        summary=services.summary_get_or_create(delegation=delegation_a, session=session),
        participants="Awa Diop, Moussa Ndiaye",
        rapporteur="Awa Diop",
        base_version=1,
        user=member_a,
    )
    _question_kinds(session, delegation_a, member_a)

    submitted = Session.objects.create(
        workshop=workshop,
        code="VI",
        title_en="Monitoring",
        title_fr="Suivi",
        status=Session.Status.OPEN,
        order=6,
    )
    GuidanceQuestion.objects.create(session=submitted, number=1, order=1, text_en="Who?")
    _answer(delegation_a, submitted.questions.get(), "Le comité.", member_a)
    services.summary_submit(
        summary=services.summary_get_or_create(delegation=delegation_a, session=submitted),
        user=member_a,
    )

    closed = Session.objects.create(
        workshop=workshop,
        code="IV",
        title_en="Priorities",
        title_fr="Priorités",
        status=Session.Status.OPEN,
        order=4,
    )
    GuidanceQuestion.objects.create(session=closed, number=1, order=1, text_en="What?")
    _answer(delegation_a, closed.questions.get(), "La santé communautaire.", member_a)
    closed.status = Session.Status.CLOSED
    closed.save()

    action = services.plan_item_create(
        delegation=delegation_a,
        kind="action",
        data={"title": "Inscrire la santé communautaire au budget"},
        user=member_a,
    )
    services.plan_item_update(
        item=action,
        data={"title": "Inscrire la santé au budget"},
        base_version=1,
        user=member_a,
    )
    services.plan_item_create(
        delegation=delegation_a,
        kind="ta",
        data={"title": "Appui au chiffrage", "priority": TARequest.Priority.HIGH},
        user=member_a,
    )
    make_workshop(
        title_en="Community forum",
        slug="forum",
        start_date=workshop.start_date,
        end_date=workshop.end_date,
        languages="th,en",
        default_language="th",
    )
    newcomer = User.objects.create_user("newcomer", password="pass-newcomer")
    bundle = Bundle.objects.create(
        workshop=workshop, status=Bundle.Status.RUNNING, total=2, done=1, requested_by=organiser
    )

    w, d = workshop.slug, delegation_a.slug
    summary = {"workshop": w, "delegation": d}
    return [
        PortalPage("login", None, reverse("login")),
        PortalPage("home (no workshop)", newcomer, reverse("home")),
        PortalPage("home (organiser)", organiser, reverse("home")),
        PortalPage("workshop (member)", member_a, workshop.get_absolute_url()),
        PortalPage("workshop (organiser)", organiser, workshop.get_absolute_url()),
        PortalPage("delegation", member_a, delegation_a.get_absolute_url()),
        PortalPage(
            "summary (editable)",
            member_a,
            reverse("summaries:summary", kwargs={**summary, "session": session.code}),
        ),
        PortalPage(
            "summary (submitted)",
            member_a,
            reverse("summaries:summary", kwargs={**summary, "session": submitted.code}),
        ),
        PortalPage(
            "summary (closed)",
            member_a,
            reverse("summaries:summary", kwargs={**summary, "session": closed.code}),
        ),
        PortalPage(
            "summary (organiser)",
            organiser,
            reverse("summaries:summary", kwargs={**summary, "session": session.code}),
        ),
        PortalPage(
            "session overview",
            organiser,
            reverse("summaries:session", kwargs={"workshop": w, "session": session.code}),
        ),
        PortalPage("plan", member_a, delegation_a.get_plan_url()),
        PortalPage("plan (organiser)", organiser, delegation_a.get_plan_url()),
        PortalPage(
            "answer history",
            member_a,
            reverse(
                "summaries:answer_history",
                kwargs={**summary, "session": session.code, "number": answer.question.number},
            ),
        ),
        PortalPage(
            "details history",
            member_a,
            reverse("summaries:details_history", kwargs={**summary, "session": session.code}),
        ),
        PortalPage(
            "plan item history",
            member_a,
            reverse(
                "summaries:plan_item_history", kwargs={**summary, "kind": "action", "pk": action.pk}
            ),
        ),
        PortalPage("board", organiser, reverse("summaries:board", kwargs={"workshop": w})),
        PortalPage(
            "compare",
            organiser,
            reverse(
                "summaries:compare", kwargs={"workshop": w, "session": session.code, "number": 1}
            ),
        ),
        PortalPage("exports", organiser, reverse("summaries:exports", kwargs={"workshop": w})),
        PortalPage(
            "preview",
            facilitator,
            reverse("summaries:session_preview", kwargs={"workshop": w, "session": session.code}),
        ),
        PortalPage(
            "bundle",
            organiser,
            reverse("summaries:bundle", kwargs={"workshop": w, "pk": bundle.pk}),
        ),
    ]


# --- axe-core in Chromium -----------------------------------------------------------


def _describe(page_name, violation):
    """One line per offending element: page, rule, element, what is wrong."""
    return [
        f"{page_name}: {violation['id']} ({violation['impact']}): {' '.join(node['target'])}: "
        + " ".join(node.get("failureSummary", violation["help"]).split())
        for node in violation["nodes"]
    ]


def _browser_context(browser, live_server, login_context, user, language):
    """A browser context for ``user`` (``None``: signed out) whose interface is in
    ``language``, chosen with the navigation bar's switcher as a person would."""
    if user is not None:
        context = login_context(user, language)
    else:
        context = browser.new_context(locale=language)
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
    # An init script is exempt from the page's Content-Security-Policy, which refuses
    # the inline <script> that page.add_script_tag() would insert.
    context.add_init_script(path=str(AXE_JS))
    page = context.new_page()
    page.goto(live_server.url + (reverse("home") if user else reverse("login")))
    if page.evaluate("document.documentElement.lang") != language:
        page.click(f"button[name=language][value={language}]")
        expect(page.locator("html")).to_have_attribute("lang", language)
    page.close()
    return context


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_portal_page_has_no_axe_violation_nor_csp_report(
    language, portal_pages, browser, live_server, login_context
):
    problems = []
    contexts = {}
    for portal_page in portal_pages:
        if portal_page.user not in contexts:
            contexts[portal_page.user] = _browser_context(
                browser, live_server, login_context, portal_page.user, language
            )
        page = contexts[portal_page.user].new_page()
        console = []
        page.on("console", lambda message, log=console: log.append(message.text))
        response = page.goto(live_server.url + portal_page.path, wait_until="load")
        assert response.status == 200, f"{portal_page.name}: HTTP {response.status}"
        assert page.evaluate("document.documentElement.lang") == language, portal_page.name
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        for violation in result["violations"]:
            problems += _describe(portal_page.name, violation)
        problems += [
            f"{portal_page.name}: console: {text}"
            for text in console
            if "Content Security Policy" in text
        ]
        page.close()
    if None in contexts:
        contexts[None].close()
    assert problems == [], f"{len(problems)} problems in {language}:\n" + "\n".join(problems)


# --- The Nu HTML checker on the pages as served ----------------------------------------


def _vnu_jar():
    """The checker's jar: ``$VNU_JAR``, the cache, or installed into the cache with npm."""
    if os.environ.get("VNU_JAR"):
        return Path(os.environ["VNU_JAR"])
    jar = VNU_CACHE / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not jar.exists() and shutil.which("npm"):
        subprocess.run(
            [
                "npm",
                "install",
                "--no-save",
                "--no-package-lock",
                "--ignore-scripts",
                "--prefix",
                str(VNU_CACHE),
                f"vnu-jar@{VNU_VERSION}",
            ],
            check=False,
            capture_output=True,
            timeout=600,
        )
    return jar


@pytest.fixture
def vnu():
    jar = _vnu_jar()
    if not (jar.exists() and shutil.which("java")):
        if os.environ.get("CI"):
            pytest.fail(f"The Nu HTML checker needs java and {jar}")
        pytest.skip(f"The Nu HTML checker needs java and {jar}")
    return jar


def test_every_portal_page_is_valid_html(vnu, portal_pages, tmp_path):
    files = {}
    for language in LANGUAGES:
        for index, portal_page in enumerate(portal_pages):
            client = Client()
            if portal_page.user is not None:
                client.force_login(portal_page.user)
            client.post(reverse("set_language"), {"language": language})
            response = client.get(portal_page.path)
            assert response.status_code == 200, portal_page.name
            assert f'<html lang="{language}"' in response.text, portal_page.name
            path = tmp_path / f"{language}-{index:02d}.html"
            path.write_bytes(response.content)
            files[path.resolve().as_uri().replace("file:///", "file:/")] = (
                f"{portal_page.name} [{language}]"
            )
    run = subprocess.run(
        [
            "java",
            "-jar",
            str(vnu),
            "--errors-only",
            "--format",
            "json",
            *map(str, sorted(tmp_path.glob("*.html"))),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(run.stderr)["messages"]
    errors = [
        f"{files.get(m.get('url'), m.get('url'))}: line {m.get('lastLine')}: {m['message']}"
        f" — {m.get('extract', '').strip()}"
        for m in messages
    ]
    assert errors == [], f"{len(errors)} errors:\n" + "\n".join(errors)


# --- The admin under the same policy ---------------------------------------------------


def test_admin_workshop_tabs_work_under_the_content_security_policy(
    page, live_server, facilitator, workshop
):
    console = []
    page.on("console", lambda message: console.append(message.text))
    staff_groups_ensure()
    change_url = reverse("admin:workshop_sessions_workshop_change", args=[workshop.pk])
    page.goto(f"{live_server.url}{reverse('admin:login')}?next={change_url}")
    page.fill("#id_username", "fatou")
    page.fill("#id_password", "pass-fatou")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}{change_url}")
    response = page.reload()
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.click("a[href='#tab_id_title_fr']")
    expect(page.locator("#id_title_fr")).to_have_value("Atelier régional")
    expect(page.locator("#id_title_en")).to_be_hidden()
    assert [text for text in console if "Content Security Policy" in text] == []
