"""A bundle's progress: asked for once per workshop, one part per delegation claimed
by one worker at a time under a renewed lease, healed when a worker dies, retried
by organisers when it stalls."""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from ..models import Bundle, BundlePart
from ..pdf.cache import documents_fresh, documents_refresh
from .contents import bundle_contents

# A bundle that has not moved for this long was left behind by stopped workers:
# a new request gives up on it rather than wait for it.
BUNDLE_GIVE_UP_AFTER = dt.timedelta(minutes=30)
# A part's claim; the worker renews it every third of this while it renders, so a
# killed worker's part is free again within this.
PART_LEASE = dt.timedelta(seconds=30)
RUNNING = (Bundle.Status.QUEUED, Bundle.Status.RUNNING)


def bundle_stalled_after():
    """No progress for this long and organisers are offered to retry
    (setting ``BUNDLE_STALLED_SECONDS``, 2 minutes by default)."""
    return dt.timedelta(seconds=getattr(settings, "BUNDLE_STALLED_SECONDS", 120))


def bundle_last_moved(bundle):
    return bundle.progress_at or bundle.created_at


def bundle_is_stalled(bundle, *, now=None):
    """True for a queued or running bundle that has not moved for
    ``bundle_stalled_after()``: the page then offers "retry"."""
    now = now or timezone.now()
    return bundle.status in RUNNING and bundle_last_moved(bundle) < now - bundle_stalled_after()


@transaction.atomic
def bundle_request(*, workshop, user):
    """The bundle to follow: the one already queued or running for ``workshop``, else
    a new one. Returns ``(bundle, created)``; the caller enqueues a created bundle."""
    running = Bundle.objects.filter(workshop=workshop, status__in=RUNNING).first()
    if running is not None and bundle_last_moved(running) < timezone.now() - BUNDLE_GIVE_UP_AFTER:
        # Nothing moved for long: give up on it rather than block every new bundle.
        bundle_fail(running, "Abandoned: no progress in time.")
        running = None
    if running is not None:
        return running, False
    try:
        with transaction.atomic():
            return Bundle.objects.create(workshop=workshop, requested_by=user), True
    except IntegrityError:  # a concurrent click won the race
        return Bundle.objects.get(workshop=workshop, status__in=RUNNING), False


def bundle_prepare(bundle):
    """Mark ``bundle`` running with one part per delegation and return the ids of the
    delegations still to render; each is rendered by its own task
    (``bundle_render_part``), so N workers share the work. A delegation whose
    documents are all cached with their current fingerprints (read for every
    delegation at once, ``documents_fresh``) is done here, with no task. Safe to call
    again."""
    delegations = list(bundle.workshop.delegations.select_related("workshop").order_by("name"))
    ids = [delegation.pk for delegation in delegations]
    BundlePart.objects.bulk_create(
        [BundlePart(bundle=bundle, delegation_id=pk) for pk in ids], ignore_conflicts=True
    )
    contents = bundle_contents(bundle.workshop)
    fresh = documents_fresh(delegations, kinds=contents.kinds, sessions=contents.sessions)
    reused = BundlePart.objects.filter(
        bundle=bundle, delegation_id__in=fresh, status=BundlePart.Status.QUEUED
    ).update(status=BundlePart.Status.DONE)
    done = BundlePart.objects.filter(bundle=bundle, status=BundlePart.Status.DONE).count()
    Bundle.objects.filter(pk=bundle.pk, status__in=RUNNING).update(
        status=Bundle.Status.RUNNING,
        total=len(ids),
        done=done,
        reused=F("reused") + reused * (len(contents.kinds) + len(contents.sessions)),
        progress_at=timezone.now(),
    )
    return list(
        BundlePart.objects.filter(bundle=bundle)
        .exclude(status=BundlePart.Status.DONE)
        .order_by("delegation__name")
        .values_list("delegation_id", flat=True)
    )


def bundle_part_renew(bundle, delegation, *, worker):
    """Extend ``worker``'s claim on the part; False if it holds it no longer."""
    return bool(
        BundlePart.objects.filter(
            bundle=bundle, delegation=delegation, status=BundlePart.Status.RENDERING, worker=worker
        ).update(leased_until=timezone.now() + PART_LEASE)
    )


