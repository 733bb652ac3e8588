"""``workshop_portal.postgresql``: the health check is skipped only for a connection
that has just finished a request unharmed; an idle or failed one is checked and, if
its server side is gone, replaced before the request's first query."""

import time

import psycopg2
import pytest
from django.db import DatabaseError, connection

pytestmark = [
    pytest.mark.django_db(transaction=True),  # requests run in autocommit, as in production
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's backend (run by make test)"
    ),
]


@pytest.fixture
def health_checks(monkeypatch):
    """Count Django's health checks (``is_usable``) on the test's connection."""
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", True)
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    connection.close()
    connection.connect()
    calls = []
    real = connection.is_usable

    def counted():
        calls.append(time.monotonic())
        return real()

    monkeypatch.setattr(connection, "is_usable", counted)
    yield calls
    connection.close()


def request(sql="SELECT 1"):
    """What Django does around a request (``close_old_connections`` on
    request_started and request_finished), with one query in between."""
    connection.close_if_unusable_or_obsolete()
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()
    finally:
        connection.close_if_unusable_or_obsolete()


def kill_server_side():
    pid = connection.connection.info.backend_pid
    other = psycopg2.connect(**connection.get_connection_params())
    other.autocommit = True
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    other.close()
    time.sleep(0.2)


def test_a_connection_that_just_worked_is_not_checked_again(health_checks):
    request()
    checked = len(health_checks)
    for _ in range(5):
        assert request("SELECT 2") == (2,)
    assert len(health_checks) == checked


def test_an_idle_connection_is_checked_and_replaced_when_its_server_side_is_gone(health_checks):
    request()
    connection.worked_at -= connection.HEALTH_CHECK_AFTER_IDLE + 1  # as if idle since
    kill_server_side()
    assert request("SELECT 3") == (3,)  # checked, closed, reconnected: no error
    assert len(health_checks) == 1


def test_after_a_failed_request_the_next_one_is_checked(health_checks):
    request()
    before = len(health_checks)
    with pytest.raises(DatabaseError):
        request("SELECT no_such_column FROM no_such_table")
    assert len(health_checks) == before + 1  # Django's own, at the end of the failure
    kill_server_side()
    assert request("SELECT 4") == (4,)  # checked again, replaced
    assert len(health_checks) == before + 2


def test_a_new_connection_is_checked_before_its_first_reuse(health_checks):
    connection.close()
    assert request("SELECT 5") == (5,)  # connecting counts as a check
    assert connection.worked_at is not None
    connection.worked_at -= connection.HEALTH_CHECK_AFTER_IDLE + 1
    request()
    assert len(health_checks) == 1
