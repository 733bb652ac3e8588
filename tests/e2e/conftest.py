import pytest
from django.conf import settings
from django.test import Client

from delegations.models import LanguagePreference


@pytest.fixture
def login_context(browser, live_server):
    """A new browser context signed in as ``user`` (through a real session cookie)."""
    contexts = []

    def make(user, language="en"):
        # The user's own choice, which the portal keeps on the account and puts
        # before a delegation's language.
        LanguagePreference.objects.update_or_create(user=user, defaults={"language": language})
        client = Client()
        client.force_login(user)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=language)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                },
                {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
            ]
        )
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