def bundle_render_part(bundle, delegation, *, worker="", renew=None):
    """Claim one delegation's part, render (or reuse from the cache) its PDFs and
    count it done.

    Returns None if the part is not free (done, or claimed by a living worker), else
    True for the one part that completes the bundle (the caller then assembles it)
    and False for the others. Any exit other than finishing (``SystemExit`` of a
    stopping worker included) gives the claim back and re-raises. ``renew`` is a
    context manager factory that keeps the lease alive while rendering. A document
    that passes a rendering limit is a one-page notice naming the delegation and the
    document, so one delegation never fails the whole bundle.
    """
    now = timezone.now()
    claimed = (
        BundlePart.objects.filter(bundle=bundle, delegation=delegation)
        .filter(
            Q(status=BundlePart.Status.QUEUED)
            | Q(status=BundlePart.Status.RENDERING, leased_until__lt=now)
        )
        .update(status=BundlePart.Status.RENDERING, leased_until=now + PART_LEASE, worker=worker)
    )
    if not claimed:
        return None
    contents = bundle_contents(bundle.workshop)
    # A document past a rendering limit becomes a notice: the bundle still finishes.
    refresh = {"kinds": contents.kinds, "sessions": contents.sessions, "notices": True}
    try:
        if renew is not None:
            with renew():
                _language, rendered = documents_refresh(delegation=delegation, **refresh)
        else:
            _language, rendered = documents_refresh(delegation=delegation, **refresh)
    except BaseException:
        bundle_part_release(bundle, delegation, worker=worker)
        raise
    counts = {True: 0, False: 0}
    for was_rendered in rendered.values():
        counts[was_rendered] += 1
    with transaction.atomic():
        # The bundle row is locked, and the part is marked done by a conditional
        # update first, so a part finished twice (its lease ran out meanwhile) counts
        # once and exactly one part sees the bundle complete.
        locked = Bundle.objects.select_for_update().only("total", "status").get(pk=bundle.pk)
        finished = BundlePart.objects.filter(
            bundle=bundle, delegation=delegation, status=BundlePart.Status.RENDERING
        ).update(status=BundlePart.Status.DONE, leased_until=None)
        if not finished or locked.status != Bundle.Status.RUNNING:
            return False
        done = BundlePart.objects.filter(bundle=bundle, status=BundlePart.Status.DONE).count()
        Bundle.objects.filter(pk=bundle.pk).update(
            done=done,
            rendered=F("rendered") + counts[True],
            reused=F("reused") + counts[False],
            progress_at=timezone.now(),
        )
        return done == locked.total


def bundle_part_release(bundle, delegation, *, worker):
    """Give ``worker``'s claim back, so the next task or poll takes the part at once."""
    BundlePart.objects.filter(
        bundle=bundle, delegation=delegation, status=BundlePart.Status.RENDERING, worker=worker
    ).update(status=BundlePart.Status.QUEUED, leased_until=None)


def bundle_heal(bundle):
    """The delegation ids whose part lost its worker (lease expired) and must be
    enqueued again; each is returned to exactly one of any number of simultaneous
    callers (the status poll calls this)."""
    if bundle.status != Bundle.Status.RUNNING:
        return []
    now = timezone.now()
    expired = BundlePart.objects.filter(
        bundle=bundle, status=BundlePart.Status.RENDERING, leased_until__lt=now
    ).values_list("delegation_id", flat=True)
    healed = []
    for delegation_id in expired:
        # Re-lease it as queued, so a second poll does not enqueue it again.
        if BundlePart.objects.filter(
            bundle=bundle,
            delegation_id=delegation_id,
            status=BundlePart.Status.RENDERING,
            leased_until__lt=now,
        ).update(status=BundlePart.Status.QUEUED, leased_until=None, worker=""):
            healed.append(delegation_id)
    return healed


def bundle_retry(bundle):
    """Organisers' "retry" of a stalled bundle. Returns ``(start, delegation_ids)``:
    ``start`` when the bundle never started (enqueue ``build_bundle`` again), else the
    parts not done that are not held by a living worker, to enqueue again (an empty
    list for a bundle whose parts are all done: enqueue its assembly). Counts as
    progress, so the page stops offering it at once."""
    now = timezone.now()
    Bundle.objects.filter(pk=bundle.pk).update(progress_at=now)
    if bundle.status == Bundle.Status.QUEUED:
        return True, []
    if bundle.status != Bundle.Status.RUNNING:
        return False, []
    free = BundlePart.objects.filter(bundle=bundle).filter(
        Q(status=BundlePart.Status.QUEUED)
        | Q(status=BundlePart.Status.RENDERING, leased_until__lt=now)
    )
    ids = list(free.values_list("delegation_id", flat=True))
    free.filter(status=BundlePart.Status.RENDERING).update(
        status=BundlePart.Status.QUEUED, leased_until=None, worker=""
    )
    return False, ids


def bundle_fail(bundle, error):
    Bundle.objects.filter(pk=bundle.pk).update(
        status=Bundle.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
    )
