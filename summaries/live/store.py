"""Keeping a live document: its snapshot and every update received since, in the
database, so that any app server rebuilds it and a server killed while laptops type
loses nothing it acknowledged (pycrdt-store's design: an append-only log of updates,
compacted into a snapshot).

Updates are appended as they come (a laptop's keystrokes, batched by its connection);
once ``COMPACT_AFTER`` of them wait, they are merged into the snapshot under the
document's row lock, so a document reads in one query and one merge whatever its age.
"""

from django.db import transaction
from django.utils import timezone
from pycrdt import Doc, merge_updates

from ..models import LiveDocument, LiveUpdate

COMPACT_AFTER = 200


def document_row(room):
    """The room's :class:`LiveDocument`, created empty on first use."""
    row, _created = LiveDocument.objects.get_or_create(
        key=room.key, defaults={"delegation": room.delegation}
    )
    return row


def lock(key):
    """The :class:`LiveDocument` ``key``, locked for the current transaction (``None`` if
    there is none): by a write, which also takes SQLite's database lock, where
    ``select_for_update`` does nothing, so two writers of one document never read it at
    once on either database."""
    if not LiveDocument.objects.filter(key=key).update(updated_at=timezone.now()):
        return None
    return LiveDocument.objects.get(key=key)


def load(row):
    """A pycrdt ``Doc`` holding everything stored for ``row``."""
    doc = Doc()
    updates = [bytes(row.snapshot)] if row.snapshot else []
    updates += [
        bytes(data)
        for data in LiveUpdate.objects.filter(document=row, pk__gt=row.snapshot_seq)
        .order_by("pk")
        .values_list("data", flat=True)
    ]
    if updates:
        doc.apply_update(merge_updates(*updates) if len(updates) > 1 else updates[0])
    return doc


def append(row_id, updates, *, writer="", compact_check=False):
    """Keep ``updates`` (bytes, in order) of the document ``row_id`` and mark it changed;
    ``writer`` (a name) is noted as one of its writers since the last version. The hot
    path is two statements: the connection notes its writer only now and then, and asks
    for compaction (``compact_check``) every so many appends."""
    if not updates:
        return
    with transaction.atomic():
        LiveUpdate.objects.bulk_create(
            [LiveUpdate(document_id=row_id, data=update) for update in updates]
        )
        if writer:
            row = LiveDocument.objects.select_for_update().get(pk=row_id)
            row.dirty = True
            row.authors = {**row.authors, writer: True}
            row.save(update_fields=["dirty", "authors", "updated_at"])
        else:
            LiveDocument.objects.filter(pk=row_id, dirty=False).update(dirty=True)
        if compact_check:
            row = LiveDocument.objects.select_for_update().get(pk=row_id)
            waiting = LiveUpdate.objects.filter(document=row, pk__gt=row.snapshot_seq).count()
            if waiting >= COMPACT_AFTER:
                compact(row)


def compact(row):
    """Merge ``row``'s waiting updates into its snapshot (``row`` locked by the caller)."""
    last = (
        LiveUpdate.objects.filter(document=row, pk__gt=row.snapshot_seq)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if last is None:
        return
    doc = load(row)
    row.snapshot = doc.get_update()
    row.snapshot_seq = last
    row.save(update_fields=["snapshot", "snapshot_seq", "updated_at"])
    LiveUpdate.objects.filter(document=row, pk__lte=last).delete()
