"""Fixtures for workshop files: the demo regional workshop, imported through the real import."""

import pytest
import yaml
from django.contrib.auth import get_user_model

from delegations.demo import DEMO_DIR
from delegations.models import Delegation, Membership
from delegations.workshop_files import workshop_import
from sessions.models import GuidanceQuestion, InterventionArea, Session, Workshop

REGIONAL_FILE = DEMO_DIR / "regional-workshop.yaml"


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
