"""``workshop_portal.postgresql.statements``: statements a connection repeats are
prepared on the server and run as ``EXECUTE``, with the same results, the same
logging, and plain SQL wherever preparing could change what a statement means."""

import datetime as dt
from decimal import Decimal

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
        'PREPARE portal_1 (integer, unknown) AS SELECT "username" FROM "auth_user" '
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


def test_parameters_are_declared_as_the_types_of_psycopg2s_literals(fresh):
    """``SELECT $1`` would take its parameter as text: declared, the integer 5 stays
    an integer; values of other types are another statement, never squeezed into it."""
    assert run("SELECT %s", [5], fresh.THRESHOLD + 2) == [[(5,)]] * (fresh.THRESHOLD + 2)
    assert prepared_on_server() == ["PREPARE portal_1 (integer) AS SELECT $1"]
    assert run("SELECT %s", [True], 1) == [[(True,)]]
    assert run("SELECT %s", ["5"], 1) == [[("5",)]]
    # A number beyond an integer's range is a bigint literal: compared, not refused.
    sql = 'SELECT COUNT(*) FROM "auth_user" WHERE "id" = %s'
    run(sql, [1], fresh.THRESHOLD)
    assert run(sql, [2**40], fresh.THRESHOLD + 1) == [[(0,)]] * (fresh.THRESHOLD + 1)
    # Timestamps keep their type, and their zone.
    moment = timezone.now()
    sql = "SELECT %s < now() + interval '1 day'"
    assert run(sql, [moment], fresh.THRESHOLD + 1) == [[(True,)]] * (fresh.THRESHOLD + 1)
    assert run(sql, [dt.datetime(2026, 1, 1)], 1) == [[(True,)]]


def test_decimals_and_floats_stay_numeric_in_overloaded_functions(fresh):
    # As plain SQL, 2.5 is a numeric: round() rounds half away from zero. A parameter the
    # server inferred would be double precision, which rounds half to even (2.0).
    expected = [[(Decimal("3"),)]] * (fresh.THRESHOLD + 2)
    assert run("SELECT round(%s)", [Decimal("2.5")], fresh.THRESHOLD + 2) == expected
    assert run("SELECT round(%s)", [2.5], fresh.THRESHOLD + 2) == expected
    assert run("SELECT power(%s, 2)", [Decimal("1.1")], fresh.THRESHOLD + 1)[-1] == [
        (Decimal("1.21"),)
    ]
    assert run("SELECT %s::float > 0", [float("inf")], fresh.THRESHOLD + 1)[-1] == [(True,)]


def test_an_integer_with_a_smallint_column_is_computed_as_an_integer(fresh):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE portal_small (s smallint)")
        cursor.execute("INSERT INTO portal_small VALUES (100)")
    try:
        sql = "SELECT s * %s FROM portal_small"
        run(sql, [2], fresh.THRESHOLD)
        assert len(prepared_on_server()) == 1
        assert run(sql, [1000], 1) == [[(100000,)]]  # not "smallint out of range"
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE portal_small")


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


def test_statements_deallocated_behind_its_back_run_as_plain_sql_then_prepare_again(fresh):
    sql = "SELECT %s::int * 2"
    run(sql, [2], fresh.THRESHOLD)
    with connection.connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # what a pooler's DISCARD ALL does
    assert run(sql, [2], 1) == [[(4,)]]  # outside a transaction: run again as plain SQL
    assert run(sql, [4], fresh.THRESHOLD + 1) == [[(8,)]] * (fresh.THRESHOLD + 1)
    assert len(prepared_on_server()) == 1


def test_a_schema_changed_by_another_connection_fails_one_transaction_at_most(fresh):
    import psycopg2

    settings = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE portal_probe (id integer, name varchar(100))")
        cursor.execute("INSERT INTO portal_probe VALUES (1, 'a')")
    other = psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"],
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
    )
    other.autocommit = True
    try:
        sql = "SELECT id, name FROM portal_probe WHERE id = %s"
        run(sql, [1], fresh.THRESHOLD)
        with other.cursor() as cursor:  # a migration while the app serves
            cursor.execute("ALTER TABLE portal_probe ALTER name TYPE varchar(200)")
        assert run(sql, [1], 1) == [[(1, "a")]]  # outside a transaction: answered
        run(sql, [1], fresh.THRESHOLD)
        with other.cursor() as cursor:
            cursor.execute("ALTER TABLE portal_probe ALTER name TYPE text")
        with pytest.raises(DatabaseError, match="cached plan"), transaction.atomic():
            run(sql, [1], 1)  # inside one, the transaction has failed already
        with transaction.atomic():
            assert run(sql, [1], fresh.THRESHOLD + 1) == [[(1, "a")]] * (fresh.THRESHOLD + 1)
        assert len(prepared_on_server()) == 1  # the stale ones were dropped
    finally:
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE portal_probe")


def test_server_side_cursors_and_many_rows_at_once_are_left_alone(fresh):
    User.objects.bulk_create(User(username=f"u{index}") for index in range(3))
    users = User.objects.filter(pk__gte=0).order_by("pk")
    for _ in range(fresh.THRESHOLD + 1):  # the same SELECT, prepared on this connection
        assert len(users.all()) == 3
    assert len(prepared_on_server()) == 1
    with transaction.atomic():  # a server-side cursor declares it as SQL, not EXECUTE
        assert len(list(users.iterator())) == 3
    for _ in range(fresh.THRESHOLD + 1):
        assert [user.username for user in User.objects.order_by("pk").iterator()] == [
            "u0",
            "u1",
            "u2",
        ]
    with connection.cursor() as cursor:
        for _ in range(fresh.THRESHOLD + 1):
            cursor.executemany("SELECT %s::int", [[1], [2]])
    assert len(prepared_on_server()) == 1
