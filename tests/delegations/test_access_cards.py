"""Access cards: printed for the delegation's own members, one delegation at a time, in
its language, never clipped, with a QR code whose sign-in link a reprint revokes."""

import datetime as dt
import io
import subprocess
import unicodedata
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation
from pypdf import PdfReader

from delegations.access_sheet import (
    CARD_HEIGHT_MM,
    CARD_WIDTH_MM,
    CARDS_PER_PAGE,
    PAGE_MARGIN_MM,
    access_sheet_file,
    card_link_expires_at,
    card_sign_in_url,
)
from delegations.demo import demo_load
from delegations.models import Delegation, Membership
from delegations.services import delegation_card_holders, delegation_cards_issue
from sessions.models import Workshop
from tests.conftest import make_member
from tests.factories import make_workshop

PORTAL = "https://portal.example.org/"
MM = 72 / 25.4  # points per millimetre


@pytest.fixture(autouse=True)
def english_afterwards():
    """Requests in another language leave it active in the test thread: restore it."""
    yield
    translation.activate("en")


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


def page_texts(content):
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


# Who gets a card


def test_card_holders_are_the_delegations_members(delegation_a, member_a):
    second = make_member("amadou", delegation_a, role=Membership.Role.MEMBER)
    assert [(h.username, h.user) for h in delegation_card_holders(delegation_a)] == [
        ("alice", member_a),
        ("amadou", second),
    ]


def test_cards_issue_creates_no_account_when_members_exist(delegation_a, member_a, member_b):
    users = User.objects.count()
    cards = issue(delegation_a)
    assert ([card.user.username for card in cards], User.objects.count()) == (["alice"], users)


def test_cards_issue_creates_one_rapporteur_for_a_delegation_without_members(delegation_a):
    issue(delegation_a)
    issue(delegation_a)
    assert list(
        Membership.objects.filter(delegation=delegation_a).values_list("user__username", "role")
    ) == [("regional-senegal", "rapporteur")]


def test_cards_skip_staff_and_deactivated_members(delegation_a, member_a, facilitator):
    Membership.objects.create(user=facilitator, delegation=delegation_a)
    inactive = make_member("amadou", delegation_a)
    inactive.is_active = False
    inactive.save()
    cards = issue(delegation_a)
    facilitator.refresh_from_db()
    assert (
        [card.user.username for card in cards],
        facilitator.check_password("pass-fatou"),
    ) == (["alice"], True)


def test_cards_issue_refuses_a_staff_accounts_name(delegation_a):
    User.objects.create_user("regional-senegal", password="staff-password-1", is_staff=True)
    with pytest.raises(ValidationError) as error:
        issue(delegation_a)
    assert error.value.code == "username_taken"


def test_reprinting_one_delegation_changes_only_its_passwords(delegation_a, member_a, member_b):
    card = issue(delegation_a)[0]
    member_a.refresh_from_db()
    member_b.refresh_from_db()
    assert (
        member_a.check_password("pass-alice"),
        member_a.check_password(card.password),
        member_b.check_password("pass-bob"),
    ) == (False, True, True)


def test_reprinting_one_delegation_revokes_only_its_links(
    running, delegation_a, member_a, member_b
):
    alice_link = card_sign_in_url(member_a, running, portal_url=PORTAL)
    bob_link = card_sign_in_url(member_b, running, portal_url=PORTAL)
    issue(delegation_a)
    member_a.refresh_from_db()
    assert (
        signed_in_username_after(alice_link),
        signed_in_username_after(bob_link),
        signed_in_username_after(card_sign_in_url(member_a, running, portal_url=PORTAL)),
    ) == (None, "bob", "alice")


def signed_in_username_after(link):
    client = Client()
    sign_in_with(client, link)
    return signed_in_username(client)


# The card's sign-in link


def test_card_link_signs_in_and_lands_on_the_workshop_page(running, delegation_a, member_a):
    issue(delegation_a)
    member_a.refresh_from_db()
    client = Client()
    response = sign_in_with(client, card_sign_in_url(member_a, running, portal_url=PORTAL))
    assert (
        response.status_code,
        response["Location"],
        response["Referrer-Policy"],
        "no-store" in response["Cache-Control"],
        signed_in_username(client),
    ) == (302, "/w/regional/", "origin", True, "alice")


def test_card_link_sets_the_delegations_interface_language(running, delegation_a, member_a):
    response = sign_in_with(Client(), card_sign_in_url(member_a, running, portal_url=PORTAL))
    assert response.cookies["django_language"].value == "fr"


REFUSED = (
    "This card's sign-in link no longer works: the card was reprinted or the workshop has "
    "ended. Type the sign-in name and password from your card, or ask a facilitator for a "
    "new card."
)


