"""Fixtures for workshop files: the demo regional workshop, imported through the real
import; and for access cards: a running workshop, cards issued, their links opened."""

import datetime as dt

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from delegations.demo import DEMO_DIR
from delegations.models import Delegation, Membership
from delegations.services import delegation_cards_issue
from delegations.workshop_files import workshop_import
from sessions.models import GuidanceQuestion, InterventionArea, Session, Workshop

REGIONAL_FILE = DEMO_DIR / "regional-workshop.yaml"
PORTAL = "https://portal.example.org/"


@pytest.fixture
def regional_text():
    return REGIONAL_FILE.read_text(encoding="utf-8")


@pytest.fixture
def regional_data(regional_text):
    return yaml.safe_load(regional_text)


@pytest.fixture
def regional_workshop(db, regional_data):
    return workshop_import(data=regional_data).workshop


def row_counts():
    """How many rows each model behind a workshop file holds."""
    models = [
        Workshop,
        Session,
        GuidanceQuestion,
        InterventionArea,
        Delegation,
        Membership,
        get_user_model(),
    ]
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def running(workshop):
    """The regional workshop, moved so that it ends the day after tomorrow."""
    workshop.start_date = timezone.localdate() - dt.timedelta(days=1)
    workshop.end_date = timezone.localdate() + dt.timedelta(days=2)
    workshop.save()
    return workshop


def issue(*delegations):
    return delegation_cards_issue(
        delegations=Delegation.objects.filter(pk__in=[d.pk for d in delegations])
    )


def link_path(url):
    return url.removeprefix(PORTAL.rstrip("/"))


def sign_in_with(client, url):
    """Open the card's link and press its one button, as a person does."""
    page = client.get(link_path(url))
    if page.status_code != 200:
        return page
    path, _query, token = link_path(url).partition("?sesame=")
    return client.post(path, {"sesame": token})


def signed_in_username(client):
    response = client.get("/csrf-token/")
    user = response.wsgi_request.user
    return user.get_username() if user.is_authenticated else None


def signed_in_username_after(link):
    client = Client()
    sign_in_with(client, link)
    return signed_in_username(client)
