"""``manage.py db_worker``: django-tasks-db's command and options, running the
portal's :class:`~workshop_portal.worker.PatientWorker`, which a locked database
does not stop and which fails the task rows that dead workers left running."""

import logging
import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from workshop_portal.worker import PatientWorker

logger = logging.getLogger("django_tasks_db")


class Command(db_worker.Command):
    help = "Run a database background worker that waits out a locked database"

    def handle(self, *, verbosity, queue_name, exclude_queues, reload, batch, **options):
        self.configure_logging(verbosity)
        if reload and batch:
            logger.warning("--reload and --batch cannot be specified together: no reload.")
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = PatientWorker(
            queue_names=queue_names,
            excluded_queue_names=excluded,
            batch=batch,
            **{
                name: options[name]
                for name in ("interval", "backend_name", "startup_delay", "max_tasks", "worker_id")
            },
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the reloaded child handles signals
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
