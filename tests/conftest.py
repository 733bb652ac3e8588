"""Shared fixtures: a small bilingual workshop with two delegations and every kind of user."""

import datetime as dt
import faulthandler
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

from delegations.models import Delegation, LanguagePreference
from sessions.models import GuidanceQuestion, Session
from tests.factories import make_member, make_workshop

# Playwright's sync API runs an event loop in the test thread; the ORM calls that
# browser tests make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# --- a test that hangs says where -------------------------------------------------------
# pytest-timeout (pyproject) stops a test that runs too long and ends its xdist worker,
# whose output is then lost. Ten seconds before that, faulthandler writes every thread's
# stack to a file of the worker's own; the run's summary prints those files.

STACKS = "PORTAL_TEST_STACKS"


def pytest_configure(config):
    if not hasattr(config, "workerinput"):  # the controller; its workers inherit this
        os.environ[STACKS] = tempfile.mkdtemp(prefix="portal-test-stacks-")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item):
    limit = float(item.config.getini("timeout") or 0)
    if limit <= 10 or STACKS not in os.environ:
        yield
        return
    if not hasattr(pytest_runtest_protocol, "file"):
        path = Path(os.environ[STACKS]) / f"{os.getpid()}.txt"
        pytest_runtest_protocol.file = path.open("a")
    stacks = pytest_runtest_protocol.file
    stacks.write(f"\n{item.nodeid} ran more than {limit - 10:.0f} s:\n")
    stacks.flush()
    faulthandler.dump_traceback_later(limit - 10, file=stacks)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
        stacks.seek(0)
        stacks.truncate()


def pytest_terminal_summary(terminalreporter):
    folder = os.environ.get(STACKS)
    if not folder or hasattr(terminalreporter.config, "workerinput"):
        return
    for path in sorted(Path(folder).glob("*.txt")):
        text = path.read_text(errors="replace").strip()
        if text:
            terminalreporter.section(f"stacks of a test that hung ({path.name})", sep="!")
            terminalreporter.write_line(text)


def pytest_unconfigure(config):
    if not hasattr(config, "workerinput") and STACKS in os.environ:
        shutil.rmtree(os.environ.pop(STACKS), ignore_errors=True)


@pytest.fixture(autouse=True)
def interface_language_reset():
    """A request or a render in another language may leave it active in the test's
    thread: every test starts in the default language."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded browser (a download fails on these machines)."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def workshop(db):
    return make_workshop(
        title_en="Regional workshop",
        title_fr="Atelier régional",
        slug="regional",
        start_date=dt.date(2026, 11, 23),
        end_date=dt.date(2026, 11, 25),
        venue_en="Dakar",
        time_zone="Africa/Dakar",
        languages="en,fr",
        default_language="en",
    )


@pytest.fixture
def session(workshop):
    session = Session.objects.create(
        workshop=workshop,
        code="V",
        title_en="Mobilizing resources",
        title_fr="Mobiliser les ressources",
        guidance_en="Each delegation takes 30 minutes.",
        guidance_fr="Chaque délégation prend 30 minutes.",
        status=Session.Status.OPEN,
        time_box_minutes=30,
    )
    for number in range(1, 6):
        GuidanceQuestion.objects.create(
            session=session,
            number=number,
            order=number,
            text_en=f"Question {number} in English?",
            text_fr=f"Question {number} en français ?",
            feeds=GuidanceQuestion.Feeds.ACTION_PLAN
            if number >= 4
            else GuidanceQuestion.Feeds.NOTHING,
        )
    return session


@pytest.fixture
def delegation_a(workshop):
    return Delegation.objects.create(
        workshop=workshop, name="Senegal", slug="senegal", country_code="SN", language="fr"
    )


@pytest.fixture
def delegation_b(workshop):
    return Delegation.objects.create(
        workshop=workshop, name="Ghana", slug="ghana", country_code="GH", language="en"
    )


@pytest.fixture
def member_a(delegation_a):
    """Senegal's rapporteur, who chose English with the language switcher (without a
    choice a member gets the delegation's language, here French)."""
    user = make_member("alice", delegation_a)
    LanguagePreference.objects.create(user=user, language="en")
    return user


@pytest.fixture
def member_b(delegation_b):
    return make_member("bob", delegation_b)


def make_staff(username, group_name):
    user = User.objects.create_user(username, password="pass-" + username, is_staff=True)
    group, _created = Group.objects.get_or_create(name=group_name)
    user.groups.add(group)
    return user


@pytest.fixture
def organiser(db):
    return make_staff("olga", "Organisers")


@pytest.fixture
def facilitator(db):
    return make_staff("fatou", "Facilitators")
