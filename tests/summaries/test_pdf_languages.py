"""The action plan and TA request PDFs in the delegation's language, all of it: labels
from the catalogue, dates and amounts in that language's formats, and a text layer
from which every Thai word can be copied and found (``pdftotext``), sara am included.

The plans are real: answers, actions and TA requests written through the services
the pages use, actions drafted from the answers, rendered by the portal's renderer.
"""

import datetime as dt
import re
import subprocess
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext, pgettext
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from common.text import split_words
from delegations.models import Delegation
from sessions.models import GuidanceQuestion, InterventionArea, Session
from summaries import services
from summaries.models import ActionItem, TARequest
from summaries.pdf import labels, plan_document, render_document
from tests.common.test_pdf_text_layer import shown_codes, to_unicode
from tests.conftest import make_member
from tests.factories import make_workshop

from .conftest import write_answers

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 12, 8, 30, tzinfo=dt.UTC)

# Sara am (ำ), the four tone marks (่ ้ ๊ ๋), ฤ, above and below vowels; ตาม and
# อายุ after words with ำ, whose glyph they share.
THAI_ANSWERS = {
    1: (
        "ชุมชนเลือกหมวดหมู่สังคมสูงวัยและการจัดการขยะเป็นอันดับแรก เพราะผู้สูงอายุในชุมชน"
        "เพิ่มขึ้นทุกปี และน้ำสะอาดกำลังขาดแคลนในฤดูแล้ง\n"
        "ป้าจ๋าทำงานประจำที่ศูนย์สุขภาพ ก๊าซหุงต้มก็แพงขึ้น ตามที่อาสาสมัครรายงาน"
    ),
    # Longer than a drafted title (120 characters): cut between two Thai words.
    2: (
        "จัดตั้งศูนย์ดูแลผู้สูงอายุประจำตำบลและอบรมอาสาสมัครเรื่องโภชนาการ ก่อนฤดูฝน "
        "ร่วมมือกับโรงพยาบาลส่งเสริมสุขภาพตำบลและเทศบาลเพื่อให้บริการตรวจสุขภาพประจำปี"
        "แก่ผู้สูงอายุทุกคนในชุมชน"
    ),
    3: "ต้องการผู้เชี่ยวชาญด้านการคัดแยกขยะและการทำปุ๋ยหมักจากเศษอาหารในครัวเรือน",
}
THAI_ACTION = {
    "title": "จัดการขยะในชุมชนอย่างยั่งยืน",
    "description": "คัดแยกขยะที่ต้นทาง ทำปุ๋ยหมัก และตั้งธนาคารขยะ",
    "milestone": "ธนาคารขยะเปิดทำการ",
    "start_month": 2,
    "end_month": 8,
    "responsible": "คณะกรรมการชุมชน",
    "partners": "เทศบาล, โรงพยาบาลส่งเสริมสุขภาพตำบล",
    "resources_needed": "ถังขยะ ๓ สี และค่าอบรม",
    "estimated_cost": Decimal("1234567.50"),
    "currency": "THB",
}
THAI_TA = {
    "title": "ผู้เชี่ยวชาญด้านปุ๋ยหมัก",
    "need": "อบรมการทำปุ๋ยหมักให้แกนนำ ๒๐ คน",
    "kind": "training",
    "preferred_provider": "มหาวิทยาลัยเกษตรศาสตร์",
    "timeframe_months": 6,
    "estimated_cost": Decimal("85000.00"),
    "currency": "THB",
    "priority": "high",
}
VIETNAMESE_ANSWERS = {
    1: "Tỉnh ưu tiên chăm sóc sức khỏe người cao tuổi; tỷ lệ người trên 60 tuổi tăng nhanh.",
    2: "Thành lập câu lạc bộ người cao tuổi ở mỗi xã và tập huấn cộng tác viên y tế.",
    3: "Cần chuyên gia về tài chính y tế cơ sở.",
}
VIETNAMESE_ACTION = {
    "title": "Mở rộng mạng lưới chăm sóc người cao tuổi tại cộng đồng",
    "description": "Tập huấn 120 cộng tác viên y tế thôn bản.",
    "milestone": "120 cộng tác viên được tập huấn",
    "start_month": 2,
    "end_month": 8,
    "responsible": "Sở Y tế tỉnh Điện Biên",
    "partners": "UNFPA, Hội Người cao tuổi",
    "resources_needed": "Tài liệu tập huấn bằng tiếng Việt",
    "estimated_cost": Decimal("1500000000.00"),
    "currency": "VND",
}
VIETNAMESE_TA = {
    "title": "Hỗ trợ kỹ thuật về tài chính y tế",
    "need": "Ước tính chi phí gói dịch vụ y tế cơ sở.",
    "kind": "training",
    "preferred_provider": "WHO Việt Nam",
    "timeframe_months": 9,
    "estimated_cost": Decimal("45000.00"),
    "currency": "USD",
    "priority": "high",
}