def refusal(client, path):
    response = client.get(path, follow=True)
    return (
        response.redirect_chain,
        [str(message) for message in response.context["messages"]],
        signed_in_username(client),
    )


def test_card_link_is_refused_after_a_reprint(running, delegation_a, member_a):
    link = card_sign_in_url(member_a, running, portal_url=PORTAL)
    issue(delegation_a)
    assert refusal(Client(), link_path(link)) == ([("/accounts/login/", 302)], [REFUSED], None)


def test_card_link_is_refused_once_the_workshop_has_ended(running, delegation_a, member_a):
    link = card_sign_in_url(member_a, running, portal_url=PORTAL)
    Workshop.objects.filter(pk=running.pk).update(
        end_date=timezone.localdate() - dt.timedelta(days=2)
    )
    assert refusal(Client(), link_path(link)) == ([("/accounts/login/", 302)], [REFUSED], None)


def test_card_link_is_refused_at_another_workshops_address(running, delegation_a, member_a):
    make_workshop(
        title_en="Other", slug="other", start_date=running.start_date, end_date=running.end_date
    )
    path = link_path(card_sign_in_url(member_a, running, portal_url=PORTAL))
    assert refusal(Client(), path.replace("/card/regional/", "/card/other/"))[2] is None


def test_card_link_is_refused_to_a_former_member(running, delegation_a, member_a):
    link = card_sign_in_url(member_a, running, portal_url=PORTAL)
    Membership.objects.filter(user=member_a).delete()
    assert refusal(Client(), link_path(link))[1:] == ([REFUSED], None)


@pytest.mark.parametrize(
    "path",
    [
        "/card/regional/",
        "/card/regional/?sesame=",
        "/card/regional/?sesame=%ff%fe!!",
        "/card/nowhere/?sesame=AAAA",
    ],
)
def test_card_link_garbage_is_refused_not_an_error(running, path):
    assert refusal(Client(), path) == ([("/accounts/login/", 302)], [REFUSED], None)


def test_card_link_refusal_is_in_the_browsers_language(running, delegation_a, member_a):
    link = card_sign_in_url(member_a, running, portal_url=PORTAL)
    issue(delegation_a)
    response = Client(headers={"accept-language": "fr"}).get(link_path(link), follow=True)
    with translation.override("fr"):
        expected = translation.gettext(
            "This card's sign-in link no longer works: the card was reprinted or the "
            "workshop has ended. Type the sign-in name and password from your card, or ask "
            "a facilitator for a new card."
        )
    assert [str(m) for m in response.context["messages"]] == [expected]


def test_card_link_on_a_shared_laptop_signs_out_the_previous_account(
    running, delegation_b, member_a, member_b
):
    client = Client()
    client.force_login(member_a)
    link = link_path(card_sign_in_url(member_b, running, portal_url=PORTAL))
    path, _query, token = link.partition("?sesame=")
    client.get(link)
    response = client.post(path, {"sesame": token}, follow=True)
    assert (
        response.redirect_chain,
        [str(message) for message in response.context["messages"]],
        signed_in_username(client),
    ) == (
        [("/w/regional/", 302)],
        ["alice was signed out on this browser; you are signed in as bob."],
        "bob",
    )


def test_opening_a_card_link_changes_no_session(running, delegation_b, member_a, member_b):
    client = Client()
    client.force_login(member_a)
    client.get("/w/regional/")  # a page as usual first
    before = (client.session.session_key, dict(client.session))
    response = client.get(link_path(card_sign_in_url(member_b, running, portal_url=PORTAL)))
    assert (
        response.status_code,
        (client.session.session_key, dict(client.session)) == before,
        signed_in_username(client),
    ) == (200, True, "alice")


def test_card_link_page_names_the_account_and_who_would_be_signed_out(
    running, delegation_b, member_a, member_b
):
    client = Client()
    client.force_login(member_a)
    page = client.get(link_path(card_sign_in_url(member_b, running, portal_url=PORTAL)))
    assert (
        page.context["workshop_title"].text,
        page.context["delegation"].name,
        page.context["account"],
        "alice is signed in on this browser. Signing in with this card signs alice out"
        in page.text,
        page["Referrer-Policy"],
        "no-store" in page["Cache-Control"],
    ) == ("Regional workshop", delegation_b.name, "bob", True, "origin", True)


def test_card_link_sign_in_from_another_site_is_refused(running, delegation_b, member_a, member_b):
    # A page elsewhere that posts the token: no CSRF token, so nothing changes.
    client = Client(enforce_csrf_checks=True)
    client.force_login(member_a)
    path, _query, token = link_path(
        card_sign_in_url(member_b, running, portal_url=PORTAL)
    ).partition("?sesame=")
    response = client.post(path, {"sesame": token}, headers={"origin": "https://evil.example"})
    assert (response.status_code, signed_in_username(client)) == (403, "alice")


