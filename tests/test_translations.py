"""The interface is translated: catalogues complete, and no portal page left in English.

The page test renders every portal page in French, Vietnamese and Thai and looks for
the English text of every catalogue entry among the page's texts (text nodes and the
attributes people read or hear): a hit whose catalogue translation differs from the
English is interface text that did not go through the catalogue (a string outside
gettext, a wrong context, a catalogue not compiled). It reads the catalogues, not a
list of strings, so a new page string is checked as soon as it is translated.
"""

import ast
import datetime as dt
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import trans_real

from delegations.models import Delegation, LanguagePreference
from sessions.models import GuidanceQuestion, Session
from summaries import services
from summaries.models import ActionItem
from tests.conftest import make_member, make_staff
from tests.factories import make_workshop

LOCALE = Path(settings.BASE_DIR) / "locale"
TRANSLATED = ["fr", "vi", "th"]

# Entries the code uses that the catalogues do not hold yet (they are listed for the
# translators); until they arrive, the page shows their English and this test lets
# exactly that text pass, for the languages whose catalogue lacks the entry.
AWAITING_TRANSLATION = []

# Attributes whose text is shown or read aloud.
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "label"}


# --- catalogues ---------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_is_complete(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d+ translated messages\.\n", result.stderr), result.stderr


def po_entries(language_or_path):
    """The entries of ``language``'s ``.po`` file: ``(context, msgid, msgid_plural,
    [msgstr, ...])``, without the header, obsolete and fuzzy entries (Django uses
    neither)."""
    entries, entry, field, fuzzy = [], {}, None, False

    def close():
        nonlocal entry, fuzzy
        if entry.get("msgid") and not fuzzy:
            forms = [text for key, text in sorted(entry.items()) if key.startswith("msgstr")]
            entries.append(
                (entry.get("msgctxt", ""), entry["msgid"], entry.get("msgid_plural"), forms)
            )
        entry, fuzzy = {}, False

    po = (
        language_or_path
        if isinstance(language_or_path, Path)
        else LOCALE / language_or_path / "LC_MESSAGES" / "django.po"
    )
    for line in po.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        if not line or line.startswith("#"):
            if not line and entry:
                close()
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")$", line)
        if match:
            field = match[1]
            if field in ("msgctxt", "msgid") and any(key.startswith("msgstr") for key in entry):
                close()  # an entry that follows another without a blank line
            entry[field] = ast.literal_eval(match[2])
        elif line.startswith('"') and field:
            entry[field] += ast.literal_eval(line)
    close()
    return entries


PLACEHOLDER = r"%\(\w+\)[sd]|%[sd]|\{\w*\}"


def django_entries(language):
    """Django's own entries that a portal page can show (form widgets, validation
    messages), with their translation in ``language`` (Django's catalogue, overridden
    by the portal's): ``(context, msgid, msgid_plural, [msgstr])``. The English text
    of an entry Django translates into French but not into ``language`` stays: it
    needs a translation in the portal's catalogue."""
    po = Path(django.__file__).parent / "conf" / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    catalog = trans_real.translation(language)._catalog  # Django's and the portal's, merged
    entries = []
    for context, msgid, plural, _forms in po_entries(po):
        key = f"{context}\x04{msgid}" if context else msgid
        forms = [catalog[(key, n)] for n in range(3) if (key, n) in catalog] if plural else []
        if not plural and key in catalog:
            forms = [catalog[key]]
        entries.append((context, msgid, plural, forms))
    return entries


