"""A correct text layer in WeasyPrint 70 PDFs (Thai sara am, tone marks, any
multi-glyph cluster), carried until upstream fixes it (Kozea/WeasyPrint#2841): each
unit of text goes to one glyph, and every shown (glyph, text) pair gets a code of
its own. Call :func:`install` once before rendering. The defect, the fix and how to
check it again on a WeasyPrint upgrade: docs/thai-text-layer.md.
"""

import logging
import warnings

PINNED_VERSION = "70.0"

LOGGER = logging.getLogger(__name__)

_originals = {}


def install():
    """Patch WeasyPrint for a correct text layer; ``True`` if the patch is active.

    Idempotent and process-wide. On any WeasyPrint but ``PINNED_VERSION`` it warns
    and patches nothing: the internals it relies on may have changed."""
    import weasyprint
    from weasyprint.draw import text as draw_text
    from weasyprint.pdf import fonts as pdf_fonts

    if _originals:
        return True
    if weasyprint.__version__ != PINNED_VERSION:
        warnings.warn(
            f"common.pdf.text_layer is written for WeasyPrint {PINNED_VERSION}, "
            f"found {weasyprint.__version__}: WeasyPrint is not patched and Thai text may "
            "extract wrongly. Check Kozea/WeasyPrint#2841, then update or delete the module.",
            RuntimeWarning,
            stacklevel=2,
        )
        return False
    _originals.update(
        draw_first_line=draw_text.draw_first_line,
        build_vector=pdf_fonts._build_vector_font_dictionary,
        subset=pdf_fonts.Font.subset,
    )
    draw_text.draw_first_line = _draw_first_line
    pdf_fonts._build_vector_font_dictionary = _build_vector_font_dictionary
    pdf_fonts.Font.subset = _subset
    return True


def uninstall():
    """Undo :func:`install` (tests use it to compare with upstream behaviour)."""
    from weasyprint.draw import text as draw_text
    from weasyprint.pdf import fonts as pdf_fonts

    if _originals:
        draw_text.draw_first_line = _originals["draw_first_line"]
        pdf_fonts._build_vector_font_dictionary = _originals["build_vector"]
        pdf_fonts.Font.subset = _originals["subset"]
        _originals.clear()


def is_installed():
    """Whether :func:`install` has patched WeasyPrint."""
    return bool(_originals)


# --- drawing: the code of every shown glyph --------------------------------------


def _draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
    """Upstream ``draw_first_line``, showing one code per (glyph, text) pair."""
    edits = []  # (PangoGlyphInfo, original glyph id), to put back

    def set_text_matrix(*values):
        del stream.set_text_matrix
        try:
            _choose_codes(stream, textbox, edits)
        except Exception:  # never lose a PDF to this patch: draw as upstream does
            LOGGER.exception("Text layer patch failed, line drawn unpatched")
            _restore(edits)
        stream.set_text_matrix(*values)

    # Upstream calls it once, after the line's last layout change, before its glyph
    # loop: the glyph strings seen here are the ones that loop shows.
    stream.set_text_matrix = set_text_matrix
    try:
        return _originals["draw_first_line"](stream, textbox, text_overflow, block_ellipsis, matrix)
    finally:
        stream.__dict__.pop("set_text_matrix", None)
        _restore(edits)


def _restore(edits):
    while edits:
        glyph_info, glyph = edits.pop()
        glyph_info.glyph = glyph


def _choose_codes(stream, textbox, edits):
    from weasyprint.text.ffi import ffi, pango

    layout = textbox.pango_layout
    first_line, _ = layout.get_first_line()
    utf8_text = layout.text.encode()
    run = first_line.runs[0]
    while run != ffi.NULL:
        glyph_item, run = run.data, run.next
        pango_font = glyph_item.item.analysis.font
        font, font_size = stream.add_font(pango_font)
        if font.bitmap or font.png or font.svg or font.colr or font.type == "otf":
            continue  # see the module docstring: upstream behaviour
        if pango.pango_version() < 14802:  # as draw_first_line does
            font_size = textbox.style["font_size"]
        glyph_string = glyph_item.glyphs
        clusters = glyph_string.log_clusters
        shown = []  # (PangoGlyphInfo, glyph id, advance, cluster) in drawing order
        for i in range(glyph_string.num_glyphs):
            info = glyph_string.glyphs[i]
            shown.append((info, info.glyph, info.geometry.width, clusters[i]))

        # Units: clusters in text order, those without advance joined to the previous.
        spacing = {}
        for _, _, advance, cluster in shown:
            spacing[cluster] = spacing.get(cluster, False) or advance != 0
        unit_of, bounds = {}, []
        for cluster in sorted(spacing):
            if not bounds or spacing[cluster]:
                bounds.append(cluster)
            unit_of[cluster] = len(bounds) - 1
        bounds.append(glyph_item.item.length)

        shown = [entry for entry in shown if entry[1] != pango.PANGO_GLYPH_EMPTY]
        carrier, skipped = {}, set()  # unit -> glyph carrying its text; units left alone
        for index, (_, glyph, advance, cluster) in enumerate(shown):
            unit = unit_of[cluster]
            if glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG:
                skipped.add(unit)  # a missing glyph: upstream behaviour
            if unit not in carrier or advance:
                carrier[unit] = index
        offset = glyph_item.item.offset
        for index, (info, glyph, _, cluster) in enumerate(shown):
            unit = unit_of[cluster]
            if unit in skipped:
                continue
            text = ""
            if carrier[unit] == index:
                text = utf8_text[offset + bounds[unit] : offset + bounds[unit + 1]].decode()
            if font.to_unicode.setdefault(glyph, text) != text:
                code = _substitute(stream, font, pango_font, font_size, glyph, text)
                edits.append((info, glyph))
                info.glyph = code


