"""The migration that moved bundle ZIPs out of their row into pieces keeps every
stored ZIP, byte for byte."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("summaries", "0008_bundle_reused_zip_cascade")]
AFTER = [("summaries", "0009_bundle_chunks")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_stored_zips_are_moved_into_pieces():
    apps = migrate(BEFORE)
    Workshop = apps.get_model("workshop_sessions", "Workshop")
    Bundle = apps.get_model("summaries", "Bundle")
    workshop = Workshop.objects.create(
        title="W", slug="w", start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 1, 2)
    )
    big = bytes(range(256)) * (5 * 1024)  # 1.25 MiB: two pieces
    stored = Bundle.objects.create(workshop=workshop, status="done", archive=big)
    empty = Bundle.objects.create(workshop=workshop, status="failed")
    try:
        apps = migrate(AFTER)
        Chunk = apps.get_model("summaries", "BundleChunk")
        pieces = Chunk.objects.filter(bundle_id=stored.pk).order_by("index")
        assert [len(bytes(p.data)) for p in pieces] == [1024 * 1024, len(big) - 1024 * 1024]
        assert b"".join(bytes(p.data) for p in pieces) == big
        sizes = dict(apps.get_model("summaries", "Bundle").objects.values_list("pk", "size"))
        assert sizes == {stored.pk: len(big), empty.pk: 0}
        assert not Chunk.objects.filter(bundle_id=empty.pk).exists()
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
