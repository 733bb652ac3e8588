"""Interleavings of writes to one delegation's work on PostgreSQL, each in its own
connection (a thread): no deadlock, no lost edit, no duplicate.

SQLite has no row locks (``select_for_update`` is a no-op and writers queue on the
whole file), so these run on PostgreSQL, which ``make test`` always includes.
"""

import threading

import pytest
from django.db import connection, connections, transaction

from summaries import services
from summaries.models import ActionItem, Answer, TARequest

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks: PostgreSQL only (run by make test)"
    ),
]


def run_together(*functions, timeout=30):
    """Run ``functions`` at the same moment, each in its own thread and database
    connection; return their results (or the exception each raised)."""
    barrier = threading.Barrier(len(functions), timeout=timeout)
    results = [None] * len(functions)

    def runner(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as exc:  # reported to the test, not swallowed
            results[index] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=runner, args=(i, f), daemon=True) for i, f in enumerate(functions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a writer never finished"
    return results


def answer(delegation, session, user, number, text, base_version=0):
    return services.answer_save(
        delegation=delegation,
        question=session.questions.get(number=number),
        data=services.AnswerInput(
            text=text, discussed=True, language="fr", base_version=base_version
        ),
        user=user,
    )


@pytest.fixture
def drafted(delegation_a, session, member_a):
    """Answers to the two questions that feed the plan (4 and 5)."""
    answer(delegation_a, session, member_a, 4, "Budget line in 2027")
    answer(delegation_a, session, member_a, 5, "Community health workers in the budget")
    return delegation_a


def test_two_prefills_at_once_draft_each_answer_once(drafted, member_a):
    results = run_together(*[lambda: services.plan_prefill(delegation=drafted, user=member_a)] * 4)
    assert sorted(results) == [(0, 0), (0, 0), (0, 0), (2, 0)]
    assert ActionItem.objects.filter(delegation=drafted).count() == 2


def test_restore_during_autosave_neither_deadlocks_nor_loses_the_save(
    delegation_a, session, member_a
):
    first = answer(delegation_a, session, member_a, 1, "First text")
    answer(delegation_a, session, member_a, 1, "Second text", base_version=1)
    old = first.history.get(version=1)
    for round_number in range(10):
        current = Answer.objects.get(pk=first.pk)
        results = run_together(
            lambda current=current: services.answer_restore(
                answer=current, history_id=old.history_id, user=member_a
            ),
            lambda current=current, n=round_number: answer(
                delegation_a, session, member_a, 1, f"Typed {n}", current.version
            ),
        )
        # One of the two wins; the other is refused as stale, never a deadlock.
        errors = [r for r in results if isinstance(r, Exception)]
        assert all(isinstance(e, services.StaleEdit) for e in errors), errors
        assert len(errors) <= 1
    versions = list(Answer.objects.get(pk=first.pk).history.values_list("version", flat=True))
    assert sorted(versions) == list(range(1, len(versions) + 1))


def test_prefill_during_an_edit_keeps_the_edit(drafted, member_a):
    services.plan_prefill(delegation=drafted, user=member_a)
    item = ActionItem.objects.get(source_answer__question__number=4)
    answer_4 = item.source_answer
    services.answer_save(
        delegation=drafted,
        question=answer_4.question,
        data=services.AnswerInput(
            text="Budget line in 2027, revised",
            discussed=True,
            language="fr",
            base_version=answer_4.version,
        ),  # fmt: skip
        user=member_a,
    )
    edit_holds_the_row = threading.Event()
    release = threading.Event()

    def edit():
        with transaction.atomic():
            services.plan_item_update(
                item=item,
                data={"description": "Our own words"},
                base_version=item.version,
                user=member_a,
            )
            edit_holds_the_row.set()
            release.wait(10)  # prefill now runs and must wait for this commit

    def prefill():
        edit_holds_the_row.wait(10)
        return services.plan_prefill(delegation=drafted, user=member_a)

    def release_once_prefill_waits():
        edit_holds_the_row.wait(10)
        with connection.cursor() as cursor:
            for _attempt in range(2000):
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                if cursor.fetchone()[0]:
                    break
        release.set()

    results = run_together(edit, prefill, release_once_prefill_waits)
    assert not any(isinstance(r, Exception) for r in results), results
    item = ActionItem.objects.get(pk=item.pk)
    assert (item.description, item.prefilled, results[1]) == ("Our own words", False, (0, 0))
    assert TARequest.objects.count() == 0