def test_card_link_signs_in_with_the_pages_own_form(running, delegation_a, member_a):
    client = Client(enforce_csrf_checks=True)
    page = client.get(link_path(card_sign_in_url(member_a, running, portal_url=PORTAL)))
    token = page.context["token"]
    response = client.post(
        "/card/regional/",
        {"sesame": token, "csrfmiddlewaretoken": page.context["csrf_token"]},
    )
    assert (response.status_code, response["Location"], signed_in_username(client)) == (
        302,
        "/w/regional/",
        "alice",
    )


def test_sign_in_page_never_sends_anyone_to_a_card_link(running, delegation_a, member_a, member_b):
    link = link_path(card_sign_in_url(member_b, running, portal_url=PORTAL))
    client = Client()
    response = client.post(
        "/accounts/login/?next=" + link.replace("?", "%3F").replace("=", "%3D"),
        {"username": "alice", "password": "pass-alice", "next": link},
    )
    assert (response.status_code, response["Location"], signed_in_username(client)) == (
        302,
        "/",
        "alice",
    )


def test_card_link_expires_at_the_end_of_the_workshops_last_day_in_its_time_zone(workshop):
    workshop.time_zone = "Asia/Bangkok"
    assert card_link_expires_at(workshop) == dt.datetime(2026, 11, 25, 17, 0, tzinfo=dt.UTC)


# The PDF


def test_access_sheet_file_is_named_after_the_delegation(delegation_a, member_a):
    assert access_sheet_file(issue(delegation_a), portal_url=PORTAL).filename == (
        "access-cards-regional-senegal.pdf"
    )


def decoded_qr_codes(content, tmp_path):
    pdf = tmp_path / "cards.pdf"
    pdf.write_bytes(content)
    subprocess.run(["pdftoppm", "-r", "200", "-png", pdf, tmp_path / "page"], check=True)
    codes = []
    for png in sorted(tmp_path.glob("page*.png")):
        result = subprocess.run(
            ["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", png],
            capture_output=True,
            text=True,
        )
        codes += result.stdout.split()
    return codes


def test_qr_code_decodes_to_the_members_sign_in_link(running, delegation_a, member_a, tmp_path):
    content = access_sheet_file(issue(delegation_a), portal_url=PORTAL).content
    member_a.refresh_from_db()
    assert decoded_qr_codes(content, tmp_path) == [
        card_sign_in_url(member_a, running, portal_url=PORTAL)
    ]


def test_qr_code_signs_in_its_member(running, delegation_a, member_a, member_b, tmp_path):
    content = access_sheet_file(issue(delegation_a), portal_url=PORTAL).content
    (link,) = decoded_qr_codes(content, tmp_path)
    assert signed_in_username_after(link) == "alice"


@pytest.fixture
def four_languages(db):
    """A workshop with one delegation (and member) per interface language."""
    workshop = make_workshop(
        title_en="Four languages",
        slug="four",
        start_date=dt.date(2027, 1, 4),
        end_date=dt.date(2027, 1, 5),
        languages="en,fr,vi,th",
        default_language="en",
    )
    for code in ("en", "fr", "vi", "th"):
        delegation = Delegation.objects.create(
            workshop=workshop, name=f"Delegation {code}", slug=code, language=code
        )
        make_member(f"member-{code}", delegation)
    return workshop


THAI_MARKS = set("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a") | set(
    "\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"
)


def normalized(text):
    """Text as poppler and pypdf extract it from Thai: no spaces, no combining marks,
    sara am as sara aa (docs/thai-text-layer.md)."""
    text = text.replace("\u0e33", "\u0e32")
    return "".join(
        c for c in text if not c.isspace() and not unicodedata.combining(c) and c not in THAI_MARKS
    )


@pytest.mark.parametrize(
    ("code", "labels"),
    [
        (
            "en",
            (
                "Sign-in name",
                "Password",
                "Portal address",
                "Change nothing: sign in and choose your session.",
            ),
        ),
        (
            "fr",
            (
                "Identifiant",
                "Mot de passe",
                "Adresse du portail",
                "Ne modifiez rien : connectez-vous et choisissez votre session.",
            ),
        ),
        (
            "vi",
            (
                "Tên đăng nhập",
                "Mật khẩu",
                "Địa chỉ cổng thông tin",
                "Không cần thay đổi gì: chỉ cần đăng nhập và chọn phiên của đoàn.",
            ),
        ),
        (
            "th",
            (
                "ชื่อผู้ใช้",
                "รหัสผ่าน",
                "ที่อยู่เว็บไซต์",
                "ไม่ต้องเปลี่ยนแปลงสิ่งใด เพียงเข้าสู่ระบบแล้วเลือกช่วงการประชุมของท่าน",
            ),
        ),
    ],
)
def test_card_labels_are_in_the_delegations_language(four_languages, code, labels):
    delegation = four_languages.delegations.get(slug=code)
    (text,) = page_texts(access_sheet_file(issue(delegation), portal_url=PORTAL).content)
    assert [normalized(label) in normalized(text) for label in labels] == [True] * 4


