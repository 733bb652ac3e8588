"""``workshop_portal.prepared``: a query compiled once gives what the plain queryset
gives, for every value, on both databases (the suite runs on SQLite and PostgreSQL)."""

import threading

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.db import connection, transaction
from django.db.models import Q
from django.db.transaction import TransactionManagementError
from django.utils import timezone, translation

from delegations.models import Delegation, Membership
from sessions.models import GuidanceQuestion
from summaries.models import Answer, Summary
from workshop_portal.prepared import PreparedQuery, _Prepared
from workshop_portal.session_store import SessionStore


def row_values(obj):
    return {name: value for name, value in vars(obj).items() if not name.startswith("_")}


def same_objects(got, expected):
    """Equal rows, and equal related rows loaded by ``select_related``."""
    assert [row_values(o) for o in got] == [row_values(o) for o in expected]
    for mine, theirs in zip(got, expected, strict=True):
        assert mine._state.fields_cache.keys() == theirs._state.fields_cache.keys()
        for name, related in theirs._state.fields_cache.items():
            assert row_values(mine._state.fields_cache[name]) == row_values(related)
            assert (
                related._state.fields_cache.keys()
                == mine._state.fields_cache[name]._state.fields_cache.keys()
            )


def memberships(user, workshop, delegation):
    return (
        Membership.objects.filter(
            user_id=user, delegation__slug=delegation, delegation__workshop__slug=workshop
        )
        .select_related("delegation__workshop")
        .order_by()[:1]
    )


def questions(workshop, session, number):
    return (
        GuidanceQuestion.objects.filter(
            session__workshop_id=workshop, session__code=session, number=number
        )
        .select_related("session")
        .order_by("number")
    )


def test_gives_what_the_queryset_gives_for_each_value(
    workshop, session, delegation_a, delegation_b, member_a, member_b
):
    prepared = PreparedQuery(memberships)
    cases = [
        (member_a.pk, "regional", "senegal"),
        (member_b.pk, "regional", "ghana"),
        (member_a.pk, "regional", "ghana"),  # not a member: nothing
        (member_b.pk, "elsewhere", "ghana"),
    ]
    for _round in range(2):  # the first call prepares, the second reuses
        for user, workshop_slug, slug in cases:
            got = prepared(user=user, workshop=workshop_slug, delegation=slug)
            same_objects(got, list(memberships(user, workshop_slug, slug)))
    assert prepared.first(user=member_a.pk, workshop="regional", delegation="ghana") is None
    found = prepared.first(user=member_b.pk, workshop="regional", delegation="ghana")
    assert found.delegation.workshop == workshop


def test_values_that_are_equal_still_go_where_they_belong(workshop, session):
    # A question numbered like the workshop's id: the two parameters get equal values,
    # and each must still land in its own place.
    session.questions.get_or_create(number=workshop.pk, defaults={"order": 99})
    prepared = PreparedQuery(questions)
    for number in (1, 2, 5, 6, workshop.pk):
        got = prepared(workshop=workshop.pk, session="V", number=number)
        same_objects(got, list(questions(workshop.pk, "V", number)))
    assert [q.number for q in prepared(workshop=workshop.pk, session="V", number=workshop.pk)] == [
        workshop.pk
    ]


def test_same_slug_in_two_places(workshop, session):
    Delegation.objects.create(workshop=workshop, name="Regional", slug="regional")
    prepared = PreparedQuery(
        lambda workshop, delegation: Delegation.objects.filter(
            workshop__slug=workshop, slug=delegation
        ).select_related("workshop")
    )
    assert [d.slug for d in prepared(workshop="regional", delegation="regional")] == ["regional"]
    assert prepared(workshop="senegal", delegation="regional") == []


def was_prepared(prepared):
    return [isinstance(entry, _Prepared) for entry in prepared._prepared.values()]


def test_one_query_per_call_and_compiled_once(workshop, session, django_assert_num_queries):
    prepared = PreparedQuery(questions)
    prepared(workshop=workshop.pk, session="V", number=1)
    assert was_prepared(prepared) == [True]
    with django_assert_num_queries(1):
        assert len(prepared(workshop=workshop.pk, session="V", number=2)) == 1


def test_values_of_other_types_run_the_plain_queryset_even_once_prepared(
    workshop, session, delegation_a, member_a
):
    summary = Summary.objects.create(delegation=delegation_a, session=session)
    question = session.questions.get(number=1)
    Answer.objects.create(summary=summary, question=question, text="nobody", edited_by=None)
    prepared = PreparedQuery(lambda user: Answer.objects.filter(edited_by=user))
    assert prepared(user=member_a.pk) == []
    assert was_prepared(prepared) == [True]
    assert [a.text for a in prepared(user=None)] == ["nobody"]  # IS NULL, not = NULL
    assert prepared(user=member_a) == []  # an instance: the plain queryset


