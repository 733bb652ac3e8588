"""The browser tests' server answers requests that arrive at the same time, on both
databases, as gunicorn's threads do in production.

With SQLite's shared in-memory test database the live server handed one connection
to all its request threads, and two autosaves at once (two tabs coming back online)
interleaved on it: "cannot release savepoint - SQL statements in progress", a 500,
and an answer not saved. The test database is a file now (``settings.DATABASES``),
so each thread has its own connection. No browser: plain HTTP from threads.
"""

import threading
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from summaries.models import Answer

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 15


def test_simultaneous_autosaves_are_all_saved(live_server, member_a, delegation_a, session):
    client = Client()
    client.force_login(member_a)
    client.get(reverse("summaries:summary", args=[session.workshop.slug, delegation_a.slug, "V"]))
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    header = "; ".join(f"{name}={value}" for name, value in cookies.items())
    numbers = [1, 2, 3, 4]
    statuses = {number: [] for number in numbers}
    # A barrier with a timeout, and every failure recorded: an editor that died must not
    # leave the others waiting for it for ever (a CI run hung on that).
    start = threading.Barrier(len(numbers), timeout=60)

    def editor(number):
        try:
            rounds(number)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            statuses[number].append(repr(exc))
            start.abort()

    def rounds(number):
        version = 0
        for round_ in range(ROUNDS):
            start.wait()  # every round, all four saves leave together
            url = live_server.url + reverse(
                "summaries:answer_save",
                args=[session.workshop.slug, delegation_a.slug, "V", number],
            )
            body = urllib.parse.urlencode(
                {"text": f"Question {number}, round {round_}", "version": version, "language": "en"}
            ).encode()
            request = urllib.request.Request(
                url,
                data=body,
                headers={
                    "Cookie": header,
                    "X-CSRFToken": cookies[settings.CSRF_COOKIE_NAME],
                    "Referer": live_server.url + "/",
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    statuses[number].append(response.status)
                    version += 1
            except urllib.error.HTTPError as exc:
                statuses[number].append(exc.code)

    threads = [threading.Thread(target=editor, args=(number,), daemon=True) for number in numbers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert statuses == {number: [200] * ROUNDS for number in numbers}
    saved = dict(
        Answer.objects.filter(summary__delegation=delegation_a).values_list(
            "question__number", "text"
        )
    )
    assert saved == {number: f"Question {number}, round {ROUNDS - 1}" for number in numbers}
