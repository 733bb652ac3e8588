"""Bundles that heal: a part whose worker died is taken again, a stopping worker
gives its part back, a stalled bundle offers a retry, old ZIPs are pruned."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from summaries import bundles
from summaries.models import Bundle, BundleChunk, BundlePart
from tests.summaries.test_bundles import run_worker, start_bundle

pytestmark = pytest.mark.django_db(transaction=True)


def status_url(bundle):
    return reverse("summaries:bundle", kwargs={"workshop": bundle.workshop.slug, "pk": bundle.pk})


def part_tasks():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path="summaries.tasks.render_bundle_part")


def kill_worker_mid_part(bundle, delegation):
    """What a ``kill -9`` leaves: the part claimed with a lease nobody renews (its
    task is never run again by django-tasks-db)."""
    BundlePart.objects.filter(bundle=bundle, delegation=delegation).update(
        status="rendering", leased_until=timezone.now() - dt.timedelta(seconds=1), worker="dead:1"
    )


def test_part_whose_lease_expired_is_rendered_again(
    client, organiser, senegal_plan, delegation_b, workshop
):
    client.force_login(organiser)
    bundle = start_bundle(client, workshop)
    # Start the bundle without rendering its parts: the start task, run by hand.
    from django_tasks_db.models import DBTaskResult

    from summaries.tasks import build_bundle

    DBTaskResult.objects.all().delete()
    build_bundle.call(bundle.pk)
    kill_worker_mid_part(bundle, senegal_plan)
    client.get(status_url(bundle), headers={"HX-Request": "true"})  # the page's poll
    run_worker()
    bundle.refresh_from_db()
    assert (bundle.status, bundle.done, bundle.total) == ("done", 2, 2)


def test_watcher_takes_a_dead_workers_part_without_anyone_on_the_page(
    client, organiser, senegal_plan, delegation_b, workshop
):
    from django_tasks_db.models import DBTaskResult

    from summaries.tasks import build_bundle, watch_bundle

    client.force_login(organiser)
    bundle = start_bundle(client, workshop)
    DBTaskResult.objects.all().delete()
    build_bundle.call(bundle.pk)  # enqueues the parts and the watcher, renders nothing
    watchers = DBTaskResult.objects.filter(task_path="summaries.tasks.watch_bundle")
    assert watchers.get().run_after > timezone.now() + bundles.PART_LEASE
    part_tasks().delete()  # the parts' tasks died with their worker
    kill_worker_mid_part(bundle, senegal_plan)
    BundlePart.objects.filter(delegation=delegation_b).update(status="done")
    watchers.delete()
    watch_bundle.call(bundle.pk)  # what the watcher does when its time comes
    assert [task.args_kwargs["args"] for task in part_tasks()] == [[bundle.pk, senegal_plan.pk]]
    assert watchers.count() == 1  # and it looks again later
    Bundle.objects.filter(pk=bundle.pk).update(done=1)
    run_worker()
    bundle.refresh_from_db()
    assert (bundle.status, bundle.done) == ("done", 2)
    watchers.delete()
    watch_bundle.call(bundle.pk)
    assert watchers.count() == 0  # a done bundle is not watched any more


def test_part_claimed_by_a_living_worker_is_not_taken(senegal_plan, workshop, organiser):
    bundle, _created = bundles.bundle_request(workshop=workshop, user=organiser)
    bundles.bundle_prepare(bundle)
    BundlePart.objects.update(status="rendering", leased_until=timezone.now() + dt.timedelta(30))
    bundle.refresh_from_db()
    assert (
        bundles.bundle_render_part(bundle, senegal_plan, worker="other"),
        bundles.bundle_heal(bundle),
    ) == (None, [])


def test_system_exit_in_a_part_releases_it(monkeypatch, senegal_plan, workshop, organiser):
    bundle, _created = bundles.bundle_request(workshop=workshop, user=organiser)
    bundles.bundle_prepare(bundle)
    bundle.refresh_from_db()

    def stopped(**kwargs):
        raise SystemExit(0)  # what the worker's SIGTERM handler raises mid-part

    monkeypatch.setattr(bundles.progress, "documents_refresh", stopped)
    with pytest.raises(SystemExit):
        bundles.bundle_render_part(bundle, senegal_plan, worker="w1")
    part = BundlePart.objects.get(bundle=bundle, delegation=senegal_plan)
    assert (part.status, part.leased_until) == ("queued", None)


def test_a_part_finished_twice_counts_once(senegal_plan, delegation_b, workshop, organiser):
    bundle, _created = bundles.bundle_request(workshop=workshop, user=organiser)
    bundles.bundle_prepare(bundle)
    bundle.refresh_from_db()
    first = bundles.bundle_render_part(bundle, senegal_plan, worker="w1")
    again = bundles.bundle_render_part(bundle, senegal_plan, worker="w2")
    last = bundles.bundle_render_part(bundle, delegation_b, worker="w2")
    bundle.refresh_from_db()
    assert (first, again, last, bundle.done) == (False, None, True, 2)


def test_stalled_bundle_shows_retry_and_retry_completes_it(
    client, organiser, senegal_plan, delegation_b, workshop
):
    from django_tasks_db.models import DBTaskResult

    client.force_login(organiser)
    bundle = start_bundle(client, workshop)
    DBTaskResult.objects.all().delete()  # the queue lost its tasks
    Bundle.objects.filter(pk=bundle.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    page = client.get(status_url(bundle))
    assert 'id="bundle-retry"' in page.text
    assert "Stalled — nothing has moved for 2 minutes." in page.text
    retried = client.post(status_url(bundle))
    assert retried.status_code == 302
    assert 'id="bundle-retry"' not in client.get(status_url(bundle)).text
    run_worker()
    bundle.refresh_from_db()
    assert (bundle.status, bundle.done) == ("done", 2)


def test_retry_reenqueues_only_the_parts_not_done(
    client, organiser, senegal_plan, delegation_b, workshop
):
    from django_tasks_db.models import DBTaskResult

    client.force_login(organiser)
    bundle = start_bundle(client, workshop)
    DBTaskResult.objects.all().delete()
    bundles.bundle_prepare(bundle)
    bundle.refresh_from_db()
    bundles.bundle_render_part(bundle, delegation_b, worker="w1")
    Bundle.objects.filter(pk=bundle.pk).update(progress_at=timezone.now() - dt.timedelta(minutes=5))
    client.post(status_url(bundle))
    assert [task.args_kwargs["args"] for task in part_tasks()] == [[bundle.pk, senegal_plan.pk]]


def test_progress_not_start_decides_giving_up(workshop, organiser):
    bundle, _created = bundles.bundle_request(workshop=workshop, user=organiser)
    Bundle.objects.filter(pk=bundle.pk).update(
        status="running",
        created_at=timezone.now() - dt.timedelta(hours=2),
        progress_at=timezone.now(),
    )
    again, created = bundles.bundle_request(workshop=workshop, user=organiser)
    assert (created, again.pk) == (False, bundle.pk)


def stored_bundle(workshop, archive, **fields):
    """A done bundle holding ``archive`` as its ZIP."""
    bundle = Bundle.objects.create(workshop=workshop, status="done", size=len(archive), **fields)
    BundleChunk.objects.create(bundle=bundle, index=0, data=archive)
    return bundle


def test_pruning_keeps_the_last_three_done_bundles(workshop, organiser):
    made = []
    for n in range(5):
        made.append(stored_bundle(workshop, b"zip%d" % n, fingerprint=str(n)))
    bundles.bundle_prune(workshop)
    assert sorted(Bundle.objects.values_list("pk", flat=True)) == [b.pk for b in made[2:]]
    # PostgreSQL gives a BinaryField as a memoryview, SQLite as bytes.
    chunks = sorted(bytes(data) for data in BundleChunk.objects.values_list("data", flat=True))
    assert chunks == [b"zip2", b"zip3", b"zip4"]


def test_pruning_keeps_a_zip_that_a_kept_bundle_reuses(workshop, organiser):
    original = stored_bundle(workshop, b"zip")
    reusing = [
        Bundle.objects.create(workshop=workshop, status="done", archive_of=original)
        for _n in range(3)
    ]
    bundles.bundle_prune(workshop)
    assert (Bundle.objects.count(), bundles.bundle_zip(reusing[-1])) == (4, b"zip")


def test_workshop_with_a_reused_zip_can_be_deleted(workshop):
    original = stored_bundle(workshop, b"zip")
    Bundle.objects.create(workshop=workshop, status="done", archive_of=original)
    workshop.delete()
    assert Bundle.objects.count() == 0
