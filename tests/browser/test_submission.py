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
        instructor = factories.make_user(email=f"instruction{suffix}@example.org", roles=("instructor",), totp=True)
        factories.make_organisation(members=[holder], name=f"Ressourcerie {suffix}")
        return {"title": str(call), "holder": holder.email, "instructor": instructor.email,
                "secret": instructor.totp_secret}


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
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mes dossiers").click()
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
    receipt = page.get_by_role("region", name="Accusé de réception")
    assert re.search(r"Dossier AAP-\d{4}-\d{4} déposé le", receipt.inner_text())
    with page.expect_download() as download:
        receipt.get_by_role("link", name="Télécharger l'accusé de réception (PDF)").click()
    assert re.fullmatch(r"accuse-AAP-\d{4}-\d{4}\.pdf", download.value.suggested_filename)
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"
    dossier_url = page.url
    page.get_by_role("button", name="Se déconnecter").click()
    page.audit()

    sign_in(page, open_call["instructor"], open_call["secret"])
    page.goto(dossier_url)
    page.audit()
    form = page.get_by_role("form", name="Demander des compléments")
    form.get_by_label(re.compile("^Commentaire")).fill("Merci de préciser les publics accueillis.")
    form.get_by_role("button", name="Demander des compléments").click()
    page.audit()
    page.get_by_role("button", name="Se déconnecter").click()
    page.audit()

    sign_in(page, open_call["holder"])
    page.goto(dossier_url)
    page.audit()
    assert "Merci de préciser les publics accueillis." in page.get_by_role("region", name="Historique").inner_text()
    thread = page.get_by_role("region", name="Échanges avec l'équipe d'instruction")
    thread.get_by_label(re.compile("^Votre message")).fill("Nous accueillons surtout des familles du quartier.")
    thread.get_by_role("button", name="Envoyer le message").click()
    page.audit()
    page.get_by_role("button", name="Déposer les compléments").click()
    page.audit()
    assert page.locator(".state-badge").inner_text().endswith("Déposé")
    assert "Nous accueillons surtout des familles du quartier." in page.get_by_role(
        "region", name="Échanges avec l'équipe d'instruction").inner_text()


def sign_in_from_redirect(page, email):
    from tests.factories import PASSWORD

    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    page.audit()


def test_the_cerfa_form_page_is_accessible_and_keeps_answers(page, live_app):
    suffix = next(COUNTER)
    with live_app.app_context():
        call = factories.with_cerfa_form(factories.make_open_call(title=f"Appel Cerfa {suffix}"))
        holder = factories.make_user(email=f"cerfa{suffix}@example.org")
        organisation = factories.make_organisation(members=[holder], name=f"Atelier {suffix}")
        dossier = factories.make_dossier(call, organisation, holder, complete=False)
        dossier_id, email = dossier.id, holder.email
    sign_in(page, email)
    page.goto(f"/dossiers/{dossier_id}/modifier")
    page.audit()
    page.get_by_label("Nom et prénom du représentant légal").fill("Awa Diallo")
    page.get_by_role("group", name=re.compile("^Publics bénéficiaires")).get_by_label("Familles").check()
    page.get_by_label("64 – Charges de personnel").fill("15000")
    page.get_by_label("60 – Achats").fill("-3")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.audit()
    assert "Saisissez un nombre positif." in page.get_by_role("alert").inner_text()
    page.get_by_label("60 – Achats").fill("5000")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.audit()
    checklist = page.get_by_role("list", name="Manque encore :").inner_text()
    assert "budget prévisionnel non équilibré" in checklist and "Objectifs du projet" in checklist
    page.goto(f"/dossiers/{dossier_id}/modifier")
    page.audit()
    assert page.get_by_label("Nom et prénom du représentant légal").input_value() == "Awa Diallo"
    assert page.get_by_label("64 – Charges de personnel").input_value() in ("15000", "15000.00")
