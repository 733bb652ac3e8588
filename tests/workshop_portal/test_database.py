"""The database connection as production uses it (PostgreSQL, psycopg 3)."""

import pytest
from django.core.signals import request_finished, request_started
from django.db import connection, connections


def postgresql_only():
    return pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL only (run by make test)"
    )


@postgresql_only()
def test_postgresql_uses_psycopg_3_with_its_own_prepared_statements():
    import psycopg

    options = connection.settings_dict["OPTIONS"]
    assert (
        connection.Database is psycopg,
        options["server_side_binding"],
        options["prepare_threshold"],
    ) == (True, True, 5)


@postgresql_only()
@pytest.mark.django_db(transaction=True)
def test_a_connection_killed_by_a_database_restart_is_replaced_at_the_next_request():
    # A request uses a kept connection; the server restarts (here: its backend is
    # terminated); the next request must not fail on the dead connection.
    request_started.send(sender=None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    request_finished.send(sender=None)
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    request_started.send(sender=None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (new_pid,) = cursor.fetchone()
    request_finished.send(sender=None)
    assert new_pid != pid
