"""``workshop_portal.prepared.PreparedSaves``: a save runs the UPDATE and INSERT Django
would run, compiled once, with the same results, on both databases; whatever Django
would build differently is built by Django."""

import pytest
from django.db import connection
from django.db.models import F, Value
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from summaries.models import Answer, Summary


@pytest.fixture
def answer(delegation_a, session):
    summary = Summary.objects.create(delegation=delegation_a, session=session)
    return Answer.objects.create(
        summary=summary, question=session.questions.first(), text="first", version=1
    )


def compiled(model, kind):
    return {key: sql for key, sql in (model.__dict__.get(kind) or {}).items() if sql}


def test_an_update_runs_the_sql_django_compiles_once(answer):
    answer.text, answer.version = "second", 2
    answer.save()
    before = answer.edited_at
    [key] = [k for k in compiled(Answer, "_prepared_updates") if k[0] == "default"]
    answer.text, answer.version = "third", 3
    with CaptureQueriesContext(connection) as queries:
        answer.save()
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1 and '"text" = ' in updates[0]
    stored = Answer.objects.get(pk=answer.pk)
    assert (stored.text, stored.version) == ("third", 3)
    assert stored.edited_at >= before  # auto_now, set by Django's pre_save as always
    assert list(compiled(Answer, "_prepared_updates")) == [key]


def test_an_expression_is_left_to_django(answer):
    answer.version = F("version") + 10
    answer.save()
    answer.refresh_from_db()
    assert answer.version == 11


def test_a_row_deleted_meanwhile_is_inserted_again_as_django_does(answer):
    answer.save()
    Answer.objects.filter(pk=answer.pk).delete()
    answer.text = "kept"
    answer.save()
    assert Answer.objects.get(pk=answer.pk).text == "kept"


def test_history_records_are_inserted_with_their_own_ids(answer):
    for number in range(2, 6):
        answer.text, answer.version = f"version {number}", number
        answer.save()
    assert compiled(answer.history.model, "_prepared_inserts")
    records = list(answer.history.order_by("history_id"))
    assert [record.text for record in records] == [
        "first",
        "version 2",
        "version 3",
        "version 4",
        "version 5",
    ]
    assert len({record.history_id for record in records}) == 5
    assert all(record.history_date <= timezone.now() for record in records)


def test_an_insert_with_an_expression_is_left_to_django(delegation_a, session):
    summary = Summary.objects.create(delegation=delegation_a, session=session)
    question = session.questions.first()
    for _ in range(2):  # the second insert runs the compiled statement
        Answer.objects.create(summary=summary, question=question, text="w", version=1).delete()
    answer = Answer(summary=summary, question=question, text="x", version=Value(4))
    answer.save()
    assert Answer.objects.get(pk=answer.pk).version == 4


def test_a_first_insert_with_an_expression_compiles_nothing_for_the_next(delegation_a, session):
    """Its SQL holds the expression (``LOWER(%s)``): kept, a later insert with the same
    fields and returned columns (a ``db_default`` field is always returned) would run
    it on a plain value."""
    from django.db.models.functions import Lower

    summary = Summary.objects.create(delegation=delegation_a, session=session)
    Answer.__dict__.get("_prepared_inserts", {}).clear()  # as in a new process
    answer = Answer.objects.create(
        summary=summary, question=session.questions.first(), text=Lower(Value("FIRST")), version=1
    )
    assert Answer.objects.get(pk=answer.pk).text == "first"
    assert not [sql for sql in compiled(Answer, "_prepared_inserts").values() if "LOWER" in sql]
