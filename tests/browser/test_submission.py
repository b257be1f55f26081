"""The holder's journey in a browser: find the call, fill the Cerfa form over two sittings, attach, submit,
get the receipt on screen, by mail and as a PDF, answer an info request and resubmit."""
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
                                        funders=["Plaine Commune"], description="## Objet\nSoutenir l'ESS.",
                                        required_attachments=[{"key": "statuts", "label": "Statuts signés"}])
        factories.with_cerfa_form(call)
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
    page.get_by_label("Titre du projet", exact=True).fill("Ressourcerie mobile")
    page.get_by_label("Montant demandé (€)").fill("20000")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.audit()
    assert "dépasse le maximum de l'appel" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Titre du projet", exact=True).input_value() == "Ressourcerie mobile"
    page.get_by_label("Montant demandé (€)").fill("12000")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.audit()
    first_sitting_gaps = page.get_by_role("list", name="Manque encore :").inner_text()
    assert "description du projet" in first_sitting_gaps and "Statuts signés" in first_sitting_gaps
    page.get_by_role("button", name="Se déconnecter").click()
    page.audit()

    sign_in(page, open_call["holder"])  # second sitting
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mes dossiers").click()
    page.audit()
    page.get_by_role("link", name="Ressourcerie mobile").click()
    page.audit()
    blocked = page.get_by_role("region", name="Actions possibles").inner_text()
    assert "Le dossier est incomplet : description du projet, Nom et prénom du représentant légal" in blocked
    page.get_by_role("link", name="Compléter le dossier").click()
    page.audit()
    page.get_by_label(re.compile("^Description du projet")).fill("Collecte et revente d'objets dans les quartiers.")
    fill_cerfa(page)
    page.get_by_label("Résumé public du projet").fill("Une ressourcerie qui va de quartier en quartier.")
    page.get_by_label(re.compile("^J'accepte que le nom de la structure")).check()
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.audit()
    assert page.get_by_role("list", name="Manque encore :").inner_text().strip() == "Statuts signés"
    pieces = page.get_by_role("region", name="Pièces jointes")
    pieces.get_by_label("Ajouter « Statuts signés »").set_input_files(
        files=[{"name": "statuts.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    pieces.get_by_role("button", name=re.compile("^Envoyer — Statuts signés")).click()
    page.audit()
    assert "Le dossier est complet : vous pouvez le déposer." in page.get_by_role("main").inner_text()
    page.get_by_role("button", name="Déposer le dossier").click()
    page.audit()
    assert page.locator(".state-badge").inner_text().endswith("Déposé")
    live_worker.drain()
    [receipt_mail] = mailbox.to(open_call["holder"])
    assert re.fullmatch(r"Accusé de réception AAP-\d{4}-\d{4} : votre dossier n° \d+ est déposé", receipt_mail["Subject"])
    assert "« Ressourcerie mobile »" in mailbox.text(receipt_mail)
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


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def fill_cerfa(page):
    """Every question of the default Cerfa form, with a budget that balances at 12 000 € requested."""
    for label, value in (("Nom et prénom du représentant légal", "Awa Diallo"),
                         ("Fonction du représentant légal", "Présidente"), ("Nombre de bénévoles", "15"),
                         ("Nombre de salarié·es", "2"), ("Salarié·es en équivalent temps plein (ETP)", "1.5"),
                         ("Objectifs du projet", "Réduire les déchets."),
                         ("Date de début du projet", "2027-01-01"), ("Date de fin du projet", "2027-12-31"),
                         ("Indicateurs d'évaluation", "Tonnes collectées."),
                         ("Emplois créés grâce au projet (ETP)", "1"), ("60 – Achats", "8000"),
                         ("64 – Charges de personnel", "16000"), ("70 – Ventes de produits finis, prestations de "
                                                                  "services", "12000"),
                         ("74 – Subvention demandée à cet appel", "12000")):
        page.get_by_label(re.compile("^" + re.escape(label))).fill(value)
    page.get_by_role("group", name=re.compile("^Publics bénéficiaires")).get_by_label("Familles").check()
    page.get_by_role("group", name=re.compile("^Communes concernées")).get_by_label("Stains").check()
    page.get_by_role("group", name=re.compile("^Le projet se déroule-t-il")).get_by_label("Non").check()
    for group in ("^Je déclare que la structure", "^Je certifie exactes"):
        page.get_by_role("group", name=re.compile(group)).get_by_label("Oui").check()


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
    qpv = page.get_by_role("group", name=re.compile("^Le projet se déroule-t-il"))
    assert not page.get_by_label(re.compile("^Quartiers concernés")).is_visible()
    qpv.get_by_label("Oui").check()
    assert page.get_by_label(re.compile("^Quartiers concernés")).is_visible()
    page.get_by_label(re.compile("^Quartiers concernés")).fill("Clos Saint-Lazare")
    qpv.get_by_label("Non").check()
    assert not page.get_by_label(re.compile("^Quartiers concernés")).is_visible()
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
