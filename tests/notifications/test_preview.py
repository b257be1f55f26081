"""Mail previews shown in the site's pages keep the mail's look without an inline style."""
import re
from pathlib import Path

from aap.mail.preview import STYLE_CLASSES, preview_document

EMAILS = Path(__file__).resolve().parents[2] / "templates" / "emails"
STYLESHEET = Path(__file__).resolve().parents[2] / "aap" / "static" / "css" / "mail-preview.css"


def test_every_inline_style_of_the_mail_templates_has_its_class():
    used = {style for path in EMAILS.glob("*.html") for style in re.findall(r'style="([^"]*)"', path.read_text())}
    assert used and used <= set(STYLE_CLASSES), f"add to STYLE_CLASSES: {used - set(STYLE_CLASSES)}"
    rules = dict(re.findall(r"\.([\w-]+) \{ ([^}]*) \}", STYLESHEET.read_text()))
    assert {name: rules.get(name) for name in STYLE_CLASSES.values()} == \
        {name: style for style, name in STYLE_CLASSES.items()}


def test_the_preview_document_has_classes_and_the_stylesheet_instead_of_inline_styles():
    mail = ('<html><head><title>x</title></head><body style="white-space: pre-line;">'
            '<p>Il a écrit : style=&#34;color: red&#34;</p></body></html>')
    shown = preview_document(mail, "/static/css/mail-preview.css")
    assert 'style="' not in shown and '<body class="mail-text">' in shown
    assert 'style=&#34;color: red&#34;' in shown  # typed text is left as it was
    assert '<link rel="stylesheet" href="/static/css/mail-preview.css"></head>' in shown
