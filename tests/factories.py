"""Test data from one place: the workshops, sessions, delegations and members tests
build, made by model-bakery with what each test says and plain defaults for the rest
(a three-day workshop in English and French)."""

import datetime as dt

from django.contrib.auth.models import User
from model_bakery import baker

from delegations.models import Delegation, Membership
from sessions.models import GuidanceQuestion, Session, Workshop

START = dt.date(2026, 11, 23)


def make_workshop(**fields):
    """A workshop: ``fields`` as ``Workshop.objects.create`` takes them; without dates
    it runs three days from ``START``, without a title it is named after its slug."""
    slug = fields.setdefault("slug", "workshop")
    if not any(name.startswith("title") for name in fields):
        fields["title_en"] = slug.replace("-", " ").capitalize()
    fields.setdefault("start_date", START)
    fields.setdefault("end_date", fields["start_date"] + dt.timedelta(days=2))
    return baker.make(Workshop, **fields)


def make_session(workshop, **fields):
    """A session of ``workshop`` (open, group work unless ``fields`` say otherwise)."""
    fields.setdefault("code", "I")
    fields.setdefault("status", Session.Status.OPEN)
    if not any(name.startswith("title") for name in fields):
        fields["title_en"] = f"Session {fields['code']}"
    return baker.make(Session, workshop=workshop, **fields)


def make_question(session, number, **fields):
    """Question ``number`` of ``session``, in its order."""
    fields.setdefault("order", number)
    if not any(name.startswith("text") for name in fields):
        fields["text_en"] = f"Question {number}?"
    return baker.make(GuidanceQuestion, session=session, number=number, **fields)


def make_delegation(workshop, slug, **fields):
    fields.setdefault("name", slug.replace("-", " ").title())
    return baker.make(Delegation, workshop=workshop, slug=slug, **fields)


def make_member(username, delegation, role=Membership.Role.RAPPORTEUR):
    """An account of ``delegation`` whose password is ``pass-<username>``."""
    user = User.objects.create_user(username, password="pass-" + username)
    Membership.objects.create(user=user, delegation=delegation, role=role)
    return user
