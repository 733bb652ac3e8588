"""The compendium's joiner: documents rendered by the engine joined page by page,
readable by three PDF readers (qpdf's check, pypdf, poppler), with a bookmark per
document in any script, the pages' fonts, links and text intact."""

import io
import resource
import subprocess

import pikepdf
from pypdf import PdfReader

from common.pdf import html_to_pdf
from common.pdf.join import PdfJoiner

DOCUMENTS = [
    ("Tỉnh Điện Biên", "<h1 id='top'>Điện Biên</h1><p>Kế hoạch hành động của tỉnh.</p>"),
    (
        "ชุมชนบ้านหนองบัว",
        "<h1>หนองบัว</h1><p>ผู้สูงอายุและการจัดการขยะ <a href='#back'>ท้าย</a></p>"
        "<h2 id='back' style='break-before: page'>ท้าย</h2>",
    ),
    ("Sénégal", "<h1>Sénégal</h1><p>Plan d’actions.</p>"),
]


def joined(tmp_path, documents=DOCUMENTS):
    paths = []
    for index, (_title, body) in enumerate(documents):
        path = tmp_path / f"{index}.pdf"
        path.write_bytes(html_to_pdf(f"<!doctype html><html><body>{body}</body></html>"))
        paths.append(path)
    out = io.BytesIO()
    joiner = PdfJoiner(out)
    for path, (title, _body) in zip(paths, documents, strict=True):
        joiner.add(path, title)
    joiner.finish("Compendium — ประชุม")
    return out.getvalue()


def test_joined_pdf_is_valid_and_keeps_every_page_and_bookmark(tmp_path):
    pdf = joined(tmp_path)
    with pikepdf.open(io.BytesIO(pdf)) as checked:
        assert checked.check_pdf_syntax() == []  # qpdf finds no problem in the structure
        assert checked.docinfo["/Title"] == "Compendium — ประชุม"
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 4
    assert [item.title for item in reader.outline] == [title for title, _body in DOCUMENTS]
    firsts = [reader.get_destination_page_number(item) for item in reader.outline]
    assert firsts == [0, 1, 3]
    assert "Kế hoạch hành động" in reader.pages[0].extract_text()
    assert "ท้าย" in reader.pages[2].extract_text()


def test_a_document_added_first_goes_before_the_pages_added_so_far(tmp_path):
    """The compendium's contents pages are joined last (they are rendered meanwhile)
    but come first; every bookmark still opens its own document."""
    paths = []
    for index, body in enumerate(["<h1>Contents</h1>", *[body for _t, body in DOCUMENTS]]):
        path = tmp_path / f"{index}.pdf"
        path.write_bytes(html_to_pdf(f"<!doctype html><html><body>{body}</body></html>"))
        paths.append(path)
    out = io.BytesIO()
    joiner = PdfJoiner(out)
    for path, (title, _body) in zip(paths[1:], DOCUMENTS, strict=True):
        joiner.add(path, title)
    assert joiner.add(paths[0], first=True) == 1
    joiner.finish("Compendium")
    with pikepdf.open(io.BytesIO(out.getvalue())) as checked:
        assert checked.check_pdf_syntax() == []
    reader = PdfReader(io.BytesIO(out.getvalue()))
    assert len(reader.pages) == 5
    assert "Contents" in reader.pages[0].extract_text()
    assert [item.title for item in reader.outline] == [title for title, _body in DOCUMENTS]
    assert [reader.get_destination_page_number(item) for item in reader.outline] == [1, 2, 4]
    assert "Kế hoạch hành động" in reader.pages[1].extract_text()


def test_joined_pdf_text_is_found_by_poppler(tmp_path):
    path = tmp_path / "joined.pdf"
    path.write_bytes(joined(tmp_path))
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    for word in ("Điện Biên", "หนองบัว", "Plan d’actions"):
        assert word in text


def test_an_internal_link_still_points_into_its_own_document(tmp_path):
    reader = PdfReader(io.BytesIO(joined(tmp_path)))
    link = next(a.get_object() for a in reader.pages[1]["/Annots"])  # on the Thai first page
    target = link["/Dest"][0] if "/Dest" in link else link["/A"]["/D"][0]
    assert target.get_object() == reader.pages[2].get_object()


def resident_kib():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() // 1024


def test_memory_does_not_grow_with_the_number_of_documents(tmp_path):
    """One document's objects at a time: with 200 copies of a plan added (and the
    joiner still open) the process holds what it held with 20. Joined in memory they
    would take about 1.2 MB each."""
    source = tmp_path / "plan.pdf"
    source.write_bytes(html_to_pdf("<p>" + "ผู้สูงอายุ Điện Biên " * 2000 + "</p>"))

    def resident_after(copies):
        with (tmp_path / f"out{copies}.pdf").open("wb") as out:
            joiner = PdfJoiner(out)
            for _n in range(copies):
                joiner.add(source, "x")
            resident = resident_kib()
            joiner.finish()
        return resident

    resident_after(20)  # warm up: imports, caches, allocator arenas
    small = resident_after(20)
    large = resident_after(200)
    assert large - small < 20 * 1024
