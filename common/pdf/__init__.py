"""The portal's PDF engine: HTML and stylesheets in, PDF bytes out, with the fonts the
project ships and a fetcher that can read nothing else.

Every PDF of the portal (action plan, TA requests, compendium, access sheet) is made
by :func:`html_to_pdf` with its own stylesheets; what a document looks like is its
template's and stylesheet's business, how it is made is this module's. It imports no
app of the project, so any app may use it.

WeasyPrint's default fetcher follows ``file:``, ``http:`` and other URLs found in the
HTML and CSS (images, stylesheets, ``@import``, attachments, SVG ``<image>``).
:class:`SafeURLFetcher` allows ``data:`` URLs and files inside the project's fonts
directory, and stops the rendering on anything else, so no text a delegation types
can make the renderer read a local file or open a network connection.

WeasyPrint 70 gets Thai wrong in the text layer (copy, search, screen readers read
"ประจา" for ประจำ): :func:`html_to_pdf` installs the carried fix of
:mod:`common.pdf.text_layer` before rendering.

Typed text is free: a word of 20,000 letters with no space would make WeasyPrint
try every break point of every line (minutes for one document).
:func:`break_long_words` gives such runs a zero-width break opportunity every few
characters before rendering, so they wrap like ordinary text.

With ``limits`` (:class:`RenderLimits`), :func:`html_to_pdf` renders in a child
process with a memory ceiling and a deadline (:mod:`common.pdf.sandbox`):
a document that passes either raises :class:`RenderLimitExceeded` and never takes
the calling worker down.

``weasyprint`` is imported inside the functions: importing it takes ~0.6 s.
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

PDF_CONTENT_TYPE = "application/pdf"

# The shipped faces (static/fonts/README.md). Noto Sans has no Thai glyphs and Noto Sans
# Thai no Latin ones: Latin first, Thai as fallback. On html, not body: the page's
# margin boxes (page numbers, running headers) inherit from the root element.
FONTS_CSS = """
@font-face { font-family: "Noto Sans"; font-weight: 400; src: url(NotoSans-Regular.ttf); }
@font-face { font-family: "Noto Sans"; font-weight: 700; src: url(NotoSans-Bold.ttf); }
@font-face { font-family: "Noto Sans Thai"; font-weight: 400; src: url(NotoSansThai-Regular.ttf); }
@font-face { font-family: "Noto Sans Thai"; font-weight: 700; src: url(NotoSansThai-Bold.ttf); }
html { font-family: "Noto Sans", "Noto Sans Thai", sans-serif; }
"""


@dataclass(frozen=True)
class RenderedFile:
    """What a renderer produces: the file's name, its content type and its bytes,
    decided together so that a download and a ZIP never name one document twice."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class RenderLimits:
    """How long (wall-clock seconds) and how much address space (bytes) one
    rendering may take."""

    seconds: float
    memory_bytes: int


def render_limits():
    """The limits of every rendering of the portal, from the settings
    ``PDF_RENDER_SECONDS`` and ``PDF_RENDER_MEMORY_MB``."""
    return RenderLimits(
        seconds=settings.PDF_RENDER_SECONDS, memory_bytes=settings.PDF_RENDER_MEMORY_MB * 2**20
    )


# A rendering ends within its time limit; a worker's claim on one lasts that long
# plus this margin, so a claim that runs out means the worker died.
RENDER_MARGIN_SECONDS = 30


def render_lease():
    """How long a worker's claim on one rendering lasts (``PDF_RENDER_SECONDS`` plus
    a margin): past it, the rendering may be given to another worker."""
    return dt.timedelta(seconds=settings.PDF_RENDER_SECONDS + RENDER_MARGIN_SECONDS)


class RenderLimitExceeded(RuntimeError):
    """The rendering passed a limit and was stopped; ``limit`` is ``"time"`` or
    ``"memory"``. Nothing was rendered."""

    def __init__(self, limit, message):
        super().__init__(message)
        self.limit = limit


class UnsafeResourceError(RuntimeError):
    """The HTML asked WeasyPrint for a resource it may not fetch; nothing was rendered.

    Templates never do this and user text is escaped: it means a template bug.
    """


def fonts_dir():
    """The fonts the project ships (see ``static/fonts/README.md``)."""
    return (Path(settings.BASE_DIR) / "static" / "fonts").resolve()


