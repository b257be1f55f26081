"""A mail's HTML part shown inside a page, where the site's policy refuses inline styles.

Mail clients need the styles inline, so the mail keeps them; a srcdoc frame inherits the page's
Content-Security-Policy, so the preview trades each one for a class of static/css/mail-preview.css.
"""
import re

#: every inline style of templates/emails/, and the class of mail-preview.css that gives the same look
STYLE_CLASSES = {
    "font-family: Arial, sans-serif; color: #1e1e1e; line-height: 1.5; max-width: 40em;": "mail-page",
    "font-size: 0.9em; color: #4a4a4a;": "mail-footer",
    "white-space: pre-line;": "mail-text",
    "white-space: pre-wrap; word-break: break-all; font-size: 12px;": "mail-code",
}
#: an attribute written by a template: typed text never holds a bare quote (autoescaping turns it into &#34;)
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')


def preview_document(html: str, stylesheet_url: str) -> str:
    """The mail's HTML with its styles as classes, and the stylesheet that holds them."""
    html = _STYLE_ATTRIBUTE.sub(lambda match: f' class="{STYLE_CLASSES.get(match.group(1), "")}"', html)
    return html.replace("</head>", f'<link rel="stylesheet" href="{stylesheet_url}"></head>', 1)
