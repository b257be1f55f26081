"""A holder's first visit and an administrator's login, in a real browser, with axe on every page."""
import re

import pyotp
import pytest

from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_holder_registers_confirms_logs_in_and_creates_an_organisation(page, live_app, live_worker, mailbox):
    page.goto("/")
    page.audit()
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Créer un compte").click()
    page.audit()
    page.get_by_label("Nom et prénom").fill("Awa Diallo")
    page.get_by_label("Adresse e-mail").fill("awa@example.org")
    page.get_by_label(re.compile(r"^Mot de passe")).fill("court")
    page.get_by_label("Confirmez le mot de passe").fill("court")
    page.get_by_role("button", name="Créer mon compte").click()
    page.audit()
    assert page.get_by_role("alert").filter(has_text="au moins 12 caractères").is_visible()

    page.get_by_label(re.compile(r"^Mot de passe")).fill("Epicerie-Solidaire-93")
    page.get_by_label("Confirmez le mot de passe").fill("Epicerie-Solidaire-93")
    page.get_by_role("button", name="Créer mon compte").click()
    page.audit()
    assert page.get_by_role("heading", name="Consultez votre messagerie").is_visible()

    live_worker.drain()
    [mail] = mailbox.to("awa@example.org")
    link = re.search(r"http://127\.0\.0\.1:\d+/verification/\S+", mailbox.text(mail)).group(0)
    page.goto(link)
    page.audit()
    page.get_by_role("button", name="Confirmer mon adresse").click()
    page.audit()

    page.get_by_label("Adresse e-mail").fill("awa@example.org")
    page.get_by_label("Mot de passe").fill("Epicerie-Solidaire-93")
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    page.audit()
    assert page.get_by_role("button", name="Se déconnecter").is_visible()

    page.get_by_role("link", name="Mes structures").first.click()
    page.audit()
    page.get_by_role("link", name="Enregistrer une structure").click()
    page.audit()
    page.get_by_label("Nom de la structure").fill("Épicerie solidaire des Francs-Moisins")
    page.get_by_label("Forme juridique").select_option("association")
    page.get_by_label("SIRET").fill("732 829 320 00075")
    page.get_by_label("Adresse du siège").fill("12 rue de la Solidarité")
    page.get_by_label("Commune").select_option("93066")
    page.get_by_label("quartier prioritaire").check()
    page.get_by_role("button", name="Enregistrer").click()
    page.audit()
    summary = page.get_by_role("alert")
    assert "Ce SIRET n'est pas valide : la clé de contrôle ne correspond pas." in summary.inner_text()
    assert page.get_by_label("SIRET").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Nom de la structure").input_value() == "Épicerie solidaire des Francs-Moisins"

    page.get_by_label("SIRET").fill("732 829 320 00074")
    page.get_by_role("button", name="Enregistrer").click()
    page.audit()
    assert page.get_by_role("heading", name="Épicerie solidaire des Francs-Moisins").is_visible()
    assert page.get_by_text("73282932000074").is_visible()


def test_admin_logs_in_with_a_totp_code(page, live_app):
    with live_app.app_context():
        admin = factories.make_user(email="admin.navigateur@example.org", roles=("admin",), totp=True)
        secret = admin.totp_secret
    page.goto("/connexion")
    page.audit()
    page.get_by_label("Adresse e-mail").fill("admin.navigateur@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    page.audit()
    page.get_by_label("Code à 6 chiffres").fill("000000")
    page.get_by_role("button", name="Valider").click()
    page.audit()
    assert "Ce code n'est pas valable" in page.get_by_role("alert").inner_text()
    page.get_by_label("Code à 6 chiffres").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Valider").click()
    page.audit()
    page.get_by_role("link", name="Utilisateurs").first.click()
    page.audit()
    assert page.get_by_role("heading", name="Utilisateurs", exact=True).is_visible()
    page.get_by_role("link", name="Mon compte").click()
    page.audit()
    page.get_by_role("link", name="Accessibilité : partiellement conforme").click()
    page.audit()


def test_the_audit_catches_a_violation(browser):
    from tests.browser.conftest import AccessibilityAudit

    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_content('<html><body><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>')
    with pytest.raises(AssertionError, match="image-alt"):
        AccessibilityAudit(page)()
    context.close()
