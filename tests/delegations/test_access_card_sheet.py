"""The access sheet's PDF: named after the delegation, in its language, with a QR code
of the sign-in link, and nothing leaving its card."""

import datetime as dt
import io
import subprocess
import unicodedata
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation
from pypdf import PdfReader

from delegations.access_sheet import (
    CARD_HEIGHT_MM,
    CARD_WIDTH_MM,
    CARDS_PER_PAGE,
    PAGE_MARGIN_MM,
    access_sheet_file,
    card_sign_in_url,
)
from delegations.demo import demo_load
from delegations.models import Delegation
from delegations.services import delegation_cards_issue
from tests.conftest import make_member
from tests.factories import make_workshop

from .conftest import PORTAL, issue, signed_in_username_after

MM = 72 / 25.4  # points per millimetre


def page_texts(content):
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


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
