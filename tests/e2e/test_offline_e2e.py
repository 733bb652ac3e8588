"""Text typed on the summary page outlives the tab, whatever ends it (issue 12).

The browser keeps a copy of every change until the server confirms exactly that text:
in localStorage from the keystroke, in IndexedDB on disk a few milliseconds later
(static/portal/editor/drafts.js). These tests end the tab in the nasty ways —
closed within 50 ms of the last keystroke, hung, crashed, the whole browser killed —
and check that the next page restores the text and saves it, and that one tab never
loses or removes what another tab typed. They wait for conditions, never for time.
"""

import os
import re
import signal
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from summaries.models import Answer

pytest_plugins = ["tests.e2e.venue_network"]  # the venue_network fixture
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Waits (at most ``timeout`` ms) until this page sees the copies of ``unit`` hold exactly
# ``want.ls`` in localStorage and ``want.idb`` in IndexedDB (a null: any), and none holds a
# text of ``want.absent``; returns true, or what it saw last. One evaluate and no eval():
# the pages run under a Content-Security-Policy without 'unsafe-eval'.
WAIT_FOR_COPIES_JS = """
async ([unit, want, timeout]) => {
  const prefix = document.querySelector("[data-autosave-root]").dataset.storageKey + ":" + unit;
  const mine = (k) => k === prefix || k.startsWith(prefix + "~");
  const db = await new Promise((ok, ko) => {
    const r = indexedDB.open("workshop-portal-drafts");
    r.onsuccess = () => ok(r.result);
    r.onerror = () => ko(r.error);
  });
  const read = async () => {
    const seen = {ls: [], idb: []};
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (mine(k)) seen.ls.push(JSON.parse(localStorage.getItem(k)).values.text);
    }
    await new Promise((ok) => {
      if (!db.objectStoreNames.contains("drafts")) { ok(); return; }
      const tx = db.transaction("drafts");
      const cursor = tx.objectStore("drafts").openCursor();
      cursor.onsuccess = () => {
        const c = cursor.result;
        if (c) { if (mine(c.key)) seen.idb.push(c.value.values.text); c.continue(); }
      };
      tx.oncomplete = ok;
    });
    seen.ls.sort();
    seen.idb.sort();
    return seen;
  };
  const holds = (texts, wanted) =>
    wanted === null || JSON.stringify(texts) === JSON.stringify([...wanted].sort());
  const deadline = Date.now() + timeout;
  for (;;) {
    const seen = await read();
    const done = holds(seen.ls, want.ls) && holds(seen.idb, want.idb)
      && !seen.ls.concat(seen.idb).some((text) => want.absent.includes(text));
    if (done || Date.now() > deadline) { db.close(); return done || seen; }
    await new Promise((ok) => setTimeout(ok, 50));
  }
}
"""


def summary_url(live_server, delegation, session):
    return live_server.url + reverse(
        "summaries:summary",
        kwargs={
            "workshop": session.workshop.slug,
            "delegation": delegation.slug,
            "session": session.code,
        },
    )


def answer_text(number):
    answer = Answer.objects.filter(question__number=number).first()
    return answer.text if answer else None


def ready(page):
    """The page has read this browser's copies (its fields are editable again)."""
    expect(page.locator("[data-autosave-root]")).not_to_have_attribute("aria-busy", "true")


def wait_for_copies(page, unit, texts=None, *, ls=None, idb=None, absent=(), timeout=5000):
    """Wait until the copies of ``unit`` hold exactly ``texts`` in both stores (or ``ls`` in
    localStorage, ``idb`` in IndexedDB), and none of the ``absent`` texts."""
    want = {
        "ls": texts if texts is not None else ls,
        "idb": texts if texts is not None else idb,
        "absent": list(absent),
    }
    seen = page.evaluate(WAIT_FOR_COPIES_JS, [unit, want, timeout])
    assert seen is True, f"copies of {unit}: {seen}, expected {want}"


def expect_restored_and_saved(page, number, text):
    expect(page.locator("#restored-banner")).to_be_visible()
    expect(page.locator(f"#id_q{number}-text")).to_have_value(text)
    expect(page.locator(f"#question-{number} [data-role=state]")).to_have_text(
        re.compile("Saved at")
    )
    assert answer_text(number) == text
    wait_for_copies(page, f"q{number}", [])


def type_now(page, selector, text):
    """Type ``text`` key by key; returns when the last keystroke has been handled."""
    ready(page)
    page.focus(selector)
    page.keyboard.type(text)
    return time.monotonic()


