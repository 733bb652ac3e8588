"""Joining PDFs into one file with a bookmark per document, in constant memory.

The compendium of a workshop holds every delegation's document; joining them in memory
(pypdf's writer, qpdf's page copies) keeps every page's objects until the end, about
1.2 MB per document. :class:`PdfJoiner` writes each document's pages and everything
they use (fonts, images, contents) to the output file as soon as it reads them, with
its objects renumbered, and keeps only the offsets and the page numbers for the page
tree, the outline and the cross-reference table it writes at the end. One source
document is open at a time; streams are copied as they are stored (never decoded).

What a page takes from its document comes along (resources, annotations and the
pages their links point at, named destinations made explicit); what belongs to the
document as a whole (its own outline, structure tree) is left behind.
"""

from decimal import Decimal

import pikepdf

# Attributes a page may inherit from its page tree (ISO 32000-1, 7.7.3.4).
_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")


class PdfJoiner:
    """``joiner.add(path, title)`` for each document, then ``joiner.finish(title)``."""

    CATALOG, PAGES, OUTLINES, INFO = 1, 2, 3, 4

    def __init__(self, out):
        self.out = out
        self.offsets = {}
        self.next_number = 5
        self.pages = []  # object numbers of the output's pages, in order
        self.bookmarks = []  # (title, object number of the document's first page)
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def add(self, path, title=None, *, first=False):
        """Append every page of the PDF at ``path`` (``first``: put them before the
        pages added so far; the file's objects still follow theirs); ``title`` adds a
        bookmark to its first page. Returns the number of pages added."""
        with pikepdf.open(path) as document:
            numbers = {}  # (object, generation) in the source -> number in the output
            queue = []

            def number_of(obj):
                key = obj.objgen
                if key not in numbers:
                    numbers[key] = self._reserve()
                    queue.append(obj)
                return numbers[key]

            _explicit_destinations(document)
            pages = [number_of(page.obj) for page in document.pages]
            while queue:
                obj = queue.pop()
                number = numbers[obj.objgen]
                if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Page":
                    self._write(number, self._page(obj, number_of))
                else:
                    self._write(number, self._object(obj, number_of, top=True))
        at = 0 if first else len(self.pages)
        self.pages[at:at] = pages
        if title is not None and pages:
            at = 0 if first else len(self.bookmarks)
            self.bookmarks[at:at] = [(title, pages[0])]
        return len(pages)

    def finish(self, title=""):
        """Write the page tree, the outline, the document information, the catalog and
        the cross-reference table."""
        kids = b" ".join(b"%d 0 R" % number for number in self.pages)
        self._write(
            self.PAGES, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(self.pages))
        )
        items = [self._reserve() for _bookmark in self.bookmarks]
        for index, ((text, page), number) in enumerate(zip(self.bookmarks, items, strict=True)):
            links = b""
            if index:
                links += b" /Prev %d 0 R" % items[index - 1]
            if index + 1 < len(items):
                links += b" /Next %d 0 R" % items[index + 1]
            self._write(
                number,
                b"<< /Title %s /Parent %d 0 R%s /Dest [%d 0 R /Fit] >>"
                % (_string(text), self.OUTLINES, links, page),
            )
        if items:
            outline = b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>" % (
                items[0],
                items[-1],
                len(items),
            )
        else:
            outline = b"<< /Type /Outlines /Count 0 >>"
        self._write(self.OUTLINES, outline)
        self._write(self.INFO, b"<< /Title %s /Producer (Workshop Portal) >>" % _string(title))
        mode = b" /PageMode /UseOutlines" if items else b""
        self._write(
            self.CATALOG,
            b"<< /Type /Catalog /Pages %d 0 R /Outlines %d 0 R%s >>"
            % (self.PAGES, self.OUTLINES, mode),
        )
        start = self.out.tell()
        size = self.next_number
        lines = [b"xref\n0 %d\n" % size, b"0000000000 65535 f \n"]
        for number in range(1, size):
            lines.append(b"%010d 00000 n \n" % self.offsets[number])
        self.out.write(b"".join(lines))
        self.out.write(
            b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (size, self.CATALOG, self.INFO, start)
        )

    # --- objects ------------------------------------------------------------------

    def _reserve(self):
        number = self.next_number
        self.next_number += 1
        return number

    def _write(self, number, body):
        self.offsets[number] = self.out.tell()
        self.out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    def _page(self, page, number_of):
        """A page, attached to the output's page tree, with what it inherited from
        its own tree written on it."""
        entries = {key: page[key] for key in page.keys() if key != "/Parent"}
        for key in _INHERITED:
            if key not in entries:
                value = _inherited(page, key)
                if value is not None:
                    entries[key] = value
        parts = [b"/Parent %d 0 R" % self.PAGES]
        parts += [
            _name(key) + b" " + self._value(value, number_of) for key, value in entries.items()
        ]
        return b"<< " + b" ".join(parts) + b" >>"

    def _object(self, obj, number_of, *, top=False):
        if isinstance(obj, pikepdf.Stream):
            raw = obj.read_raw_bytes()
            entries = [
                _name(key) + b" " + self._value(obj.stream_dict[key], number_of)
                for key in obj.stream_dict.keys()
                if key != "/Length"
            ]
            head = b"<< " + b" ".join([*entries, b"/Length %d" % len(raw)]) + b" >>"
            return head + b"\nstream\n" + raw + b"\nendstream"
        if isinstance(obj, pikepdf.Dictionary):
            parts = [_name(key) + b" " + self._value(obj[key], number_of) for key in obj.keys()]
            return b"<< " + b" ".join(parts) + b" >>"
        if isinstance(obj, pikepdf.Array):
            return b"[" + b" ".join(self._value(item, number_of) for item in obj) + b"]"
        return _scalar(obj)

    def _value(self, value, number_of):
        """``value`` inside an object: a reference when it is an indirect object."""
        if isinstance(value, pikepdf.Object) and value.is_indirect:
            return b"%d 0 R" % number_of(value)
        return self._object(value, number_of)


