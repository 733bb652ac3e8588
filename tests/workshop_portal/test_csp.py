"""The Content-Security-Policy header (settings.SECURE_CSP) and pages that live within it:
no inline script, event handler, <style> block or style attribute."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from summaries import services
from summaries.models import Bundle

EXPECTED_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class InlineCode(HTMLParser):
    """Collects what a policy without 'unsafe-inline' refuses."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "style":
            self.found.append("<style>")
        if tag == "script" and not names.get("src"):
            self.found.append("<script> without src")
        self.found += [f"{tag} {name}=" for name in names if name == "style"]
        self.found += [f"{tag} {name}=" for name in names if name.startswith("on")]
        if names.get("href", "").startswith("javascript:"):
            self.found.append(f"{tag} href=javascript:")


def inline_code(html):
    parser = InlineCode()
    parser.feed(html)
    return parser.found


@pytest.fixture
def organiser_client(organiser):
    client = Client()
    client.force_login(organiser)
    return client


@pytest.fixture
def member_client(member_a):
    client = Client()
    client.force_login(member_a)
    return client


def test_csp_header_on_login_page(client, db):
    response = client.get(reverse("login"))
    assert response.headers["Content-Security-Policy"] == EXPECTED_POLICY


def test_csp_header_on_admin_page(organiser_client, workshop):
    response = organiser_client.get(reverse("admin:index"))
    assert response.headers["Content-Security-Policy"] == EXPECTED_POLICY


def test_csp_header_on_htmx_fragment(organiser_client, workshop):
    response = organiser_client.get(
        reverse("summaries:board_grid", kwargs={"workshop": workshop.slug}),
        headers={"HX-Request": "true"},
    )
    assert response.headers["Content-Security-Policy"] == EXPECTED_POLICY


def test_csp_header_carries_no_nonce_when_no_page_needs_one(member_client, session):
    response = member_client.get(
        reverse(
            "summaries:summary",
            kwargs={"workshop": "regional", "delegation": "senegal", "session": "V"},
        )
    )
    assert "nonce-" not in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "name", ["board", "compare", "exports", "bundle", "plan", "summary", "workshop", "login"]
)
def test_csp_pages_have_no_inline_code(
    name, organiser, organiser_client, member_a, delegation_a, session, client
):
    services.plan_item_create(
        delegation=delegation_a, kind="action", data={"title": "Budget line"}, user=member_a
    )
    bundle = Bundle.objects.create(
        workshop=session.workshop, status=Bundle.Status.RUNNING, total=2, done=1
    )
    slug = session.workshop.slug
    urls = {
        "board": reverse("summaries:board", kwargs={"workshop": slug}),
        "compare": reverse(
            "summaries:compare", kwargs={"workshop": slug, "session": "V", "number": 1}
        ),
        "exports": reverse("summaries:exports", kwargs={"workshop": slug}),
        "bundle": reverse("summaries:bundle", kwargs={"workshop": slug, "pk": bundle.pk}),
        "plan": delegation_a.get_plan_url(),
        "summary": reverse(
            "summaries:summary", kwargs={"workshop": slug, "delegation": "senegal", "session": "V"}
        ),
        "workshop": session.workshop.get_absolute_url(),
    }
    response = client.get(reverse("login")) if name == "login" else organiser_client.get(urls[name])
    assert response.status_code == 200
    assert inline_code(response.text) == []
