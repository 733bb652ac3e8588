"""Keeping a live document and the versioned rows in step (``sync``).

For each unit of the room:

- not in the document yet: its row's values are written into it (the document starts
  from what the database holds, once, on the server, never by a laptop);
- changed in the document since the version it matches: written into the row through
  the unit's form and service (``rooms.LiveUnit.save``), as a new version naming the
  writers since the last one; a value its form refuses (over a limit) stays in the
  document, which the page shows, until someone fixes it;
- changed in the row meanwhile (a restore, a save from a laptop without WebSocket, a
  facilitator): saved three-way against the version the document matched, exactly as
  a stale save from a page, and the result written back into the document, so
  the laptops see it; when both changed the same sentence, the document's text is
  kept as the newest version and the other one stays in the history, which the
  page's note links to.

Callers broadcast the returned update (the edits the server made to the document).
"""

from django.db import transaction

from .. import services
from ..models import LiveDocument
from . import store
from .doc import mark_synced, read_unit, synced_version, write_unit
from .rooms import units


def sync(room, *, user, held=None):
    """Bring the room's live document and its rows into step; returns the document's
    update made here (bytes) or ``None``. Does nothing for a room nobody opened live.
    ``held``: a connection's whole document (an update), merged in first and kept, so
    that what it received in its last moments is written too (before a submit)."""
    with transaction.atomic():
        row = store.lock(room.key)
        if row is None:
            return None
        doc = store.load(row)
        if held:
            kept = doc.get_state()
            doc.apply_update(held)
            if doc.get_state() != kept:
                store.append(row.pk, [doc.get_update(kept)])
        before = doc.get_state()
        writers = list(row.authors)
        saved = set()
        for unit in units(room):
            outcome = _sync_unit(doc, unit, user=user, writers=writers)
            if outcome == "closed":
                break
            if outcome == "saved":
                saved.add(unit.key)
        if saved:
            # What the rows hold now (cleaned, merged with a change made elsewhere).
            with doc.transaction(origin="server"):
                for unit in units(room):
                    if unit.key in saved:
                        write_unit(doc, unit.key, unit.values, unit.long_fields)
                        mark_synced(doc, unit.key, unit.version)
        changed = doc.get_state() != before
        update = doc.get_update(before) if changed else None
        if changed:
            store.append(row.pk, [update])
        LiveDocument.objects.filter(pk=row.pk).update(dirty=False, authors={})
    return update


def open_document(room):
    """The room's live document (a pycrdt ``Doc``), its row id and whether it holds
    updates not yet written into the rows (a server stopped before it could), every
    unit written in from its row on first use."""
    with transaction.atomic():
        store.document_row(room)
        row = store.lock(room.key)
        doc = store.load(row)
        before = doc.get_state()
        with doc.transaction(origin="server"):
            for unit in units(room):
                if synced_version(doc, unit.key) is None:
                    write_unit(doc, unit.key, unit.values, unit.long_fields)
                    mark_synced(doc, unit.key, unit.version)
        if doc.get_state() != before:
            store.append(row.pk, [doc.get_update(before)])
    return doc, row.pk, row.dirty


def _sync_unit(doc, unit, *, user, writers):
    """Bring one unit into step (see the module docstring); what happened."""
    synced = synced_version(doc, unit.key)
    held = read_unit(doc, unit.key, unit.values, unit.long_fields)
    if synced is None or any(value is None for value in held.values()):
        with doc.transaction(origin="server"):
            write_unit(doc, unit.key, unit.values, unit.long_fields)
            mark_synced(doc, unit.key, unit.version)
        return "seeded"
    if held == unit.values:
        if synced != unit.version:
            with doc.transaction(origin="server"):
                mark_synced(doc, unit.key, unit.version)
        return "same"
    try:
        unit.save(held, base_version=synced, user=user, writers=writers)
    except services.InvalidValues:
        return "refused"  # kept in the document; the page says what is wrong
    except services.WritingClosed:
        return "closed"
    except services.StaleEdit:
        # Both changed the same sentence: the document's text becomes the newest
        # version; the row's is the version before it, in the history.
        try:
            unit.save(held, base_version=unit.version, user=user, writers=writers)
        except (services.InvalidValues, services.WritingClosed, services.StaleEdit):
            return "refused"
    return "saved"
