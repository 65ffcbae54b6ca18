"""The bilan as a print-quality A4 PDF, drawn by WeasyPrint from the page's own template and charts.

The stylesheet is read from disk and every other URL is refused: rendering never makes a request,
neither to the running server nor to a third party.
"""

import gc
import mimetypes
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from reports.document import PRINT_STYLESHEET as STYLESHEET
from reports.document import BilanDocument


class LocalOnlyFetcher(URLFetcher):
    """Serves `data:` URLs and the static files on disk; refuses anything else (no network access)."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file:"):
            path = Path(url2pathname(urlsplit(url).path))
            for root in static_roots():
                if path.resolve().is_relative_to(root) and path.is_file():
                    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
        raise ValueError(f"Resource refused while rendering a PDF: {url}")


def static_roots() -> list[Path]:
    found = finders.find(STYLESHEET)
    if not found:
        raise ImproperlyConfigured(f"{STYLESHEET} is missing from the static files.")
    return [Path(found).resolve().parent.parent]


@contextmanager
def cyclic_collector_paused():
    """WeasyPrint keeps hundreds of thousands of objects alive while it lays a bilan out (boxes, styles):
    the cyclic garbage collector would run hundreds of times per bilan, full passes over the process' heap
    included. Reference counting still frees everything as usual; the few cycles left wait for the next
    collection once the PDF is written.
    Renderings in other threads at the same time leave the collector enabled at the end."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_pdf(document: BilanDocument) -> bytes:
    with cyclic_collector_paused():
        html = render_to_string("reports/bilan_pdf.html", {"doc": document, "mode": "pdf"})
        stylesheet_path = Path(finders.find(STYLESHEET))
        fetcher = LocalOnlyFetcher()
        stylesheet = CSS(filename=str(stylesheet_path), url_fetcher=fetcher)
        return HTML(string=html, base_url=stylesheet_path.parent.as_uri() + "/", url_fetcher=fetcher).write_pdf(
            stylesheets=[stylesheet]
        )
