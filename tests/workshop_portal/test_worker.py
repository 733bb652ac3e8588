"""The task worker (``manage.py db_worker``, ``workshop_portal.worker``): a locked
database does not stop it, and the task rows of dead workers are failed."""

import datetime as dt
import sqlite3
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from delegations.models import AccessSheet
from summaries.tasks import watch_bundle

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker(*args):
    call_command("db_worker", "--batch", "--no-startup-delay", *args, verbosity=0)


@pytest.fixture
def impatient_connection():
    """This thread's connection gives up on a lock after 0.2 s instead of 20 s."""
    options = connection.settings_dict["OPTIONS"]
    timeout = options.get("timeout")
    connection.close()
    options["timeout"] = 0.2
    yield
    connection.close()
    options["timeout"] = timeout


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's database-wide write lock")
def test_worker_waits_out_a_locked_database_and_runs_the_task(impatient_connection):
    result = watch_bundle.enqueue(0)  # a task of the portal: no such bundle, returns at once
    other_process = sqlite3.connect(
        connection.settings_dict["NAME"], check_same_thread=False, isolation_level=None
    )
    other_process.execute("BEGIN IMMEDIATE")  # holds the write lock, as a long request did
    release = threading.Timer(1.5, other_process.execute, args=["ROLLBACK"])
    release.start()
    try:
        run_worker()
    finally:
        release.join()
        other_process.close()
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL


def running_row(*, started_minutes_ago, worker_id):
    result = watch_bundle.enqueue(0)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - dt.timedelta(minutes=started_minutes_ago),
        worker_ids=[worker_id],
    )
    return result.id


def row_state(pk):
    row = DBTaskResult.objects.get(pk=pk)
    return row.status, row.exception_class_path


def test_worker_start_fails_a_task_its_dead_worker_left_running():
    pk = running_row(started_minutes_ago=45, worker_id="killed-worker")
    run_worker()
    assert row_state(pk) == (TaskResultStatus.FAILED, "workshop_portal.worker.WorkerLost")


def test_worker_restarted_under_its_id_fails_its_own_earlier_task_at_once():
    pk = running_row(started_minutes_ago=1, worker_id="worker-1")
    run_worker("--worker-id", "worker-1")
    assert row_state(pk) == (TaskResultStatus.FAILED, "workshop_portal.worker.WorkerLost")


def test_worker_start_leaves_another_workers_recent_task_running():
    pk = running_row(started_minutes_ago=1, worker_id="worker-2")
    run_worker("--worker-id", "worker-1")
    assert row_state(pk) == (TaskResultStatus.RUNNING, "")


def test_worker_start_deletes_access_sheets_kept_past_their_hour(facilitator):
    sheet = AccessSheet.objects.create(
        requested_by=facilitator, portal_url="/", cards=[[1, 1, "k7mq-x2pd-r9ta"]]
    )
    AccessSheet.objects.filter(pk=sheet.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=2)
    )
    run_worker()
    assert AccessSheet.objects.exists() is False
