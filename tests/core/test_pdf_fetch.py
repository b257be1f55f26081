"""A document that names an image or a stylesheet elsewhere prints without it, and nothing is fetched."""
from aap.core.pdf import refuse_fetch


def test_a_named_resource_is_left_out_and_the_document_still_prints():
    from weasyprint import HTML

    html = '<link rel="stylesheet" href="https://evil.example/a.css"><p>Texte</p><img src="https://evil.example/x.png">'
    document = HTML(string=html, base_url=None, url_fetcher=refuse_fetch).write_pdf()
    assert document.startswith(b"%PDF-")
