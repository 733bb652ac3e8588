"""The task worker (django-tasks-db's ``db_worker``), made to outlive what stopped it.

* A locked database (SQLite while another process writes for long, MySQL's lock
  wait) used to end the worker: django-tasks-db ignores a lock only while it looks
  for a task, not when it opens its transaction or records a result, and with
  ``--reload`` only the worker's thread died while the process stayed. A
  :class:`PatientWorker` logs the lock, waits and goes on.
* A worker killed mid-task (``kill -9``, out of memory, a lost machine) leaves its
  task row ``RUNNING`` for ever. :func:`task_results_fail_stale` marks such rows
  failed with :class:`WorkerLost`; every worker does it when it starts, and after a
  lock, and deletes the access sheets kept past their hour (their passwords with
  them) that no new print has pruned.
"""

import datetime as dt
import logging
import time

from django.conf import settings
from django.db import OperationalError, close_old_connections
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import is_locked_database_exception

from delegations.services import access_sheets_prune

logger = logging.getLogger(__name__)

# How long a worker waits after hitting a locked database before it looks again.
LOCKED_PAUSE_SECONDS = 2.0


class WorkerLost(Exception):
    """The worker running this task stopped before recording how it ended."""


def task_stale_after():
    """A task still running after this long lost its worker (setting
    ``TASK_STALE_MINUTES``, 30 by default: longer than any task of the portal)."""
    return dt.timedelta(minutes=settings.TASK_STALE_MINUTES)


def task_results_fail_stale(*, worker_id="", now=None):
    """Mark failed, with :class:`WorkerLost`, the task rows left ``RUNNING`` by a worker
    that is gone: those started more than ``task_stale_after()`` ago, and those that
    ``worker_id`` (the worker calling, just started, whose earlier run died) was
    running. Returns how many. A task whose row is failed here may be asked for
    again: the download pages offer "Try again" on a failure."""
    now = now or timezone.now()
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    stale = [
        result
        for result in running.only("pk", "started_at", "worker_ids")
        if (result.started_at and result.started_at < now - task_stale_after())
        or (worker_id and result.worker_ids and result.worker_ids[-1] == worker_id)
    ]
    for result in stale:
        result.set_failed(WorkerLost("The worker running this task stopped."))
        logger.warning("Task %s lost its worker: marked failed", result.pk)
    return len(stale)


class PatientWorker(Worker):
    """django-tasks-db's worker that a locked database does not stop: it waits
    ``LOCKED_PAUSE_SECONDS`` and runs again; any other error still ends it."""

    def run(self):
        while True:
            try:
                task_results_fail_stale(worker_id=self.worker_id)
                access_sheets_prune()
                return super().run()
            except OperationalError as exc:
                if not is_locked_database_exception(exc):
                    raise
                logger.warning("The database is locked; the worker tries again shortly.")
                close_old_connections()
                time.sleep(LOCKED_PAUSE_SECONDS)