def _explicit_destinations(document):
    """Point the links of ``document`` (opened, never saved) at their pages directly:
    the catalog's named destinations do not come along."""
    names = document.Root.get("/Names")
    tree = names.get("/Dests") if names is not None else None
    tree = pikepdf.NameTree(tree) if tree is not None else None
    old_style = document.Root.get("/Dests")  # PDF 1.1: a dictionary keyed by name
    for page in document.pages:
        for annotation in page.obj.get("/Annots", ()):
            holder, key = annotation, "/Dest"
            action = annotation.get("/A")
            if "/Dest" not in annotation and action is not None and action.get("/S") == "/GoTo":
                holder, key = action, "/D"
            target = holder.get(key)
            resolved = None
            if isinstance(target, pikepdf.String) and tree is not None:
                resolved = tree.get(bytes(target).decode("latin-1"))
            elif isinstance(target, pikepdf.Name) and old_style is not None:
                resolved = old_style.get(str(target))
            if isinstance(resolved, pikepdf.Dictionary):
                resolved = resolved.get("/D")
            if resolved is not None:
                holder[key] = resolved


def _inherited(page, key):
    node = page.get("/Parent")
    for _depth in range(64):  # a page tree is shallow; a loop is a broken file
        if node is None:
            return None
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None


def _scalar(value):
    if isinstance(value, bool):
        return b"true" if value else b"false"
    if value is None:
        return b"null"
    if isinstance(value, int):
        return b"%d" % value
    if isinstance(value, (float, Decimal)):
        return format(Decimal(str(value)).normalize(), "f").encode()
    return value.unparse()


def _name(key):
    return pikepdf.Name(key).unparse()


def _string(text):
    """A PDF text string: PDFDocEncoding when it can be, else UTF-16 (Thai, Vietnamese)."""
    return pikepdf.String(text).unparse()