def test_a_value_beyond_its_field_finds_nothing_prepared_or_not(workshop, session):
    # number is a PositiveSmallIntegerField: on PostgreSQL Django's compiler gives up
    # on 40000 (EmptyResultSet), which prepares nothing; SQLite has no such range.
    prepared = PreparedQuery(questions)
    assert prepared(workshop=workshop.pk, session="V", number=40000) == []
    assert len(prepared(workshop=workshop.pk, session="V", number=1)) == 1
    assert was_prepared(prepared) == [True]
    assert prepared(workshop=workshop.pk, session="V", number=40000) == []
    assert prepared(workshop=workshop.pk, session="V", number=-1) == []


@pytest.mark.parametrize(
    "build",
    [
        # the lookup changes the value ('%x%'): each call compiles as usual
        lambda code: GuidanceQuestion.objects.filter(session__code__icontains=code),
        # a constant that moves between compilations
        lambda code: GuidanceQuestion.objects.filter(
            Q(session__deadline__isnull=True) | Q(session__deadline__gt=timezone.now()),
            session__code=code,
        ),
        # not model instances, or more than one query
        lambda code: GuidanceQuestion.objects.filter(session__code=code).values("number"),
        lambda code: GuidanceQuestion.objects.filter(session__code=code).prefetch_related(
            "options"
        ),
    ],
    ids=["transformed-value", "moving-constant", "values", "prefetch"],
)
def test_what_cannot_be_prepared_runs_as_a_plain_queryset(workshop, session, build):
    prepared = PreparedQuery(build)
    for code in ("V", "v", "X"):
        assert list(prepared(code=code)) == list(build(code))
    assert was_prepared(prepared) == [False]


def test_each_language_is_compiled_apart(workshop, session):
    # modeltranslation rewrites a translated field to the active language's column.
    prepared = PreparedQuery(lambda title: workshop.sessions.filter(title=title))
    with translation.override("en"):
        assert [s.code for s in prepared(title="Mobilizing resources")] == ["V"]
    with translation.override("fr"):
        assert [s.code for s in prepared(title="Mobiliser les ressources")] == ["V"]
        assert prepared(title="Mobilizing resources") == []


@pytest.mark.django_db(transaction=True)  # no test transaction around it
def test_lock_outside_a_transaction_is_refused_as_django_does(workshop, session, delegation_a):
    def locked(delegation):
        return Summary.objects.select_for_update().filter(delegation_id=delegation)

    prepared = PreparedQuery(locked)
    with transaction.atomic():
        assert prepared(delegation=delegation_a.pk) == []
    if connection.features.has_select_for_update:
        with pytest.raises(TransactionManagementError):
            list(locked(delegation_a.pk))
        with pytest.raises(TransactionManagementError):
            prepared(delegation=delegation_a.pk)


@pytest.mark.django_db(transaction=True)
def test_threads_each_use_their_own_connection(workshop, session, delegation_a):
    summary = Summary.objects.create(delegation=delegation_a, session=session)
    for question in session.questions.all():
        Answer.objects.create(summary=summary, question=question, text=f"answer {question.number}")
    prepared = PreparedQuery(
        lambda summary, question: Answer.objects.filter(summary_id=summary, question_id=question)
    )
    questions_by_number = {q.number: q.pk for q in session.questions.all()}
    errors, texts = [], []

    def read(number):
        try:
            for _ in range(20):
                answer = prepared.first(summary=summary.pk, question=questions_by_number[number])
                texts.append((number, answer.text))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            from django.db import connections

            connections.close_all()

    threads = [threading.Thread(target=read, args=(n,)) for n in (1, 2, 3, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(set(texts)) == [(n, f"answer {n}") for n in (1, 2, 3, 4)]


# --- the session store that uses it ---------------------------------------------------


def test_session_store_reads_django_sessions(db):
    stored = DjangoSessionStore()
    stored["note"] = "ข้อความ"
    stored.create()
    assert SessionStore(stored.session_key).load() == {"note": "ข้อความ"}
    assert SessionStore("x" * 32).load() == {}
    assert SessionStore("short").load() == {}  # malformed: not even looked up


def test_session_store_ignores_an_expired_session(db):
    from django.contrib.sessions.models import Session

    stored = DjangoSessionStore()
    stored["note"] = "old"
    stored.create()
    Session.objects.filter(pk=stored.session_key).update(expire_date="2000-01-01T00:00Z")
    store = SessionStore(stored.session_key)
    assert store.load() == {}
    assert store.session_key is None  # a new key is made if anything is saved