# Nothing leaves its card


def text_words(content, tmp_path):
    """``[(page, x0, y0, x1, y1, text)]`` of every word, in points from the top left."""
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(content)
    out = tmp_path / "sheet.html"
    subprocess.run(["pdftotext", "-bbox-layout", pdf, out], check=True)
    tree = ET.parse(out)
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    words = []
    for number, page in enumerate(tree.iterfind(".//x:page", ns)):
        for word in page.iterfind(".//x:word", ns):
            box = tuple(float(word.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))
            words.append((number, *box, word.text or ""))
    return words


def card_rectangle(index):
    """Where card ``index`` of a sheet is, as ``(page, x0, y0, x1, y1)`` in points."""
    page, slot = divmod(index, CARDS_PER_PAGE)
    row, column = divmod(slot, 2)
    x0 = (PAGE_MARGIN_MM + column * CARD_WIDTH_MM) * MM
    y0 = (PAGE_MARGIN_MM + row * CARD_HEIGHT_MM) * MM
    return page, x0, y0, x0 + CARD_WIDTH_MM * MM, y0 + CARD_HEIGHT_MM * MM


def inside(word, rectangle, margin=0.5):
    page, x0, y0, x1, y1 = rectangle
    return (
        word[0] == page
        and word[1] >= x0 - margin
        and word[2] >= y0 - margin
        and word[3] <= x1 + margin
        and word[4] <= y1 + margin
    )


def overlap(a, b):
    """Whether two words' boxes overlap; only the middle half of each box's height
    counts, as the Thai face's boxes are much taller than its lines."""

    def middle(word):
        quarter = (word[4] - word[2]) / 4
        return word[1], word[2] + quarter, word[3], word[4] - quarter

    (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = middle(a), middle(b)
    return a[0] == b[0] and ax0 < bx1 and bx0 < ax1 and ay0 < by1 and by0 < ay1


LONG_TITLE = (
    "Consultation nationale sur le financement durable des systèmes de santé communautaire " * 3
)[:200]
LONG_NAME = (
    "Comité provincial de coordination de la santé communautaire et des agents de santé " * 3
)[:200]


@pytest.fixture
def longest(db):
    """The demo workshops, plus the longest title and name the models allow."""
    demo_load()
    workshop = make_workshop(
        title_en=LONG_TITLE,
        title_fr=LONG_TITLE,
        slug="long",
        start_date=dt.date(2027, 1, 4),
        end_date=dt.date(2027, 1, 5),
        languages="fr,en",
        default_language="fr",
    )
    delegation = Delegation.objects.create(
        workshop=workshop, name=LONG_NAME, slug="long", language="fr"
    )
    make_member("member-" + "x" * 40, delegation)
    return Delegation.objects.all()


def test_nothing_leaves_its_card(longest, tmp_path):
    issued = delegation_cards_issue(delegations=longest)
    content = access_sheet_file(issued, portal_url=PORTAL).content
    words = text_words(content, tmp_path)
    cards = [card_rectangle(index) for index in range(len(issued))]
    owner = [next((i for i, card in enumerate(cards) if inside(w, card)), None) for w in words]
    card_text = [
        "".join(w[5] for w, o in zip(words, owner, strict=True) if o == i)
        for i in range(len(issued))
    ]
    expected = []
    for card in issued:
        with translation.override(card.delegation.language):
            hint = translation.gettext("Change nothing: sign in and choose your session.")
        title = (
            getattr(card.delegation.workshop, f"title_{card.delegation.language}")
            or card.delegation.workshop.title_en
        )
        expected.append(
            [
                normalized(t)
                for t in (title, card.delegation.name, card.user.username, card.password, hint)
            ]
        )
    assert (
        [w[5] for w, o in zip(words, owner, strict=True) if o is None],
        [(a[5], b[5]) for i, a in enumerate(words) for b in words[i + 1 :] if overlap(a, b)],
        [[part in normalized(card_text[i]) for part in parts] for i, parts in enumerate(expected)],
    ) == ([], [], [[True] * 5] * len(issued))
