"""PDF documents from HTML templates, through WeasyPrint; values are escaped by Jinja as in any page."""
from flask import Response, render_template


def pdf_bytes(template: str, **context) -> bytes:
    """The document as bytes, for a response or a mail's attachment."""
    from weasyprint import HTML  # imported when a PDF is asked for: loading it costs half a second

    html = render_template(template, **context)
    # no base URL: a document never fetches anything, whatever a user typed into it
    return HTML(string=html, base_url=None, url_fetcher=refuse_fetch).write_pdf()


def pdf_response(template: str, filename: str, **context) -> Response:
    return pdf_document(pdf_bytes(template, **context), filename)


def pdf_document(document: bytes, filename: str) -> Response:
    """A PDF sent as a download that a browser never runs anything of."""
    return Response(document, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Content-Security-Policy": "default-src 'none'; sandbox; frame-ancestors 'none'"})


class _RefusingFetcher:
    """Every image or stylesheet a document names is left out: the page prints without it, and nothing is fetched.

    WeasyPrint skips a resource whose fetcher raises, provided the fetcher says that errors are not fatal; a plain
    function says nothing, and the whole document then fails.
    """

    _fail_on_errors = False

    def __call__(self, url: str, *args, **kwargs):
        raise ValueError(f"external resource refused in a PDF: {url[:80]}")


refuse_fetch = _RefusingFetcher()
