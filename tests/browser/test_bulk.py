"""Bulk messages in a browser: list, form, preview and the held outbox, each checked by axe."""
import itertools

import pytest

from tests import factories
from tests.browser.test_workflow import sign_in

pytestmark = pytest.mark.browser
COUNTER = itertools.count(1)


def test_an_admin_previews_and_holds_a_bulk_message(page, live_app):
    suffix = next(COUNTER)
    with live_app.app_context():
        admin = factories.make_user(email=f"admin.messages{suffix}@example.org", roles=("admin",), totp=True)
        call = factories.make_open_call(title=f"Appel messages {suffix}")
        holder = factories.make_user(email=f"porteuse.messages{suffix}@example.org", full_name="Awa Diallo")
        factories.make_dossier(call, factories.make_organisation(members=[holder]), holder)
        email, secret, call_label = admin.email, admin.totp_secret, str(call)
    sign_in(page, email, secret)
    page.goto("/admin/messages")
    page.audit()
    page.get_by_role("link", name="Écrire un message").click()
    page.audit()
    page.get_by_label("Destinataires").select_option("holders")
    page.get_by_label("Appel à projets").select_option(label=call_label)
    page.get_by_label("Objet").fill("Réunion <b>d'information</b>")
    page.get_by_label("Message").fill("Bonjour,\nune réunion a lieu jeudi à 18 h.")
    page.get_by_role("button", name="Prévisualiser").click()
    page.audit()
    assert page.get_by_role("heading", name="1 destinataire").is_visible()
    html_part = page.frame_locator("iframe[title='Aperçu du courriel au format HTML']")
    assert html_part.get_by_text("Bonjour Awa Diallo,").is_visible()
    page.get_by_role("button", name="Mettre en attente").click()
    page.audit()
    assert page.get_by_role("heading", level=1).inner_text() == "Message groupé : Réunion <b>d'information</b>"
    assert page.get_by_role("button", name="Envoyer maintenant à 1 destinataire").is_visible()
    assert page.get_by_role("cell", name="Retenu").is_visible()