@pytest.fixture
def workshop_th_vi(db):
    """A workshop in Thai, Vietnamese and English, with its questions and areas in all."""
    workshop = make_workshop(
        title_en="Community health forum",
        title_th="เวทีสุขภาพชุมชน",
        title_vi="Diễn đàn sức khỏe cộng đồng",
        slug="forum",
        start_date=dt.date(2026, 12, 10),
        end_date=dt.date(2026, 12, 12),
        venue_en="Bangkok",
        venue_th="กรุงเทพมหานคร",
        venue_vi="Băng Cốc",
        time_zone="Asia/Bangkok",
        languages="th,vi,en",
        default_language="en",
    )
    session = Session.objects.create(
        workshop=workshop,
        code="C1",
        title_en="Priorities and actions",
        title_th="ลำดับความสำคัญและมาตรการ",
        title_vi="Ưu tiên và hành động",
        status=Session.Status.OPEN,
    )
    feeds = {
        1: GuidanceQuestion.Feeds.NOTHING,
        2: GuidanceQuestion.Feeds.ACTION_PLAN,
        3: GuidanceQuestion.Feeds.TA_REQUEST,
    }
    for number, feed in feeds.items():
        GuidanceQuestion.objects.create(
            session=session,
            number=number,
            order=number,
            text_en=f"Question {number}?",
            text_th=f"คำถามที่ {number} ของชุมชน?",
            text_vi=f"Câu hỏi {number} của tỉnh?",
            feeds=feed,
        )
    InterventionArea.objects.create(
        code="ageing",
        order=1,
        name_en="Ageing society",
        name_th="สังคมสูงวัย",
        name_vi="Xã hội già hóa",
    )
    return workshop


def make_plan(workshop, *, name, slug, language, answers, action, ta):
    """A delegation writing in ``language``: answers, one action, one TA request
    linked to it, and the items drafted from the answers by ``plan_prefill``."""
    delegation = Delegation.objects.create(
        workshop=workshop, name=name, slug=slug, kind="community", language=language
    )
    user = make_member(slug, delegation)
    write_answers(delegation, workshop.sessions.get(), user, answers, language)
    area = InterventionArea.objects.get(code="ageing")
    created = services.plan_item_create(
        delegation=delegation,
        kind="action",
        data={**action, "intervention_area": area, "language": language},
        user=user,
    )
    services.plan_item_create(
        delegation=delegation,
        kind="ta",
        data={**ta, "intervention_area": area, "action": created, "language": language},
        user=user,
    )
    services.plan_prefill(delegation=delegation, user=user)
    return delegation


@pytest.fixture
def thai_plan(workshop_th_vi):
    return make_plan(
        workshop_th_vi,
        name="ชุมชนบ้านมั่นคง",
        slug="ban-mankong",
        language="th",
        answers=THAI_ANSWERS,
        action=THAI_ACTION,
        ta=THAI_TA,
    )


@pytest.fixture
def vietnamese_plan(workshop_th_vi):
    return make_plan(
        workshop_th_vi,
        name="Tỉnh Điện Biên",
        slug="dien-bien",
        language="vi",
        answers=VIETNAMESE_ANSWERS,
        action=VIETNAMESE_ACTION,
        ta=VIETNAMESE_TA,
    )


def render(delegation, kind, language=None):
    doc = plan_document(delegation=delegation, language=language, now=NOW)
    return render_document(doc, kind).content


