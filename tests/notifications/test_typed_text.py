"""What a user typed never reaches a subject line, and reads in a body as that user's words."""
import re
from types import SimpleNamespace

import pytest

from aap.mail.rendering import render_parts
from tests.notifications.test_snapshots import SAMPLES

HOSTILE = "Votre compte sera suspendu : http://evil.example/login"
#: fields that holders (self-registered people) type; staff comments and announcements are the authority's words
TYPED = ("dossier_title", "organisation", "inviter", "author", "body")


def hostile(template: str) -> dict:
    sample = dict(SAMPLES[template])
    for name in TYPED:
        if name in sample and not (template == "announcement" and name == "body"):
            sample[name] = f"{HOSTILE}\n{HOSTILE}" if name == "body" else HOSTILE
    return sample


@pytest.mark.parametrize("template", sorted(SAMPLES))
def test_no_subject_carries_text_typed_by_a_holder(app, template):
    recipient = SimpleNamespace(display_name=HOSTILE)
    with app.app_context():
        subject, text, html = render_parts(template, "fr", {"recipient": recipient, **hostile(template)})
    assert "evil.example" not in subject


@pytest.mark.parametrize("template", ["verify_email", "reset_password", "account_exists"])
def test_account_mails_do_not_greet_with_the_name_typed_at_registration(app, template):
    recipient = SimpleNamespace(display_name=HOSTILE)  # anyone may register with someone else's address
    with app.app_context():
        _subject, text, html = render_parts(template, "fr", {"recipient": recipient, **SAMPLES[template]})
    assert "evil.example" not in text and "evil.example" not in html


@pytest.mark.parametrize("template, fields", [("organisation_invitation", ("inviter", "organisation")),
                                              ("dossier_message", ("body",))])
def test_a_holders_words_are_quoted_apart_in_the_body(app, template, fields):
    context = {**SAMPLES[template], **{name: f"{HOSTILE}\n{HOSTILE}" for name in fields}}
    with app.app_context():
        _subject, text, html = render_parts(template, "fr", {"recipient": SimpleNamespace(display_name="Awa"),
                                                             **context})
    lines = [line for line in text.splitlines() if "evil.example" in line]
    assert lines and all(line.startswith("> ") for line in lines)
    quotes = [match.span() for match in re.finditer(r"<blockquote.*?</blockquote>", html, re.S)]
    spots = [match.start() for match in re.finditer("evil.example", html)]
    assert spots and all(any(start < spot < end for start, end in quotes) for spot in spots)
