"""The server counts words as the session page does: ``common.text.word_count``
against the page's own ``countWords`` (static/portal/editor/limits.js, ``Intl.Segmenter``)
run in Chromium, on Thai, Vietnamese and French answers; then the same count on the
page and on the organisers' board."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from common.text import split_words, word_count
from delegations.models import Delegation
from tests.conftest import make_member

pytestmark = pytest.mark.e2e

# Several sentences each, with numbers, decimals, punctuation, an e-mail address and
# a web address: where Chromium's word rules differ from the system ICU's.
TEXTS = {
    "th": (
        "ชุมชนบ้านมั่นคงเลือกหมวดหมู่สังคมสูงวัยและการจัดการขยะเป็นอันดับแรก "
        "เพราะผู้สูงอายุในชุมชนเพิ่มขึ้นเป็นร้อยละ 25.5 ของประชากรในปี พ.ศ. 2569 "
        "เราจะจัดตั้งศูนย์ดูแลผู้สูงอายุประจำตำบล 3 แห่ง และอบรมอาสาสมัคร 120 คน ภายใน 12 เดือน! "
        "งบประมาณที่ต้องการคือ 1,500,000 บาท (หนึ่งล้านห้าแสนบาท) "
        "น้ำสะอาดก็สำคัญ: ในฤดูฝนน้ำท่วมบ่อยครั้ง ชาวบ้านต้องซื้อน้ำดื่มวันละ ๒ ถัง "
        "ติดต่อศูนย์สุขภาพชุมชนได้ที่ somchai@example.org หรือ https://example.org/ban-mankong ฯลฯ"
    ),
    "vi": (
        "Tỉnh Điện Biên ưu tiên chăm sóc sức khỏe người cao tuổi. Năm 2026, người trên 60 "
        "tuổi chiếm 12,5% dân số; đến năm 2030 sẽ là 15%. Chúng tôi đề xuất: (1) mở 3 trạm "
        "y tế xã; (2) đào tạo 120 cộng tác viên – mỗi người 5 ngày. Kinh phí dự kiến "
        "1.500.000.000 đồng! Liên hệ: Sở Y tế, nguyen.van.a@example.vn, www.dienbien.gov.vn."
    ),
    "fr": (
        "Le budget santé communautaire dépend à 80 % des partenaires. L'ONG locale n'est pas "
        "financée ; aujourd'hui, 15 000 € manquent pour 2026–2027. « Plaidoyer » auprès du "
        "ministère des Finances : 3,5 jours par an, c.-à-d. trop peu ! Qu'en pensent les "
        "districts ? Réunion le 12/12/2026 à 14 h 30 (contact : awa.diop@example.sn, "
        "www.sante.gouv.sn)."
    ),
}
# Chromium's counts (measured here, Chromium 156). Splitting on spaces gives 29, 64
# and 56; the system ICU's unchanged word rules 101, 63 and 52.
COUNTS = {"th": 105, "vi": 70, "fr": 58}


def page_count_words_source():
    """The page's word counter as it ships: its segmenter and ``countWords``."""
    source = (Path(settings.BASE_DIR) / "static" / "portal" / "editor" / "limits.js").read_text()
    segmenter = re.search(r"^ *const segmenter = .*$", source, re.M)
    count_words = re.search(
        r"^( *)export function (countWords\(text\) \{.*?^\1\})", source, re.M | re.S
    )
    assert segmenter and count_words, "countWords or its segmenter moved in limits.js"
    return f"{segmenter[0]}\nfunction {count_words[2]}"


@pytest.fixture
def browser_words(browser):
    """``(count, words)`` of a text as the page finds them, in a browser whose locale
    is ``language`` (the page's segmenter takes the browser's default locale)."""
    contexts = []
    script = (
        "(text) => {\n" + page_count_words_source() + "\n"
        "return [countWords(text), Array.from(segmenter.segment(text))"
        ".filter((part) => part.isWordLike).map((part) => part.segment)];\n}"
    )

    def run(text, language):
        context = browser.new_context(locale=language)
        contexts.append(context)
        return tuple(context.new_page().evaluate(script, text))

    yield run
    for context in contexts:
        context.close()


@pytest.mark.parametrize("language", TEXTS)
def test_server_word_count_equals_the_page_count(browser_words, language):
    text = TEXTS[language]
    assert (word_count(text, language), browser_words(text, language)[0]) == (
        COUNTS[language],
        COUNTS[language],
    )


@pytest.mark.parametrize("language", TEXTS)
def test_server_finds_the_words_the_page_finds(browser_words, language):
    text = TEXTS[language]
    assert split_words(text, language) == browser_words(text, language)[1]


@pytest.mark.parametrize("locale", ["en-US", "fr", "vi"])
def test_page_count_of_thai_does_not_depend_on_the_browser_locale(browser_words, locale):
    assert browser_words(TEXTS["th"], locale)[0] == word_count(TEXTS["th"], "th")


@pytest.fixture
def thai_member(workshop):
    delegation = Delegation.objects.create(
        workshop=workshop, name="ชุมชนบ้านมั่นคง", slug="ban-mankong", language="th"
    )
    return delegation, make_member("somchai", delegation)


@pytest.mark.django_db(transaction=True)
def test_board_shows_the_word_count_the_page_shows(
    login_context, live_server, thai_member, organiser, session
):
    delegation, member = thai_member
    page = login_context(member).new_page()
    page.goto(
        live_server.url
        + reverse(
            "summaries:summary",
            kwargs={
                "workshop": session.workshop.slug,
                "delegation": delegation.slug,
                "session": session.code,
            },
        )
    )
    page.fill("#id_q1-text", TEXTS["th"])
    # The interface may be in Thai: wait for the state, not its wording.
    expect(page.locator("#question-1")).to_have_attribute("data-state", "saved")
    expect(page.locator("#question-1 [data-role=words]")).to_have_text(str(COUNTS["th"]))

    board = login_context(organiser).new_page()
    board.goto(live_server.url + reverse("summaries:board", args=[session.workshop.slug]))
    expect(
        board.locator(f"#row-{delegation.slug} td[data-session={session.code}]")
    ).to_contain_text(re.compile(rf"\b{COUNTS['th']} words\b"))