def pdftotext(pdf, *options):
    result = subprocess.run(
        ["pdftotext", *options, "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode()


def flat(text):
    """Whitespace-insensitive form: line wraps in the PDF become single spaces."""
    return " ".join(text.split())


def squeeze(text):
    """Without whitespace: a Thai label wrapped in a table cell has no space to lose."""
    return "".join(text.split())


def expected_labels(kind, language):
    """The labels ``kind`` shows, as the catalogue of ``language`` gives them (and,
    with ``language="en"``, the English source texts)."""
    with translation.override(language):
        common = [
            gettext("DRAFT"),
            gettext("Workshop"),
            gettext("Dates"),
            gettext("Venue"),
            gettext("Delegation"),
            gettext("Document language"),
            gettext("Generated"),
            gettext("Status"),
            gettext("Draft — not final"),
            gettext("Session summaries"),
            gettext("Not submitted yet"),
            gettext("Drafted from"),
            # Drafted from the answer to question 2 (an action) or 3 (a TA request).
            gettext("Session %(session)s, question %(number)s")
            % {"session": "C1", "number": 2 if kind == "action_plan" else 3},
        ]
        if kind == "action_plan":
            return [
                *common,
                gettext("Action plan"),
                gettext("Actions by intervention area"),
                pgettext("plan item", "Action"),
                gettext("Months"),
                gettext("Total estimated cost"),
                gettext("No intervention area"),
                gettext("Actions in detail"),
                gettext("Months %(start)s–%(end)s") % {"start": 2, "end": 8},
                gettext("Months %(start)s–%(end)s of %(horizon)s")
                % {"start": 2, "end": 8, "horizon": 24},
                *(
                    str(labels.ACTION[name])
                    for name in ActionItem.EDITABLE_FIELDS
                    if name not in ("title", "currency", "end_month", "start_month")
                ),
            ]
        return [
            *common,
            gettext("TA requests"),
            gettext("Overview"),
            *(
                str(labels.TA_REQUEST[name])
                for name in TARequest.EDITABLE_FIELDS
                if name not in ("title", "currency")
            ),
            str(TARequest.Kind.TRAINING.label),
            str(TARequest.Priority.HIGH.label),
        ]


def page_label(language, page, pages):
    with translation.override(language):
        return gettext("Page %(page)s of %(pages)s") % {"page": page, "pages": pages}


PLANS = pytest.mark.parametrize(
    "plan, language",
    [("thai_plan", "th"), ("vietnamese_plan", "vi")],
    indirect=["plan"],
)
KINDS = pytest.mark.parametrize("kind", ["action_plan", "ta_requests"])


@pytest.fixture
def plan(request):
    return request.getfixturevalue(request.param)


def pdf_pages(pdf):
    return len(PdfReader(BytesIO(pdf)).pages)


# --- labels, dates and amounts in the document's language --------------------------


@pytest.mark.parametrize("language", ["th", "vi"])
@KINDS
def test_catalogue_translates_every_label(language, kind):
    """Without it the tests below could not tell a translated label from English."""
    pairs = zip(expected_labels(kind, language), expected_labels(kind, "en"), strict=True)
    assert [english for label, english in pairs if label == english] == []


@PLANS
@KINDS
def test_pdf_shows_the_labels_of_the_document_language(plan, language, kind):
    pdf = render(plan, kind)
    text = squeeze(pdftotext(pdf))
    expected = [*expected_labels(kind, language), page_label(language, 1, pdf_pages(pdf))]
    assert [label for label in expected if squeeze(label) not in text] == []


@PLANS
@KINDS
def test_pdf_shows_no_english_label(plan, language, kind):
    pdf = render(plan, kind)
    text = squeeze(pdftotext(pdf))
    english = [*expected_labels(kind, "en"), page_label("en", 1, pdf_pages(pdf))]
    assert [label for label in english if squeeze(label) in text] == []


@pytest.mark.parametrize(
    "plan, kind, shown",
    [
        ("thai_plan", "action_plan", ["10 ธันวาคม 2026", "1,234,567.50 THB"]),
        ("thai_plan", "ta_requests", ["12 ธันวาคม 2026", "85,000.00 THB"]),
        ("vietnamese_plan", "action_plan", ["Ngày 10 tháng 12 năm 2026", "1.500.000.000,00 VND"]),
        ("vietnamese_plan", "ta_requests", ["Ngày 12 tháng 12 năm 2026", "45.000,00 USD"]),
    ],
    indirect=["plan"],
)
def test_pdf_dates_and_amounts_in_the_document_language(plan, kind, shown):
    text = flat(pdftotext(render(plan, kind)))
    assert [value for value in shown if value not in text] == []


def test_dates_and_amounts_follow_django_formats():
    """The values above are Django's vi and th formats, not ours."""
    with translation.override("vi"):
        vietnamese = (
            formats.date_format(dt.date(2026, 12, 10), "DATE_FORMAT"),
            labels.money(Decimal("1500000000"), "VND"),
        )
    with translation.override("th"):
        thai = (
            formats.date_format(dt.date(2026, 12, 10), "DATE_FORMAT"),
            labels.money(Decimal("1234567.5"), "THB"),
        )
    assert (vietnamese, thai) == (
        ("Ngày 10 tháng 12 năm 2026", "1.500.000.000,00 VND"),
        ("10 ธันวาคม 2026", "1,234,567.50 THB"),
    )


@KINDS
def test_lang_gives_another_workshop_language(thai_plan, kind):
    pdf = render(thai_plan, kind, language="vi")
    text = squeeze(pdftotext(pdf))
    thai_labels = set(expected_labels(kind, "th")) - set(expected_labels(kind, "vi"))
    assert (
        [label for label in expected_labels(kind, "vi") if squeeze(label) not in text],
        [label for label in thai_labels if squeeze(label) in text],
    ) == ([], [])


@pytest.mark.django_db(transaction=True)
def test_download_with_lang_is_in_that_language(client, thai_plan):
    from django.core.management import call_command

    client.force_login(thai_plan.memberships.get().user)
    url = reverse(
        "summaries:document",
        kwargs={"workshop": "forum", "delegation": thai_plan.slug, "kind": "action_plan"},
    )
    client.get(url + "?lang=vi")  # asks a worker for it
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    response = client.get(url + "?lang=vi")
    with translation.override("vi"):
        label = gettext("Action plan")
    assert (response.status_code, label in flat(pdftotext(response.content))) == (200, True)


# --- the items drafted from the answers -------------------------------------------


def test_drafted_title_is_cut_between_two_thai_words(thai_plan):
    title = ActionItem.objects.get(delegation=thai_plan, prefilled=True).title
    # Cut at 119 characters, as drafting did before, it ended inside เทศบาล ("เทศ…").
    assert (title, len(title)) == (
        "จัดตั้งศูนย์ดูแลผู้สูงอายุประจำตำบลและอบรมอาสาสมัครเรื่องโภชนาการ ก่อนฤดูฝน "
        "ร่วมมือกับโรงพยาบาลส่งเสริมสุขภาพตำบลและ…",
        117,
    )


# --- the text layer: every Thai word can be found -----------------------------------


def strings(item):
    """What a person typed into ``item`` (not its choices)."""
    return [
        value
        for name, value in item.items()
        if isinstance(value, str) and name not in ("kind", "priority")
    ]


# What the Thai delegation typed that each document shows: the action plan all its
# answers and its actions; the TA requests document its requests, the answer they
# draw on and the linked action's title.
THAI_SHOWN = {
    "action_plan": [*THAI_ANSWERS.values(), *strings(THAI_ACTION)],
    "ta_requests": [THAI_ANSWERS[3], *strings(THAI_TA), THAI_ACTION["title"]],
}
THAI_SCRIPT = re.compile("[\u0e00-\u0e7f]")


def thai_words(texts):
    words = {word for text in texts for word in split_words(text, "th")}
    return sorted(word for word in words if THAI_SCRIPT.search(word))


def test_thai_words_have_sara_am_tone_marks_and_ru():
    text = "".join(thai_words(THAI_SHOWN["action_plan"]))
    assert [mark for mark in "ำ่้๊๋ฤ" if mark not in text] == []


@KINDS
def test_pdftotext_finds_every_thai_word(thai_plan, kind):
    text = pdftotext(render(thai_plan, kind))
    assert [word for word in thai_words(THAI_SHOWN[kind]) if word not in text] == []


@KINDS
def test_pdftotext_finds_every_line_the_delegation_wrote(thai_plan, kind):
    text = squeeze(pdftotext(render(thai_plan, kind)))
    lines = [line for value in THAI_SHOWN[kind] for line in value.splitlines()]
    assert [line for line in lines if squeeze(line) not in text] == []


def advance(font, code):
    """The advance width of the glyph ``code`` draws in ``font`` (a Type 0 font)."""
    descendant = font["/DescendantFonts"][0].get_object()
    gids = descendant["/CIDToGIDMap"]
    gid = code
    if gids != "/Identity":
        gid = int.from_bytes(gids.get_object().get_data()[2 * code : 2 * code + 2], "big")
    font_file = TTFont(BytesIO(descendant["/FontDescriptor"]["/FontFile2"].get_data()))
    return font_file["hmtx"][font_file.getGlyphOrder()[gid]][0]


@PLANS
@KINDS
def test_every_shown_glyph_has_a_unicode_mapping(plan, language, kind):
    """Every code the pages show is in its font's ToUnicode map, and the only codes
    read as no text are zero-advance marks whose cluster's letter carries the text
    (WeasyPrint 70 alone left 25 glyphs of a Thai plan without text)."""
    fonts, shown = shown_codes(render(plan, kind))
    unmapped, textless = [], []
    for name, font in fonts.items():
        mapping = to_unicode(font)
        codes = {code for font_name, code in shown if font_name == name}
        unmapped += [(name, code) for code in sorted(codes - mapping.keys())]
        textless += [
            (name, code)
            for code in sorted(codes & mapping.keys())
            if mapping[code] == "" and advance(font, code)
        ]
    assert (unmapped, textless) == ([], [])


@KINDS
def test_shown_glyphs_read_back_as_what_the_delegation_wrote(thai_plan, kind):
    """The ToUnicode text of every code shown, in drawing order, holds each line the
    delegation wrote, whatever an extractor's layout heuristics then make of it
    (WeasyPrint 70 alone read ประจำ as ประจา: the sara-aa glyph inside ำ is า's)."""
    fonts, shown = shown_codes(render(thai_plan, kind))
    maps = {name: to_unicode(font) for name, font in fonts.items()}
    read_back = squeeze("".join(maps[font].get(code, "\ufffd") for font, code in shown))
    lines = [line for value in THAI_SHOWN[kind] for line in value.splitlines()]
    assert [line for line in lines if squeeze(line) not in read_back] == []
