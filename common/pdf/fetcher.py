"""The only way WeasyPrint may read anything while rendering our PDFs.

WeasyPrint's default fetcher follows ``file:``, ``http:`` and other URLs found in
the HTML and CSS (images, stylesheets, ``@import``, attachments, SVG ``<image>``).
:class:`SafeURLFetcher` allows ``data:`` URLs and files inside the project's fonts
directory, and stops the rendering on anything else.

This module imports ``weasyprint`` (~0.6 s): ``html_to_pdf`` imports it when it renders.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from . import fonts_dir


class SafeURLFetcher(URLFetcher):
    """Fetches ``data:`` URLs and regular files inside ``roots`` (default: the
    project's fonts), after resolving ``..`` and symbolic links.

    Anything else raises ``FatalURLFetchingError``, which stops the rendering
    instead of WeasyPrint logging a warning and carrying on, and is recorded in
    ``refused``: WeasyPrint's SVG drawing swallows even fatal errors, so callers
    check ``refused`` after rendering too.
    """

    def __init__(self, roots=None, **kwargs):
        super().__init__(allowed_protocols=("data", "file"), **kwargs)
        self.roots = tuple(Path(root).resolve() for root in (roots or (fonts_dir(),)))
        self.refused = []

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file" and (path := self.allowed_path(url)) is not None:
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
        self.refused.append(url)
        raise FatalURLFetchingError(f"Refused to fetch {url[:200]!r} while rendering a PDF.")

    def allowed_path(self, url):
        """The file ``url`` names if it lies inside one of the roots, else ``None``."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        try:
            path = Path(url2pathname(unquote(parts.path))).resolve()
        except (OSError, ValueError):
            return None
        if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
            return path
        return None