@pytest.mark.parametrize("network", ["online", "offline"])
def test_page_closed_within_50_ms_of_the_last_keystroke(
    login_context, live_server, member_a, delegation_a, session, venue_network, network
):
    url = summary_url(live_server, delegation_a, session)
    context = login_context(member_a)
    page = venue_network.open_tab(context, "first")
    page.goto(url)
    context.set_offline(network == "offline")
    typed = type_now(page, "#id_q2-text", "Closed the lid at once")
    # No save yet (two seconds of debounce), no IndexedDB commit awaited: only the
    # keystroke's localStorage write can hold the text.
    assert time.monotonic() - typed < 0.05
    venue_network.close_tab(page)
    assert answer_text(2) is None
    context.set_offline(False)
    page = venue_network.open_tab(context, "second")
    page.goto(url)
    expect_restored_and_saved(page, 2, "Closed the lid at once")


def test_tab_hung_then_closed(
    login_context, live_server, member_a, delegation_a, session, venue_network
):
    url = summary_url(live_server, delegation_a, session)
    context = login_context(member_a)
    page = venue_network.open_tab(context, "first")
    page.goto(url)
    type_now(page, "#id_q2-text", "Typed just before the tab froze")
    # The tab's script loops for ever right after the keystroke, and the tab is closed.
    page.evaluate("() => { setTimeout(() => { for (;;) {} }, 0); }")
    venue_network.close_tab(page)
    assert answer_text(2) is None
    page = venue_network.open_tab(context, "second")
    page.goto(url)
    expect_restored_and_saved(page, 2, "Typed just before the tab froze")


def test_tab_crashed(login_context, live_server, member_a, delegation_a, session, venue_network):
    url = summary_url(live_server, delegation_a, session)
    context = login_context(member_a)
    page = venue_network.open_tab(context, "first")
    page.goto(url)
    type_now(page, "#id_q2-text", "Typed just before the tab crashed")
    # The renderer process dies at once (the same as an out-of-memory kill).
    cdp = context.new_cdp_session(page)
    with page.expect_event("crash"):
        cdp.send("Page.navigate", {"url": "chrome://crash", "transitionType": "typed"})
    venue_network.close_tab(page)
    assert answer_text(2) is None
    page = venue_network.open_tab(context, "second")
    page.goto(url)
    expect_restored_and_saved(page, 2, "Typed just before the tab crashed")


def test_two_tabs_of_one_session_offline_keep_both_texts(
    login_context, live_server, member_a, delegation_a, session, venue_network
):
    url = summary_url(live_server, delegation_a, session)
    context = login_context(member_a)
    first = venue_network.open_tab(context, "first")
    second = venue_network.open_tab(context, "second")
    first.goto(url)
    second.goto(url)
    context.set_offline(True)
    first.fill("#id_q2-text", "First tab: the district budget line")
    first.locator("#id_q2-text").blur()
    second.fill("#id_q2-text", "Second tab: the private sector")
    second.locator("#id_q2-text").blur()
    second.fill("#id_q3-text", "Second tab: question three")
    second.locator("#id_q3-text").blur()
    for page, number in ((first, 2), (second, 2), (second, 3)):
        expect(page.locator(f"#question-{number}")).to_have_attribute("data-state", "offline")
    venue_network.close_tab(first)  # the first tab is closed before the network is back
    context.set_offline(False)  # the second tab saves its own texts
    expect(second.locator("#question-2 [data-role=state]")).to_have_text(re.compile("Saved at"))
    expect(second.locator("#question-3 [data-role=state]")).to_have_text(re.compile("Saved at"))
    assert answer_text(2) == "Second tab: the private sector"
    assert answer_text(3) == "Second tab: question three"
    # The second tab removed its own copies, not the first tab's.
    wait_for_copies(second, "q2", ["First tab: the district budget line"])
    wait_for_copies(second, "q3", [])
    venue_network.close_tab(second)

    third = venue_network.open_tab(context, "third")
    third.goto(url)
    expect(third.locator("#restored-banner")).to_be_visible()
    conflict = third.locator("#question-2 [data-role=conflict]")
    expect(conflict).to_be_visible()
    expect(conflict.locator("[data-role=theirs]")).to_have_text("Second tab: the private sector")
    expect(conflict.locator("[data-role=mine]")).to_have_text("First tab: the district budget line")
    conflict.locator("[data-action=merge]").click()
    conflict.locator("[data-action=save-merged]").click()
    expect(third.locator("#question-2 [data-role=state]")).to_have_text(re.compile("Saved at"))
    merged = answer_text(2)
    assert "First tab: the district budget line" in merged
    assert "Second tab: the private sector" in merged
    wait_for_copies(third, "q2", [])
    third.reload()
    ready(third)
    expect(third.locator("#restored-banner")).to_be_hidden()


