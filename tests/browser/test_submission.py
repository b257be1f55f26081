"""A holder finds the open call, starts a dossier, fills it in over two sittings and submits it."""
import itertools
import re

import pytest

from tests import factories
from tests.browser.test_workflow import sign_in

pytestmark = pytest.mark.browser
COUNTER = itertools.count(1)


@pytest.fixture
def open_call(live_app):
    suffix = next(COUNTER)
    with live_app.app_context():
        call = factories.make_open_call(title=f"Appel ESS parcours {suffix}", max_amount=15000, min_amount=3000,
                                        funders=["Plaine Commune"], description="## Objet\nSoutenir l'ESS.")
        holder = factories.make_user(email=f"parcours{suffix}@example.org")
        factories.make_organisation(members=[holder], name=f"Ressourcerie {suffix}")
        return {"title": str(call), "holder": holder.email}


def test_holder_applies_over_two_sittings_and_submits(page, open_call, live_worker, mailbox):
    page.goto("/")
    page.audit()
    page.get_by_role("link", name=open_call["title"]).click()
    page.audit()
    assert page.get_by_role("heading", name="Objet").is_visible()
    page.get_by_role("link", name="Déposer un dossier").click()
    page.audit()
    sign_in_from_redirect(page, open_call["holder"])
    page.get_by_role("button", name="Commencer le dossier").click()
    page.audit()
    page.get_by_label("Titre du projet").fill("Ressourcerie mobile")
    page.get_by_label("Montant demandé (€)").fill("20000")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.audit()
    assert "dépasse le maximum de l'appel" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Titre du projet").input_value() == "Ressourcerie mobile"
    page.get_by_label("Montant demandé (€)").fill("12000")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.audit()
    assert page.get_by_role("list", name="Manque encore :").inner_text().strip() == "description du projet"
    page.get_by_role("button", name="Se déconnecter").click()
    page.audit()

    sign_in(page, open_call["holder"])  # second sitting
    page.get_by_role("link", name="Mes dossiers").click()
    page.audit()
    page.get_by_role("link", name="Ressourcerie mobile").click()
    page.audit()
    blocked = page.get_by_role("region", name="Actions possibles").inner_text()
    assert "Le dossier est incomplet : description du projet manquant." in blocked
    page.get_by_role("link", name="Compléter le dossier").click()
    page.audit()
    page.get_by_label(re.compile("^Description du projet")).fill("Collecte et revente d'objets dans les quartiers.")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.audit()
    page.get_by_role("button", name="Déposer le dossier").click()
    page.audit()
    assert page.locator(".state-badge").inner_text().endswith("Déposé")
    live_worker.drain()
    assert re.fullmatch(r"Accusé de réception AAP-\d{4}-\d{4} : votre dossier « Ressourcerie mobile » est déposé",
                        mailbox.to(open_call["holder"])[0]["Subject"])
    assert page.get_by_role("region", name="Accusé de réception").is_visible()


def sign_in_from_redirect(page, email):
    from tests.factories import PASSWORD

    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    page.audit()
