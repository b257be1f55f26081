"""What a new user meets: the accessibility statement, French words, one menu entry per place, distinct labels."""
import re
from collections import Counter
from html.parser import HTMLParser

import pytest

from aap.extensions import db
from aap.mail.models import Mail
from tests import factories


class VisibleText(HTMLParser):
    """The words a person reads: text outside <code>, <script> and <style>, the page title included."""

    HIDDEN = {"code", "script", "style"}

    def __init__(self):
        super().__init__()
        self.words, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in self.HIDDEN

    def handle_endtag(self, tag):
        self.hidden -= tag in self.HIDDEN

    def handle_data(self, data):
        if not self.hidden:
            self.words.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.words)


class Labels(HTMLParser):
    """Each <label>'s text with the legends of the fieldsets around it, form by form."""

    def __init__(self):
        super().__init__()
        self.forms, self.legends, self.found = 0, [], []
        self.label = self.legend = None

    def handle_starttag(self, tag, attrs):
        if tag == "form":
            self.forms += 1
        elif tag == "fieldset":
            self.legends.append("")
        elif tag == "legend":
            self.legend = ""
        elif tag == "label":
            self.label = ""

    def handle_endtag(self, tag):
        if tag == "fieldset":
            self.legends.pop()
        elif tag == "legend" and self.legend is not None:
            self.legends[-1], self.legend = self.legend.strip(), None
        elif tag == "label" and self.label is not None:
            self.found.append((self.forms, tuple(self.legends), " ".join(self.label.split())))
            self.label = None

    def handle_data(self, data):
        if self.label is not None:
            self.label += data
        if self.legend is not None:
            self.legend += data


def test_the_accessibility_statement_gives_a_contact_the_date_and_the_recourse(client, app):
    page = client.get("/accessibilite")
    assert page.status_code == 200
    contact = app.config["CONTACT_EMAIL"]
    assert f'<a href="mailto:{contact}">{contact}</a>' in page.text
    assert "Cette déclaration a été établie le 01/12/2026." in page.page
    assert "L'évaluation date du 01/12/2026." in page.page
    assert 'href="https://formulaire.defenseurdesdroits.fr/"' in page.text
    assert 'href="https://www.defenseurdesdroits.fr/carte-des-delegues"' in page.text
    assert "Libre réponse 71120, 75342 Paris CEDEX 07" in page.page


ENGLISH = re.compile(r"\b(workflows?|workers?|announcement)\b", re.IGNORECASE)


def test_the_admin_pages_speak_french(client, login_as):
    admin = login_as("admin")
    call = factories.make_open_call()
    mail = Mail(idempotency_key="mots:1", to_address=admin.email, template="announcement", subject="",
                body_text="", body_html="", status="held")
    db.session.add(mail)
    db.session.commit()
    snapshot = f"/admin/workflows/versions/{call.workflow_version_id}"
    pages = ["/", "/admin/workflows", "/admin/workflows/deux-temps", snapshot, "/admin/appels", "/admin/appels/nouveau",
             f"/admin/appels/{call.id}/migration", "/admin/file-d-attente", "/admin/courriels",
             f"/admin/courriels/{mail.id}"]
    found = {}
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        found[path] = ENGLISH.findall(visible_text(response.text))
    assert {path: words for path, words in found.items() if words} == {}
    assert "Courriel « Messages du service des appels à projets » (pas encore rédigé)" in \
        client.get("/admin/courriels").page


def _menu(page: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav class="main-nav".*?</nav>', page, re.S).group(0)
    links = re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', nav, re.S)
    return [(href, " ".join(visible_text(text).split())) for href, text in links]


def test_the_admin_menu_has_one_entry_for_the_calls(client, login_as):
    login_as("admin")
    menu = _menu(client.get("/").text)
    calls = [(href, text) for href, text in menu if text.startswith("Appels")]
    assert calls == [("/admin/appels", "Appels à projets")]


def test_a_holder_menu_leads_to_the_open_calls(client, login_as):
    login_as("holder")
    menu = _menu(client.get("/").text)
    assert [(href, text) for href, text in menu if text.startswith("Appels")] == [("/appels", "Appels à projets")]


@pytest.mark.parametrize("path", ["/admin/appels/nouveau", "edit-call", "/structures/nouvelle", "edit-dossier"])
def test_no_two_fields_of_a_group_have_the_same_label(client, login_as, path):
    user = login_as("admin")
    if path == "edit-call":
        path = f"/admin/appels/{factories.make_call().id}/modifier"
    elif path == "edit-dossier":
        call = factories.with_cerfa_form(factories.make_open_call())
        dossier = factories.make_dossier(call, factories.make_organisation(members=[user]), user)
        path = f"/dossiers/{dossier.id}/modifier"
    parser = Labels()
    parser.feed(client.get(path).text)
    assert len(parser.found) > 5
    assert [label for label, count in Counter(parser.found).items() if count > 1] == []