def test_late_answer_leaves_another_tabs_newer_text(
    login_context, live_server, member_a, delegation_a, session, venue_network
):
    url = summary_url(live_server, delegation_a, session)
    context = login_context(member_a)
    first = venue_network.open_tab(context, "first")
    second = venue_network.open_tab(context, "second")
    first.goto(url)
    second.goto(url)
    venue_network.hold("first")  # the first tab's save is slow to come back
    first.fill("#id_q2-text", "Older text from the first tab")
    first.locator("#id_q2-text").blur()
    venue_network.wait_until_held("first")
    type_now(second, "#id_q2-text", "Newer text from the second tab")
    venue_network.close_tab(second)  # closed at once: its text is only in the browser
    venue_network.release("first")
    expect(first.locator("#question-2 [data-role=state]")).to_have_text(re.compile("Saved at"))
    assert answer_text(2) == "Older text from the first tab"
    # The answer confirmed the first tab's text: its copy goes, the newer one stays (whole
    # in localStorage; IndexedDB may hold an earlier keystroke's: the tab closed at once).
    wait_for_copies(
        first,
        "q2",
        ls=["Newer text from the second tab"],
        absent=["Older text from the first tab"],
    )
    venue_network.close_tab(first)

    third = venue_network.open_tab(context, "third")
    third.goto(url)
    expect(third.locator("#restored-banner")).to_be_visible()
    conflict = third.locator("#question-2 [data-role=conflict]")
    expect(conflict.locator("[data-role=theirs]")).to_have_text("Older text from the first tab")
    expect(conflict.locator("[data-role=mine]")).to_have_text("Newer text from the second tab")


def test_second_tab_saves_but_never_removes_a_live_tabs_copy(
    login_context, live_server, member_a, delegation_a, session, venue_network
):
    url = summary_url(live_server, delegation_a, session)
    context = login_context(member_a)
    first = venue_network.open_tab(context, "first")
    first.goto(url)
    venue_network.cut(first)  # its saves fail; it stays open
    first.fill("#id_q2-text", "Typed in the first tab")
    first.locator("#id_q2-text").blur()
    expect(first.locator("#question-2 [data-role=state]")).to_have_text("Not saved — retrying")

    second = venue_network.open_tab(context, "second")
    second.goto(url)
    expect(second.locator("#restored-banner")).to_be_visible()
    expect(second.locator("#question-2 [data-role=state]")).to_have_text(re.compile("Saved at"))
    assert answer_text(2) == "Typed in the first tab"
    # Saved by the second tab, but the copy is the first tab's, and that tab is alive.
    wait_for_copies(second, "q2", ["Typed in the first tab"])
    venue_network.close_tab(first)
    venue_network.close_tab(second)

    # Now the copy is a closed tab's and the server holds its text: the next page has the
    # server confirm that text, then removes the copy, with nothing to announce.
    third = venue_network.open_tab(context, "third")
    third.goto(url)
    expect(third.locator("#question-2 [data-role=state]")).to_have_text(re.compile("Saved at"))
    wait_for_copies(third, "q2", [])
    expect(third.locator("#restored-banner")).to_be_hidden()
    assert Answer.objects.get(question__number=2).version == 1


def profile_processes(profile):
    """Ids of the processes of the browser started with this profile directory."""
    needle = f"--user-data-dir={profile}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if needle in (entry / "cmdline").read_bytes():
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def test_text_on_disk_survives_the_whole_browser_being_killed(
    browser_type,
    browser_type_launch_args,
    live_server,
    member_a,
    delegation_a,
    session,
    venue_network,
    tmp_path,
):
    profile = tmp_path / "profile"
    client = Client()
    client.force_login(member_a)
    cookies = [
        {
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": live_server.url,
        },
        {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url},
    ]

    def launch():
        context = browser_type.launch_persistent_context(
            str(profile), **browser_type_launch_args, locale="en"
        )
        context.add_cookies(cookies)
        return context

    url = summary_url(live_server, delegation_a, session)
    context = launch()
    page = venue_network.open_tab(context, "first")
    page.goto(url)
    context.set_offline(True)
    page.fill("#id_q2-text", "Typed just before the power cut")
    page.locator("#id_q2-text").blur()
    # "Offline — kept in this browser" is shown once the text is on disk.
    expect(page.locator("#question-2")).to_have_attribute("data-state", "offline")
    venue_network.cut(page)
    for pid in profile_processes(profile):  # the browser this test started, nothing else
        os.kill(pid, signal.SIGKILL)
    killed = time.monotonic()
    while profile_processes(profile):  # until the kernel has taken them all
        assert time.monotonic() - killed < 10, "the killed browser is still there"
        time.sleep(0.02)
    try:
        context.close()
    except Exception:  # the browser is gone already: whatever the driver says
        pass
    assert answer_text(2) is None

    context = launch()
    try:
        # After a power cut localStorage has usually lost the copy too (Chromium writes it
        # to disk 5 s after a change at the soonest), but not always: remove it before the
        # page's script runs, so the text can only come back from IndexedDB.
        context.add_init_script(
            "for (const k of Object.keys(localStorage)) if (k.startsWith('wp:')) "
            "localStorage.removeItem(k);"
        )
        page = venue_network.open_tab(context, "second")
        page.goto(url)
        expect_restored_and_saved(page, 2, "Typed just before the power cut")
    finally:
        context.close()
