"""PDF downloads, the document cache, and the workshop bundle through the real
database worker (django-tasks-db's ``db_worker``)."""

import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from delegations.models import Delegation
from summaries import services
from summaries.bundles import bundle_zip
from summaries.models import Bundle, RenderedDocument
from summaries.pdf import cache
from summaries.pdf.cache import document_file

pytestmark = pytest.mark.django_db


def document_url(delegation, kind, lang=None):
    url = reverse(
        "summaries:document",
        kwargs={"workshop": delegation.workshop.slug, "delegation": delegation.slug, "kind": kind},
    )
    return url + (f"?lang={lang}" if lang else "")


@pytest.mark.django_db(transaction=True)
def test_member_downloads_action_plan_pdf(client, senegal_plan, member_a):
    client.force_login(member_a)
    waiting = client.get(document_url(senegal_plan, "action_plan"))
    assert (waiting.status_code, waiting["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert "Waiting for a worker (manage.py db_worker)" in waiting.text
    run_worker()
    response = client.get(document_url(senegal_plan, "action_plan"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="regional_senegal_action_plan.pdf"; '
        "filename*=UTF-8''regional_senegal_action_plan.pdf"
    )
    assert response.content.startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("who", "status"), [("member_b", 404), ("organiser", 200), ("facilitator", 200)]
)
def test_document_download_permissions(client, request, senegal_plan, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(document_url(senegal_plan, "ta_requests")).status_code == status


def test_document_in_a_language_the_workshop_does_not_run_in_is_404(client, senegal_plan, member_a):
    client.force_login(member_a)
    assert client.get(document_url(senegal_plan, "action_plan", lang="th")).status_code == 404


def test_document_cache_reuses_unchanged_pdf(senegal_plan):
    first, rendered_first = document_file(delegation=senegal_plan, kind="action_plan")
    second, rendered_second = document_file(delegation=senegal_plan, kind="action_plan")
    assert (rendered_first, rendered_second, first == second) == (True, False, True)


def test_document_cache_renders_again_after_an_edit(senegal_plan, session, member_a):
    document_file(delegation=senegal_plan, kind="action_plan")
    revise_answer(senegal_plan, session, member_a, "Texte révisé")
    _pdf, rendered = document_file(delegation=senegal_plan, kind="action_plan")
    assert rendered is True


def revise_answer(delegation, session, user, text):
    """The delegation's answer to question 1 of ``session`` rewritten as ``text``."""
    answer = session.questions.get(number=1).answers.get(summary__delegation=delegation)
    services.answer_save(
        delegation=delegation,
        question=answer.question,
        data=services.AnswerInput(
            text=text, discussed=True, language="fr", base_version=answer.version
        ),
        user=user,
    )


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def start_bundle(client, workshop):
    response = client.post(reverse("summaries:bundle_start", kwargs={"workshop": workshop.slug}))
    assert response.status_code == 302
    return Bundle.objects.latest("created_at")


@pytest.mark.django_db(transaction=True)
def test_bundle_built_by_worker_holds_every_pdf(
    client, organiser, senegal_plan, delegation_b, workshop
):
    client.force_login(organiser)
    bundle = start_bundle(client, workshop)
    assert start_bundle(client, workshop).pk == bundle.pk  # a second click joins the first
    run_worker()
    bundle.refresh_from_db()
    assert (bundle.status, bundle.done, bundle.total) == ("done", 2, 2)
    archive = zipfile.ZipFile(io.BytesIO(bundle_zip(bundle)))
    # No Day 3 but plans: every plan document, and every session's summary too.
    assert sorted(name for name in archive.namelist() if name.endswith(".pdf")) == [
        "ghana/regional_ghana_action_plan.pdf",
        "ghana/regional_ghana_summary_v.pdf",
        "ghana/regional_ghana_ta_requests.pdf",
        "regional_compendium.pdf",
        "regional_summaries_compendium.pdf",
        "regional_ta_requests_compendium.pdf",
        "senegal/regional_senegal_action_plan.pdf",
        "senegal/regional_senegal_summary_v.pdf",
        "senegal/regional_senegal_ta_requests.pdf",
    ]
    compendium = PdfReader(io.BytesIO(archive.read("regional_compendium.pdf")))
    text = "\n".join(page.extract_text() for page in compendium.pages)
    assert "Senegal" in text and "Ghana" in text
    assert [item.title for item in compendium.outline] == ["Ghana", "Senegal"]
    contents = compendium.pages[0].extract_text()  # the contents page first
    for item in compendium.outline:  # each bookmark opens its delegation's plan
        number = compendium.get_destination_page_number(item)
        assert item.title in compendium.pages[number].extract_text()
        assert re.search(rf"{item.title}\W+{number + 1}\b", contents)  # at the page it says
    summaries = PdfReader(io.BytesIO(archive.read("regional_summaries_compendium.pdf")))
    assert [item.title for item in summaries.outline] == ["Ghana — V", "Senegal — V"]
    assert sorted(name for name in archive.namelist() if not name.endswith(".pdf")) == [
        "regional_answers-v.csv",
        "regional_answers-v.xlsx",
    ]
    download = client.get(
        reverse("summaries:bundle_download", kwargs={"workshop": workshop.slug, "pk": bundle.pk})
    )
    assert download["Content-Type"] == "application/zip"
    assert b"".join(download.streaming_content) == bundle_zip(bundle)
    assert int(download["Content-Length"]) == len(bundle_zip(bundle)) == bundle.size


@pytest.mark.django_db(transaction=True)
def test_bundle_rerun_renders_only_what_changed(
    client, organiser, senegal_plan, delegation_b, workshop, session, member_a
):
    client.force_login(organiser)
    start_bundle(client, workshop)
    run_worker()
    unchanged = start_bundle(client, workshop)
    run_worker()
    unchanged.refresh_from_db()
    assert (unchanged.rendered, unchanged.reused) == (0, 6)
    # Nothing changed: every part was done when the bundle started, by no worker's task.
    assert list(unchanged.parts.values_list("status", "worker")) == [("done", "")] * 2
    first = Bundle.objects.order_by("created_at").first()
    # the same ZIP, not rebuilt nor stored again
    assert (unchanged.chunks.count(), unchanged.archive_of_id) == (0, first.pk)
    assert bundle_zip(unchanged) == bundle_zip(first)
    revise_answer(senegal_plan, session, member_a, "Révisé")
    changed = start_bundle(client, workshop)
    run_worker()
    changed.refresh_from_db()
    # Senegal's action plan (it quotes the answer) and its summary of V; nothing else.
    assert (changed.rendered, changed.reused) == (2, 4)
    workers = dict(changed.parts.values_list("delegation__slug", "worker"))
    assert workers["ghana"] == "" and workers["senegal"] != ""  # only Senegal had a task


def test_fresh_delegations_are_those_whose_documents_are_all_cached(
    monkeypatch, senegal_plan, delegation_b, session, member_a
):
    """``documents_fresh``, batch by batch (one delegation per batch here): nothing is
    fresh before rendering, everything after, and an edit takes its delegation out."""
    monkeypatch.setattr(cache, "FRESH_BATCH", 1)
    delegations = list(Delegation.objects.select_related("workshop").order_by("name"))
    contents = {"kinds": cache.KINDS, "sessions": (session,)}
    assert cache.documents_fresh(delegations, **contents) == set()
    for delegation in delegations:
        cache.documents_refresh(delegation=delegation, **contents)
    assert cache.documents_fresh(delegations, **contents) == {senegal_plan.pk, delegation_b.pk}
    revise_answer(senegal_plan, session, member_a, "Révisé")
    assert cache.documents_fresh(delegations, **contents) == {delegation_b.pk}


@pytest.mark.parametrize("name", ["bundle_start"])
def test_bundle_refused_to_members(client, member_a, workshop, name):
    client.force_login(member_a)
    response = client.post(reverse(f"summaries:{name}", kwargs={"workshop": workshop.slug}))
    assert response.status_code == 404
    assert not Bundle.objects.exists()


def test_bundle_left_running_by_a_stopped_worker_is_replaced(workshop, organiser):
    import datetime as dt

    from django.utils import timezone

    from summaries.bundles import bundle_request

    stale, _created = bundle_request(workshop=workshop, user=organiser)
    Bundle.objects.filter(pk=stale.pk).update(
        status="running", progress_at=timezone.now() - dt.timedelta(hours=1)
    )
    fresh, created = bundle_request(workshop=workshop, user=organiser)
    stale.refresh_from_db()
    assert (created, fresh.pk != stale.pk, stale.status) == (True, True, "failed")


def test_day3_session_opens_the_plan_with_its_pdfs(client, member_a, delegation_a, workshop):
    from sessions.models import Session

    Session.objects.create(
        workshop=workshop, code="D3", title="Day 3", kind="action_planning", status="open"
    )
    client.force_login(member_a)
    url = reverse(
        "summaries:summary",
        kwargs={"workshop": workshop.slug, "delegation": delegation_a.slug, "session": "D3"},
    )
    response = client.get(url, follow=True)
    assert response.redirect_chain == [(delegation_a.get_plan_url(), 302)]
    assert document_url(delegation_a, "action_plan") in response.text


# --- downloads rendered by the workers, once per fingerprint -------------------------


def render_tasks():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path="summaries.tasks.render_document")


@pytest.mark.django_db(transaction=True)
def test_simultaneous_downloads_of_one_uncached_pdf_render_it_once(
    senegal_plan, member_a, organiser, facilitator
):
    import threading

    from django.db import connection
    from django.test import Client

    people = [member_a, organiser, facilitator] * 2
    barrier = threading.Barrier(len(people), timeout=60)
    statuses = []
    sqlite = connection.vendor == "sqlite"

    def download(user):
        client = Client()
        client.force_login(user)
        barrier.wait()
        try:
            statuses.append(client.get(document_url(senegal_plan, "action_plan")).status_code)
        finally:
            if not sqlite:
                connection.close()

    if connection.vendor == "sqlite":
        # The tests' in-memory SQLite refuses concurrent writers ("table is locked"),
        # and SQLite serialises writers anyway: here they ask one after another.
        barrier = threading.Barrier(1)
        for user in people:
            download(user)
    else:
        threads = [threading.Thread(target=download, args=(user,), daemon=True) for user in people]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    run_worker()
    document = RenderedDocument.objects.get(delegation=senegal_plan, kind="action_plan")
    assert (statuses, render_tasks().count(), document.renders, document.status) == (
        [200] * 6,
        1,
        1,
        "ready",
    )


@pytest.mark.django_db(transaction=True)
def test_document_page_polls_then_fetches_the_file(client, senegal_plan, member_a):
    client.force_login(member_a)
    url = document_url(senegal_plan, "action_plan", lang="fr")
    client.get(url)
    poll = client.get(url, headers={"HX-Request": "true"})
    assert f'data-hx-get="{url}" data-hx-trigger="every 2s"' in poll.text
    run_worker()
    ready = client.get(url, headers={"HX-Request": "true"})
    assert "Download regional_senegal_action_plan.pdf" in ready.text
    assert 'data-hx-trigger="every 2s"' not in ready.text
    fetch = client.get(url + "&fetch=1", headers={"HX-Request": "true"})
    assert (fetch.status_code, fetch["HX-Redirect"]) == (200, url)


@pytest.mark.django_db(transaction=True)
def test_other_language_is_its_own_document(client, senegal_plan, member_a):
    client.force_login(member_a)
    client.get(document_url(senegal_plan, "action_plan"))
    client.get(document_url(senegal_plan, "action_plan", lang="en"))
    run_worker()
    assert sorted(
        RenderedDocument.objects.filter(delegation=senegal_plan).values_list("language", "renders")
    ) == [("en", 1), ("fr", 1)]


@pytest.mark.django_db(transaction=True)
def test_failed_rendering_is_reported_and_can_be_retried(settings, client, senegal_plan, member_a):
    client.force_login(member_a)
    settings.PDF_RENDER_SECONDS = 0.01
    client.get(document_url(senegal_plan, "ta_requests"))
    run_worker()
    failed = client.get(document_url(senegal_plan, "ta_requests"))
    assert "This document took longer than 0.01 seconds to make and was stopped." in failed.text
    assert render_tasks().count() == 1  # a failure is not retried by itself
    settings.PDF_RENDER_SECONDS = 60
    client.get(document_url(senegal_plan, "ta_requests") + "?retry=1")
    run_worker()
    response = client.get(document_url(senegal_plan, "ta_requests"))
    assert (response["Content-Type"], render_tasks().count()) == ("application/pdf", 2)


@pytest.mark.django_db(transaction=True)
def test_a_claim_left_by_a_dead_worker_is_taken_again(client, senegal_plan, member_a):
    import datetime as dt

    from django.utils import timezone

    client.force_login(member_a)
    client.get(document_url(senegal_plan, "action_plan"))
    # The worker that claimed it died mid-render: its lease runs out.
    RenderedDocument.objects.update(
        status="rendering", leased_until=timezone.now() - dt.timedelta(seconds=1)
    )
    render_tasks().delete()
    client.get(document_url(senegal_plan, "action_plan"))  # the page's next poll
    run_worker()
    response = client.get(document_url(senegal_plan, "action_plan"))
    assert (response["Content-Type"], render_tasks().count()) == ("application/pdf", 1)


@pytest.mark.django_db(transaction=True)
def test_questionnaire_bundle_holds_each_delegations_summaries(
    client, organiser, workshop, session, delegation_b, member_a
):
    """A workshop without a Day 3 and without plans (a questionnaire sent to a
    secretariat): the answers are the documents."""
    from sessions.models import Session

    Session.objects.create(workshop=workshop, code="D", title="Draft", status="draft")
    client.force_login(organiser)
    bundle = start_bundle(client, workshop)
    run_worker()
    bundle.refresh_from_db()
    assert bundle.status == "done"
    archive = zipfile.ZipFile(io.BytesIO(bundle_zip(bundle)))
    assert sorted(archive.namelist()) == [
        "ghana/regional_ghana_summary_v.pdf",
        "regional_answers-v.csv",
        "regional_answers-v.xlsx",
        "regional_summaries_compendium.pdf",
        "senegal/regional_senegal_summary_v.pdf",
    ]
    compendium = PdfReader(io.BytesIO(archive.read("regional_summaries_compendium.pdf")))
    assert [item.title for item in compendium.outline] == ["Ghana — V", "Senegal — V"]
    assert "Mobilizing resources" in compendium.pages[1].extract_text()


def zip_pdf_text(archive, name):
    return "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(archive.read(name))).pages
    )


@pytest.mark.django_db(transaction=True)
def test_a_plan_that_cannot_render_leaves_the_bundle_complete_with_a_notice(
    client, organiser, senegal_plan, delegation_b, member_b, workshop, settings
):
    settings.PDF_RENDER_SECONDS = 5
    # Ghana's plan: what costs is line boxes, not characters (2,400 lines each).
    for number in range(1, 21):
        services.plan_item_create(
            delegation=delegation_b,
            kind="action",
            data={"title": f"Action {number}", "description": "\n".join("x" * 2400)},
            user=member_b,
        )
    client.force_login(organiser)
    bundle = start_bundle(client, workshop)
    run_worker()
    bundle.refresh_from_db()
    archive = zipfile.ZipFile(io.BytesIO(bundle_zip(bundle)))
    notice = zip_pdf_text(archive, "ghana/regional_ghana_action_plan.pdf")
    assert (bundle.status, bundle.done, bundle.total) == ("done", 2, 2)
    assert (
        "Ghana: Action plan could not be printed" in notice,
        "took longer than 5 seconds" in notice,
        "Ghana: Action plan could not be printed"
        in zip_pdf_text(archive, "regional_compendium.pdf"),
        "Senegal" in zip_pdf_text(archive, "senegal/regional_senegal_action_plan.pdf"),
    ) == (True, True, True, True)
