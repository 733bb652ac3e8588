"""``workshop_portal.postgresql.statements``: statements a connection repeats are
prepared on the server and run as ``EXECUTE``, with the same results, the same
logging, and plain SQL wherever preparing could change what a statement means."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's backend (run by make test)"
    ),
]


@pytest.fixture
def fresh():
    """A new server session: nothing prepared yet."""
    connection.close()
    connection.connect()
    from workshop_portal.postgresql.statements import Statements

    yield Statements
    connection.close()


def run(sql, params, times):
    results = []
    with connection.cursor() as cursor:
        for _ in range(times):
            cursor.execute(sql, params)
            results.append(cursor.fetchall() if cursor.description else cursor.rowcount)
    return results


def prepared_on_server():
    """The statements this connection has prepared, as the server lists them."""
    with connection.connection.cursor() as cursor:  # around the wrappers
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name LIKE 'portal_%'")
        return [row[0] for row in cursor.fetchall()]


def test_a_statement_is_prepared_at_its_threshold_and_answers_the_same(fresh):
    user = User.objects.create_user("ana")
    sql = 'SELECT "username" FROM "auth_user" WHERE "id" = %s AND "username" LIKE %s'
    assert run(sql, [user.pk, "a%%"], fresh.THRESHOLD - 1) == [[("ana",)]] * (fresh.THRESHOLD - 1)
    assert prepared_on_server() == []
    assert run(sql, [user.pk, "a%"], 3) == [[("ana",)]] * 3
    assert prepared_on_server() == [
        'PREPARE portal_1 AS SELECT "username" FROM "auth_user" '
        'WHERE "id" = $1 AND "username" LIKE $2'
    ]
    # ... and a row that is not there is not found by the prepared statement either.
    assert run(sql, [user.pk + 1, "a%"], 1) == [[]]


def test_what_is_logged_is_the_statement_with_its_values(fresh):
    user = User.objects.create_user("ana")
    for _ in range(fresh.THRESHOLD):
        User.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as queries:
        assert User.objects.get(pk=user.pk) == user
    assert len(prepared_on_server()) == 1
    [query] = queries.captured_queries
    assert query["sql"].startswith('SELECT "auth_user"."id", ')
    assert query["sql"].endswith(f'WHERE "auth_user"."id" = {user.pk} LIMIT 21')


def test_a_value_whose_meaning_would_change_runs_as_plain_sql(fresh):
    """``SELECT $1`` takes its parameter as text: the integer 5 and the boolean stay
    what psycopg2's literals make them; a string is text either way."""
    assert run("SELECT %s", [5], fresh.THRESHOLD + 2) == [[(5,)]] * (fresh.THRESHOLD + 2)
    assert prepared_on_server() == ["PREPARE portal_1 AS SELECT $1"]
    assert run("SELECT %s", [True], 1) == [[(True,)]]
    assert run("SELECT %s", ["5"], 1) == [[("5",)]]
    # A number beyond an integer parameter's range is compared, not refused.
    sql = 'SELECT COUNT(*) FROM "auth_user" WHERE "id" = %s'
    run(sql, [1], fresh.THRESHOLD)
    assert run(sql, [2**40], 1) == [[(0,)]]
    # Timestamps keep their type, and their zone.
    moment = timezone.now()
    sql = "SELECT %s < now() + interval '1 day'"
    assert run(sql, [moment], fresh.THRESHOLD + 1) == [[(True,)]] * (fresh.THRESHOLD + 1)
    assert run(sql, [dt.datetime(2026, 1, 1)], 1) == [[(True,)]]


def test_a_statement_the_server_cannot_prepare_leaves_the_transaction_going(fresh):
    sql = 'SELECT COUNT(*) FROM "auth_user" WHERE %s IS NULL'
    with transaction.atomic():
        User.objects.create_user("ana")
        assert run(sql, [None], fresh.THRESHOLD + 1) == [[(1,)]] * (fresh.THRESHOLD + 1)
        assert User.objects.filter(username="ana").exists()
    assert prepared_on_server() == []
    assert User.objects.count() == 1


def test_a_schema_change_drops_the_prepared_statements(fresh):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE portal_probe (a integer)")
        cursor.execute("INSERT INTO portal_probe VALUES (1)")
    try:
        sql = "SELECT a FROM portal_probe WHERE a = %s"
        run(sql, [1], fresh.THRESHOLD)
        assert len(prepared_on_server()) == 1
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE portal_probe ALTER a TYPE text")
        assert prepared_on_server() == []
        assert run(sql, ["1"], fresh.THRESHOLD + 1) == [[("1",)]] * (fresh.THRESHOLD + 1)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE portal_probe")


def test_at_most_maximum_statements_stay_prepared(fresh, monkeypatch):
    monkeypatch.setattr(fresh, "MAXIMUM", 3)
    for number in range(6):
        run(f"SELECT %s::int + {number}", [1], fresh.THRESHOLD)
    assert [statement[-4:] for statement in prepared_on_server()] == [" + 3", " + 4", " + 5"]
    assert run("SELECT %s::int + 0", [1], 1) == [[(1,)]]


def test_a_new_connection_prepares_again(fresh):
    sql = "SELECT %s::int * 2"
    run(sql, [2], fresh.THRESHOLD)
    connection.close()
    connection.connect()
    assert prepared_on_server() == []
    assert run(sql, [3], fresh.THRESHOLD + 1) == [[(6,)]] * (fresh.THRESHOLD + 1)
    assert len(prepared_on_server()) == 1


def test_statements_deallocated_behind_its_back_fail_once_then_prepare_again(fresh):
    sql = "SELECT %s::int * 2"
    run(sql, [2], fresh.THRESHOLD)
    with connection.connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # what a pooler's DISCARD ALL does
    with pytest.raises(DatabaseError, match="does not exist"):
        run(sql, [2], 1)
    assert run(sql, [4], fresh.THRESHOLD + 1) == [[(8,)]] * (fresh.THRESHOLD + 1)


def test_server_side_cursors_and_many_rows_at_once_are_left_alone(fresh):
    User.objects.bulk_create(User(username=f"u{index}") for index in range(3))
    for _ in range(fresh.THRESHOLD + 1):
        assert [user.username for user in User.objects.order_by("pk").iterator()] == [
            "u0",
            "u1",
            "u2",
        ]
    with connection.cursor() as cursor:
        for _ in range(fresh.THRESHOLD + 1):
            cursor.executemany("SELECT %s::int", [[1], [2]])
    assert prepared_on_server() == []