def css_string(text):
    """``text`` as a CSS string literal, safe inside a stylesheet."""
    escaped = "".join(
        f"\\{ord(char):x} " if char in '"\\<>' or ord(char) < 0x20 else char for char in text
    )
    return f'"{escaped}"'


def page_counter_content(label):
    """CSS ``content`` for a translated "Page %(page)s of %(pages)s"."""
    tokens = []
    for part in re.split(r"(%\((?:page|pages)\)s)", label):
        if part == "%(page)s":
            tokens.append("counter(page)")
        elif part == "%(pages)s":
            tokens.append("counter(pages)")
        elif part:
            tokens.append(css_string(part))
    return " ".join(tokens)


# A run this long without a space is no word of any language (a long web address at
# most, which then copies with invisible breaks); cut it every CHUNK characters.
LONG_RUN = 64
CHUNK = 16
ZERO_WIDTH_SPACE = "\u200b"
# Scripts written without spaces, which Pango breaks with a dictionary: a break
# inside their words would split them in the text layer.
_DICTIONARY_SCRIPTS = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]")
_MARKUP = re.compile(r"(<style\b.*?</style>|<script\b.*?</script>|<[^>]*>)", re.S | re.I)
_RUN = re.compile(r"(?:&#?\w+;|[^\s<&])+")
_TOKEN = re.compile(r"&#?\w+;|.", re.S)


def _break_run(match):
    run = match.group(0)
    if len(run) < LONG_RUN or _DICTIONARY_SCRIPTS.search(run):
        return run
    tokens = _TOKEN.findall(run)  # an entity is one character
    if len(tokens) < LONG_RUN:
        return run
    out, since = [], 0
    for token in tokens:
        # Never between a letter and its combining mark or joiner.
        if (
            since >= CHUNK
            and not unicodedata.category(token[0]).startswith("M")
            and token[0] not in "\u200c\u200d"
        ):
            out.append(ZERO_WIDTH_SPACE)
            since = 0
        out.append(token)
        since += 1
    return "".join(out)


def break_long_words(html):
    """``html`` with a zero-width space every ``CHUNK`` characters of any text run of
    ``LONG_RUN`` characters or more without a space (not in markup, styles or
    scripts, not in Thai, Lao, Khmer or Myanmar text, never inside an entity or
    before a combining mark)."""
    parts = _MARKUP.split(html)
    for index in range(0, len(parts), 2):  # even parts are text between tags
        parts[index] = _RUN.sub(_break_run, parts[index])
    return "".join(parts)


def html_to_pdf(html, *, stylesheets=(), limits=None):
    """PDF bytes of ``html`` (template output, user text escaped), styled by the
    shipped fonts and then ``stylesheets`` (CSS source strings, in order).

    Raises ``UnsafeResourceError`` if the HTML or CSS asks for any resource but
    ``data:`` URLs and the fonts. With ``limits`` the rendering runs in a child
    process and raises ``RenderLimitExceeded`` when it passes one.
    """
    html = break_long_words(html)
    stylesheets = tuple(stylesheets)
    if limits is not None:
        from .sandbox import render_isolated

        return render_isolated(html, stylesheets, str(fonts_dir()), limits)
    return write_pdf(html, stylesheets, fonts_dir())


def write_pdf(html, stylesheets, fonts):
    """The rendering itself, in this process: ``fonts`` is the fonts directory (a
    child process gets it as an argument and needs no Django settings)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError, path2url

    from .fetcher import SafeURLFetcher
    from .text_layer import install

    install()  # idempotent; warns and does nothing on another WeasyPrint version
    fetcher = SafeURLFetcher(roots=(fonts,))
    # The @font-face rules only take effect if this one FontConfiguration is given
    # both to the stylesheets and to write_pdf.
    font_config = FontConfiguration()
    css = [
        CSS(
            string=FONTS_CSS,
            base_url=path2url(fonts),
            url_fetcher=fetcher,
            font_config=font_config,
        ),
        *(
            CSS(string=source, url_fetcher=fetcher, font_config=font_config)
            for source in stylesheets
            if source
        ),
    ]
    try:
        pdf = HTML(string=html, url_fetcher=fetcher).write_pdf(
            stylesheets=css, font_config=font_config
        )
    except FatalURLFetchingError as exc:
        raise UnsafeResourceError(str(exc)) from exc
    if fetcher.refused:
        raise UnsafeResourceError(
            f"Refused to fetch {fetcher.refused[0][:200]!r} while rendering a PDF."
        )
    return pdf