def english_patterns(language):
    """``(regex, msgid)`` for each English text of the catalogue that no translation
    of it reads the same (so it cannot be the translation showing).

    Placeholders match any text; an entry of one or two words must be a whole text
    (a button, a label, a badge), a longer one may be part of a sentence."""
    entries = po_entries(language)
    present = {(context, msgid) for context, msgid, _plural, _forms in entries}
    entries += [entry for entry in django_entries(language) if entry[:2] not in present]
    waiting_keys = {key for key in AWAITING_TRANSLATION if key not in present}
    waiting = {msgid for _context, msgid in waiting_keys}
    translations = {" ".join(text.split()) for *_rest, forms in entries for text in forms}
    patterns = []
    for context, msgid, plural, _forms in entries:
        if (context, msgid) in waiting_keys:
            continue
        for english in (msgid, plural):
            english = " ".join((english or "").split())
            words = re.findall(r"[A-Za-z]+", re.sub(PLACEHOLDER, "", english))
            if not words or english in translations or english in waiting:
                continue
            body = ".+?".join(re.escape(part) for part in re.split(PLACEHOLDER, english))
            patterns.append((re.compile(rf"^{body}$" if len(words) <= 2 else body), english))
    return patterns


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class PageTexts(HTMLParser):
    """The interface texts of a page: text nodes (split at the " · " separators the
    pages use) and the attributes in ``READ_ATTRIBUTES``, in the page's language.
    Text inside an element whose ``lang`` is another language (the switcher's
    "English", a delegation's own words) is that language's, not the interface's;
    scripts and styles are not read."""

    def __init__(self, language):
        super().__init__(convert_charrefs=True)
        self.texts = []
        self._stack = [("", language, False)]  # (tag, lang, skipped)

    def _reading(self, lang):
        return lang.split("-")[0] == self._stack[0][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        _parent, lang, skipped = self._stack[-1]
        lang = attrs.get("lang") or lang
        skipped = skipped or tag in {"script", "style", "template"}
        if not skipped and self._reading(lang):
            for name, value in attrs.items():
                if value and (name in READ_ATTRIBUTES or name.startswith("data-msg-")):
                    self.texts.append(" ".join(value.split()))
        if tag not in VOID:
            self._stack.append((tag, lang, skipped))

    def handle_endtag(self, tag):
        for depth in range(len(self._stack) - 1, 0, -1):
            if self._stack[depth][0] == tag:
                del self._stack[depth:]
                break

    def handle_data(self, data):
        _tag, lang, skipped = self._stack[-1]
        if skipped or not self._reading(lang):
            return
        for piece in re.split(r"[·|—]", data):
            piece = " ".join(piece.split()).strip(" :()")
            if piece:
                self.texts.append(piece)


def english_left(html, language):
    parser = PageTexts(language)
    parser.feed(html)
    left = set()
    for text in parser.texts:
        for pattern, msgid in english_patterns_cached(language):
            if pattern.search(text):
                left.add((msgid, text))
    return sorted(left)


_patterns = {}


def english_patterns_cached(language):
    if language not in _patterns:
        _patterns[language] = english_patterns(language)
    return _patterns[language]


# --- the pages ----------------------------------------------------------------------


TEXTS = {
    "title": {
        "en": "Regional workshop",
        "fr": "Atelier régional",
        "vi": "Hội thảo khu vực",
        "th": "การประชุมระดับภูมิภาค",
    },
    "session": {
        "en": "Mobilizing resources",
        "fr": "Mobiliser les ressources",
        "vi": "Huy động nguồn lực",
        "th": "การระดมทรัพยากร",
    },
    "guidance": {
        "en": "Each delegation takes 30 minutes.",
        "fr": "Chaque délégation prend 30 minutes.",
        "vi": "Mỗi đoàn có 30 phút.",
        "th": "แต่ละคณะมีเวลา 30 นาที",
    },
    "question": {
        "en": "Who finances community health?",
        "fr": "Qui finance la santé communautaire ?",
        "vi": "Ai tài trợ cho y tế cộng đồng?",
        "th": "ใครเป็นผู้สนับสนุนงบประมาณสุขภาพชุมชน",
    },
}
DELEGATIONS = {"fr": "Sénégal", "vi": "Cao Bằng", "th": "ลาดพร้าว"}


def translated(key, field):
    return {f"{field}_{code}": text for code, text in TEXTS[key].items()}


@pytest.fixture
def world(db):
    """A four-language workshop, one delegation per translated language with an
    answer, an action and a TA request, one that has not started, and an organiser."""
    workshop = make_workshop(
        **translated("title", "title"),
        slug="regional",
        start_date=dt.date(2026, 11, 23),
        end_date=dt.date(2026, 11, 25),
        time_zone="Asia/Bangkok",
        languages="en,fr,vi,th",
    )
    session = Session.objects.create(
        workshop=workshop,
        code="V",
        **translated("session", "title"),
        **translated("guidance", "guidance"),
        status=Session.Status.OPEN,
        deadline=timezone.now() + dt.timedelta(days=2),
    )
    question = GuidanceQuestion.objects.create(
        session=session,
        number=1,
        feeds=GuidanceQuestion.Feeds.ACTION_PLAN,
        **translated("question", "text"),
    )
    Session.objects.create(
        workshop=workshop,
        code="D3",
        kind=Session.Kind.ACTION_PLANNING,
        day=3,
        title_en="Day 3",
        title_fr="Jour 3",
        title_vi="Ngày 3",
        title_th="วันที่ 3",
        status=Session.Status.OPEN,
    )
    members = {}
    for language, name in DELEGATIONS.items():
        delegation = Delegation.objects.create(
            workshop=workshop, name=name, slug=f"d-{language}", language=language
        )
        member = make_member(f"member-{language}", delegation)
        services.answer_save(
            delegation=delegation,
            question=question,
            data=services.AnswerInput(
                text=TEXTS["question"][language], discussed=True, language=language, base_version=0
            ),
            user=member,
        )
        services.plan_item_create(
            delegation=delegation, kind="action", data={"title": name}, user=member
        )
        services.plan_item_create(
            delegation=delegation, kind="ta", data={"title": name}, user=member
        )
        members[language] = member
    # A delegation that has not started: the board's "not started" cells.
    Delegation.objects.create(workshop=workshop, name="Ghana", slug="ghana", language="en")
    organiser = make_staff("olga", "Organisers")
    return {"workshop": workshop, "session": session, "members": members, "organiser": organiser}


def member_pages(language):
    base = {"workshop": "regional", "delegation": f"d-{language}"}
    summary = {**base, "session": "V"}
    item = ActionItem.objects.get(delegation__slug=f"d-{language}")
    return {
        "home": reverse("home"),
        "workshop": reverse("workshop", kwargs={"workshop": "regional"}),
        "delegation": reverse("summaries:delegation", kwargs=base),
        "summary": reverse("summaries:summary", kwargs=summary),
        "answer history": reverse("summaries:answer_history", kwargs={**summary, "number": 1}),
        "plan": reverse("summaries:plan", kwargs=base),
        "plan item history": reverse(
            "summaries:plan_item_history", kwargs={**base, "kind": "action", "pk": item.pk}
        ),
    }


def organiser_pages():
    workshop = {"workshop": "regional"}
    return {
        "workshop (organiser)": reverse("workshop", kwargs=workshop),
        "session overview": reverse("summaries:session", kwargs={**workshop, "session": "V"}),
        "board": reverse("summaries:board", kwargs=workshop),
        "board grid": reverse("summaries:board_grid", kwargs=workshop),
        "compare": reverse("summaries:compare", kwargs={**workshop, "session": "V", "number": 1}),
        "exports": reverse("summaries:exports", kwargs=workshop),
        "preview": reverse("summaries:session_preview", kwargs={**workshop, "session": "V"}),
        "delegation (organiser)": reverse(
            "summaries:delegation", kwargs={**workshop, "delegation": "d-th"}
        ),
    }


def signed_in(user, language):
    """A member who chose ``language`` (kept on the account); staff choose with the
    cookie."""
    LanguagePreference.objects.update_or_create(user=user, defaults={"language": language})
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def rendered(client, url, language):
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    assert response.headers["Content-Language"] == language, url
    return response.text


@pytest.mark.parametrize("language", TRANSLATED)
def test_member_pages_have_no_english_left(world, language):
    client = signed_in(world["members"][language], language)
    left = {
        name: english_left(rendered(client, url, language), language)
        for name, url in member_pages(language).items()
    }
    assert {name: found for name, found in left.items() if found} == {}


@pytest.mark.parametrize("language", TRANSLATED)
def test_organiser_pages_have_no_english_left(world, language):
    client = signed_in(world["organiser"], language)
    left = {
        name: english_left(rendered(client, url, language), language)
        for name, url in organiser_pages().items()
    }
    assert {name: found for name, found in left.items() if found} == {}


@pytest.mark.parametrize("language", TRANSLATED)
def test_sign_in_page_has_no_english_left(db, language):
    html = rendered(Client(HTTP_ACCEPT_LANGUAGE=language), reverse("login"), language)
    assert english_left(html, language) == []


def test_english_pages_render(world):
    # English has no catalogue: the pages must render, in English, for the same users.
    member = signed_in(world["members"]["th"], "en")
    for url in member_pages("th").values():
        assert '<html lang="en">' in rendered(member, url, "en")
    organiser = signed_in(world["organiser"], "en")
    for url in organiser_pages().values():
        rendered(organiser, url, "en")


def test_check_finds_english_on_a_page():
    # The check itself: English interface text on a Thai page is found; its Thai and
    # text marked as English are not.
    html = (
        '<button title="Sign out">ออกจากระบบ</button><span>Earlier versions</span>'
        '<p lang="en">Earlier versions are English here</p>'
    )
    assert english_left(html, "th") == [
        ("Earlier versions", "Earlier versions"),
        ("Sign out", "Sign out"),
    ]


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "2 minutes"), ("vi", "2 phút"), ("th", "2 นาที")],
)
def test_the_boards_time_since_is_translated(language, expected):
    # Django 6.1's own vi and th catalogues miss these strings; the portal's carry them.
    from django.utils import translation
    from django.utils.timesince import timesince

    now = timezone.now()
    with translation.override(language):
        # timesince joins the number and the unit with a no-break space.
        assert timesince(now - dt.timedelta(minutes=2), now) == expected.replace(" ", "\xa0")