def _substitute(stream, font, pango_font, font_size, glyph, text):
    """The code showing ``glyph`` as ``text`` when the glyph id means other text."""
    key = (glyph, text)  # in font.missing: upstream's id counter counts it
    if key not in font.missing:
        code = font.glyph_count + len(font.missing)
        if code >= 2**16 - 1:
            return glyph  # no code left: the glyph keeps its first text
        if glyph not in font.widths:  # computed as draw_first_line does
            from weasyprint.text.ffi import FROM_UNITS, pango

            pango.pango_font_get_glyph_extents(
                pango_font, glyph, stream.ink_rect, stream.logical_rect
            )
            font.widths[glyph] = round(stream.logical_rect.width * 1000 * FROM_UNITS / font_size)
        font.missing[key] = code
        font.to_unicode[code] = text
        font.widths[code] = font.widths[glyph]
    return font.missing[key]


# --- embedding: draw each substitute code with its real glyph ---------------------


def _substitutes(font):
    """``{substitute code: glyph id}`` of ``font``."""
    return {code: key[0] for key, code in font.missing.items() if isinstance(key, tuple)}


def _subset(self, to_unicode, hinting):
    """``Font.subset`` without the substitute codes, which are no glyphs of the file."""
    substitutes = _substitutes(self)
    to_unicode = {code: text for code, text in to_unicode.items() if code not in substitutes}
    return _originals["subset"](self, to_unicode, hinting)


def _build_vector_font_dictionary(font_dictionary, pdf, font, widths, compress, *args):
    """Upstream's font dictionary, with a ``/CIDToGIDMap`` for substitute codes."""
    import pydyf

    build = _originals["build_vector"]
    substitutes = _substitutes(font)
    if not substitutes:
        return build(font_dictionary, pdf, font, widths, compress, *args)

    # Upstream passes font.widths when it subsets the font; when it embeds it whole
    # it passes every glyph's width and has made ToUnicode from the font's cmap.
    whole_font = widths is not font.widths
    if whole_font:
        widths = {**widths, **{c: w for c, w in font.widths.items() if c >= font.glyph_count}}
    # Missing glyphs go to .notdef through our map, not through upstream's encoding
    # CMap: Identity-H is the only encoding pypdf decodes.
    missing, font.missing = font.missing, {}
    try:
        build(font_dictionary, pdf, font, widths, compress, *args)
    finally:
        font.missing = missing

    gids = list(range(font.glyph_count)) + [0] * (max(missing.values()) + 1 - font.glyph_count)
    for code, glyph in substitutes.items():
        gids[code] = glyph
    cid_to_gid = pydyf.Stream([b"".join(gid.to_bytes(2, "big") for gid in gids)], compress=compress)
    pdf.add_object(cid_to_gid)
    subfont = pdf.objects[int(font_dictionary["DescendantFonts"][0].split()[0])]
    subfont["CIDToGIDMap"] = cid_to_gid.reference

    if whole_font:
        # Our entries after the cmap's: readers keep the last one given for a code.
        to_unicode = pdf.objects[int(font_dictionary["ToUnicode"].split()[0])].stream
        entries = [
            f"<{code:04x}> <{text.encode('utf-16-be').hex()}>".encode()
            for code, text in font.to_unicode.items()
        ]
        end = to_unicode.index(b"endcmap")
        for start in range(0, len(entries), 100):
            batch = entries[start : start + 100]
            to_unicode[end:end] = [f"{len(batch)} beginbfchar".encode(), *batch, b"endbfchar"]
            end += len(batch) + 2
