"""What the PDF renderer may never do — read local files, open connections — whatever
the text or markup it is given, and the fetcher that refuses both, checked on the real
PDF bytes."""

import socket
import threading
from io import BytesIO

import pytest
from django.conf import settings
from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject

from common.pdf import html_to_pdf
from summaries import services
from summaries.pdf import UnsafeResourceError, plan_document, render_action_plan, render_ta_requests

from .conftest import NOW, pdf_text, write_answers

pytestmark = pytest.mark.django_db


def decoded_bytes(pdf):
    """The PDF file plus every stream in it, decompressed."""
    reader = PdfReader(BytesIO(pdf))
    numbers = {(number, 0) for number in reader.xref_objStm}
    for generation, table in reader.xref.items():
        numbers |= {(number, generation) for number in table}
    chunks = [pdf]
    for number, generation in sorted(numbers):
        obj = reader.get_object(IndirectObject(number, generation, reader))
        if isinstance(obj, StreamObject):
            chunks.append(obj.get_data())
    return b"\n".join(chunks)


class Listener:
    """A TCP server on 127.0.0.1 that records every connection it receives."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.1)
        self.port = self.server.getsockname()[1]
        self.connections = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.accept, daemon=True)
        self.thread.start()

    def accept(self):
        while not self.stop.is_set():
            try:
                connection, address = self.server.accept()
            except TimeoutError:
                continue
            self.connections.append(address)
            connection.close()

    def close(self):
        self.stop.set()
        self.thread.join(timeout=2)
        self.server.close()


@pytest.fixture
def listener():
    listener = Listener()
    yield listener
    listener.close()


def hostile_texts(port):
    return [
        '<img src="file:///etc/passwd">',
        '<link rel="attachment" href="file:///etc/hostname">',
        f"<style>@import url(http://127.0.0.1:{port}/x.css)</style>",
        '<svg><image href="file:///etc/passwd"/></svg>',
        '<p style="background: url(file:///etc/passwd)">styled</p>',
        f'<img src="http://127.0.0.1:{port}/pixel.png">',
    ]


def passwd_line():
    return b"root:x:0:0"


# --- hostile input ---------------------------------------------------------------------


@pytest.fixture
def hostile_plan(senegal_plan, session, member_a, listener):
    texts = hostile_texts(listener.port)
    write_answers(senegal_plan, session, member_a, {3: "\n".join(texts)}, "fr")
    action = services.plan_item_create(
        delegation=senegal_plan,
        kind="action",
        data={
            "title": texts[0],
            "description": "\n".join(texts),
            "milestone": texts[4],
            "responsible": texts[1],
            "partners": texts[3],
            "resources_needed": texts[2],
        },
        user=member_a,
    )
    services.plan_item_create(
        delegation=senegal_plan,
        kind="ta",
        data={
            "title": texts[3],
            "need": "\n".join(texts),
            "preferred_provider": texts[2],
            "action": action,
        },
        user=member_a,
    )
    return texts


@pytest.mark.parametrize("render", [render_action_plan, render_ta_requests])
def test_hostile_text_is_printed_literally(senegal_plan, hostile_plan, render):
    text = pdf_text(render(plan_document(delegation=senegal_plan, now=NOW)).content)
    assert [item for item in hostile_plan if item not in text] == []


@pytest.mark.parametrize("render", [render_action_plan, render_ta_requests])
def test_hostile_text_reads_no_file_and_opens_no_connection(
    senegal_plan, hostile_plan, listener, render
):
    pdf = render(plan_document(delegation=senegal_plan, now=NOW)).content
    reader = PdfReader(BytesIO(pdf))
    everything = decoded_bytes(pdf)
    assert (
        dict(reader.attachments),
        b"/EmbeddedFile" in everything,
        passwd_line() in everything,
        "root:x:0:0" in pdf_text(pdf),
        listener.connections,
    ) == ({}, False, False, False, [])


def test_decoded_bytes_would_find_a_leaked_file():
    """The leak check above looks inside compressed streams: prove it sees an attachment."""
    from weasyprint import HTML, Attachment

    pdf = HTML(string="<p>x</p>").write_pdf(
        attachments=[Attachment(string="root:x:0:0:root:/root:/bin/bash", name="passwd")]
    )
    assert (passwd_line() in pdf, passwd_line() in decoded_bytes(pdf)) == (False, True)


@pytest.mark.parametrize(
    "html",
    [
        '<img src="file:///etc/passwd">',
        '<link rel="attachment" href="file:///etc/hostname">',
        "<style>@import url(file:///etc/passwd);</style>",
        '<svg width="9" height="9"><image href="file:///etc/passwd" width="9" height="9"/></svg>',
        '<p style="background: url(file:///etc/passwd)">styled</p>',
        '<object data="file:///etc/passwd"></object>',
    ],
)
def test_markup_reaching_weasyprint_cannot_read_local_files(html):
    """Defence in depth: even unescaped markup cannot make WeasyPrint read a file."""
    with pytest.raises(UnsafeResourceError, match="Refused to fetch 'file:///etc/"):
        html_to_pdf(html)


@pytest.mark.parametrize(
    "template",
    [
        '<img src="http://127.0.0.1:{port}/x.png">',
        "<style>@import url(http://127.0.0.1:{port}/x.css);</style>",
        '<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">',
    ],
)
def test_markup_reaching_weasyprint_cannot_open_connections(template, listener):
    port = listener.port
    with pytest.raises(UnsafeResourceError):
        html_to_pdf(template.format(port=port))
    assert listener.connections == []


# --- the fetcher ---------------------------------------------------------------------


@pytest.fixture
def fetcher():
    from common.pdf.fetcher import SafeURLFetcher

    return SafeURLFetcher()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "file://{fonts}/../../../../etc/passwd",
        "file://{fonts}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "file://{fonts}",
        "file://{fonts}/missing.ttf",
        "file://otherhost{fonts}/NotoSans-Regular.ttf",
        "http://127.0.0.1:{port}/",
        "https://127.0.0.1:{port}/",
        "ftp://127.0.0.1:{port}/",
        "//127.0.0.1:{port}/x",
        "NotoSans-Regular.ttf",
    ],
)
def test_fetcher_refuses_anything_but_project_fonts(fetcher, listener, url):
    from weasyprint.urls import FatalURLFetchingError

    fonts = settings.BASE_DIR / "static" / "fonts"
    with pytest.raises(FatalURLFetchingError, match="Refused to fetch"):
        fetcher.fetch(url.format(fonts=fonts, port=listener.port))
    assert listener.connections == []


def test_fetcher_refuses_a_symlink_out_of_its_root(tmp_path):
    from weasyprint.urls import FatalURLFetchingError

    from common.pdf.fetcher import SafeURLFetcher

    (tmp_path / "font.ttf").symlink_to("/etc/passwd")
    with pytest.raises(FatalURLFetchingError):
        SafeURLFetcher(roots=[tmp_path]).fetch(f"file://{tmp_path}/font.ttf")


def test_fetcher_serves_the_project_fonts(fetcher):
    path = settings.BASE_DIR / "static" / "fonts" / "NotoSansThai-Bold.ttf"
    response = fetcher.fetch(path.as_uri())
    assert response.read() == path.read_bytes()


def test_fetcher_serves_data_urls(fetcher):
    assert fetcher.fetch("data:text/plain;base64,aGVsbG8=").read() == b"hello"
