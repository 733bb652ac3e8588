"""``workshop_portal.postgresql``: the health check is skipped only for a connection
whose last statement succeeded less than a second ago; an idle one is checked and, if
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


def idle(seconds):
    """As if the connection's last statement were ``seconds`` older."""
    connection.worked_at -= seconds


def test_a_connection_that_just_worked_is_not_checked_again(health_checks):
    request()
    checked = len(health_checks)
    for _ in range(5):
        assert request("SELECT 2") == (2,)
    assert len(health_checks) == checked


def test_an_idle_connection_is_checked_and_replaced_when_its_server_side_is_gone(health_checks):
    request()
    idle(connection.HEALTH_CHECK_AFTER_IDLE + 1)
    kill_server_side()
    assert request("SELECT 3") == (3,)  # checked, closed, reconnected: no error
    assert len(health_checks) == 1


def test_what_counts_is_the_last_statement_not_the_end_of_the_request(health_checks):
    # A request that queried early and then worked for a long time without the
    # database (a PDF): its connection is checked before the next request's query.
    connection.close_if_unusable_or_obsolete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    idle(connection.HEALTH_CHECK_AFTER_IDLE + 1)  # ... the rest of that request
    connection.close_if_unusable_or_obsolete()
    kill_server_side()
    assert request("SELECT 4") == (4,)
    assert len(health_checks) == 1


def test_after_a_failed_request_the_connection_is_checked_as_django_does(health_checks):
    request()
    before = len(health_checks)
    with pytest.raises(DatabaseError):
        request("SELECT no_such_column FROM no_such_table")
    assert len(health_checks) == before + 1  # Django's own, at the end of the failure
    assert request("SELECT 5") == (5,)


def test_a_broken_connection_found_at_the_end_of_a_failed_request_is_replaced(health_checks):
    request()
    kill_server_side()
    with pytest.raises(DatabaseError):
        request("SELECT 6")  # within the second: trusted, and it fails (the known window)
    assert connection.connection is None  # Django's check at the end closed it
    assert request("SELECT 7") == (7,)
