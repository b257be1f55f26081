"""A grant's life in browsers, from the release of its decision to the dossier's closing: the administrator decides
and releases, generates the agreement and records its signature; the holder gives the bank details; the advance is
paid; the holder hands in the final report, the instructor accepts it; the balance is paid and the dossier closes.
axe checks every page each person visits."""
from datetime import date
from decimal import Decimal

import pytest

from aap.core.formatting import money
from aap.extensions import db
from tests import factories
from tests.browser.test_workflow import sign_in
from tests.decisions.world import deciding_call, waiting_dossier

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
#: a 50,000 € project asking 30,000 € of the call: above 23,000 €, so an agreement comes before any payment
BUDGET = {"60": "20000", "64": "30000", "74-call": "30000", "70": "20000"}


@pytest.fixture
def waiting(live_app):
    with live_app.app_context():
        call = deciding_call(title="Appel ESS parcours d'une subvention")
        holder = factories.make_user(email="porteuse.parcours@example.org", full_name="Awa Parcours")
        dossier = waiting_dossier(call, requested="30000", holder=holder, budget=BUDGET)
        admin = factories.make_user(email="admin.parcours@example.org", roles=("admin",), totp=True)
        instructor = factories.make_user(email="instructrice.parcours@example.org", roles=("instructor",), totp=True)
        db.session.commit()
        return {"call": call.id, "dossier": dossier.id, "reference": dossier.reference, "holder": holder.email,
                "admin": (admin.email, admin.totp_secret), "instructor": (instructor.email, instructor.totp_secret),
                "advance": money(Decimal(21000)), "balance": money(Decimal(9000))}


def decide_and_release(admin, world):
    admin.get_by_role("link", name="Décisions", exact=True).click()
    admin.audit()
    admin.get_by_role("link", name="Appel ESS parcours d'une subvention").click()
    admin.audit()
    admin.get_by_role("link", name=f"Décider — {world['reference']}").click()
    admin.audit()
    admin.get_by_label("Accordé").check()
    admin.get_by_label("Montant, en euros").fill("30 000")
    admin.get_by_label("Référence de la délibération").fill("DEL-2026-301")
    admin.get_by_label("Date de la délibération").fill("2026-06-12")
    admin.get_by_role("button", name="Préparer la décision").click()
    admin.audit()
    assert "Le porteur n'en saura rien avant sa publication" in admin.get_by_role("main").inner_text()
    admin.get_by_role("link", name="Publier la décision préparée").click()
    admin.audit()
    admin.get_by_label("Je publie ces décisions").check()
    admin.get_by_role("button", name="Publier la décision").click()
    admin.audit()
    assert "1 décision publiée" in admin.get_by_role("main").inner_text()


def sign_the_agreement(admin, world, tmp_path):
    admin.goto(f"/dossiers/{world['dossier']}")
    admin.audit()
    admin.get_by_role("region", name="Courriers de décision et conventions").get_by_role(
        "link", name="Convention").click()
    admin.audit()
    admin.get_by_role("button", name="Générer la convention").click()
    admin.audit()
    scan = tmp_path / "convention-parcours.pdf"
    scan.write_bytes(PDF)
    admin.get_by_label("Date de signature").fill(date.today().isoformat())
    admin.get_by_label("Convention signée (scan)").set_input_files(str(scan))
    admin.get_by_role("button", name="Enregistrer la convention signée").click()
    admin.audit()
    assert "La signature de la convention est enregistrée" in admin.get_by_role("status").first.inner_text()


def pay(admin, world, tranche: str, amount: str, reference: str):
    admin.get_by_role("link", name="Versements", exact=True).click()
    admin.audit()
    admin.get_by_role("link", name=world["reference"]).click()
    admin.audit()
    form = admin.get_by_role("form", name=f"Enregistrer le versement : {tranche}, {amount}")
    form.get_by_label("Date du versement (obligatoire)").fill(date.today().isoformat())
    form.get_by_label("Référence du versement (obligatoire)").fill(reference)
    form.get_by_role("button", name="Enregistrer le versement").click()
    admin.audit()
    assert f"Versement enregistré : {tranche}" in admin.get_by_role("main").inner_text()


def give_bank_details(holder, world):
    holder.goto(f"/dossiers/{world['dossier']}")
    holder.audit()
    main = holder.get_by_role("main").inner_text()
    assert "DEL-2026-301" in main and "Accordé" in main
    holder.get_by_role("region", name="Versements").get_by_role(
        "link", name="Coordonnées bancaires de la structure").click()
    holder.audit()
    holder.get_by_label("IBAN (obligatoire)").fill("FR76 3000 6000 0112 3456 7890 189")
    holder.get_by_label("BIC (code SWIFT) (obligatoire)").fill("AGRIFRPP")
    holder.get_by_role("button", name="Enregistrer ces coordonnées").click()
    holder.audit()
    assert holder.get_by_text("Les coordonnées bancaires sont enregistrées").is_visible()


def hand_in_the_report(holder, world):
    holder.goto(f"/dossiers/{world['dossier']}")
    holder.audit()
    holder.get_by_role("link", name="Remplir le compte-rendu financier").click()
    holder.audit()
    holder.get_by_label("Ce qui a été réalisé").fill("La ressourcerie a ouvert ; 120 personnes y ont été formées.")
    for label, value in {"60 – Achats": "20 000", "64 – Charges de personnel": "30 000",
                         "74 – Subvention demandée à cet appel": "30 000",
                         "70 – Ventes de produits finis, prestations de services": "20 000"}.items():
        holder.get_by_role("textbox", name=label, exact=True).fill(value)
    holder.get_by_label("Emplois créés (en équivalents temps plein)").fill("2")
    holder.get_by_label("Nombre de bénéficiaires").fill("120")
    holder.get_by_role("button", name="Déposer le compte-rendu").click()
    holder.audit()
    assert "Votre compte-rendu financier est déposé" in holder.get_by_role("main").inner_text()


def accept_the_report(instructor, world):
    instructor.goto(f"/dossiers/{world['dossier']}")
    instructor.audit()
    instructor.get_by_role("link", name="Examiner le compte-rendu").click()
    instructor.audit()
    instructor.get_by_role("button", name="Accepter le compte-rendu").click()
    instructor.audit()


def test_a_grant_from_its_release_to_its_closing(browsers, waiting, tmp_path):
    admin, holder, instructor = browsers(), browsers(), browsers()
    sign_in(admin, *waiting["admin"])
    decide_and_release(admin, waiting)
    sign_in(holder, waiting["holder"])
    give_bank_details(holder, waiting)
    sign_the_agreement(admin, waiting, tmp_path)
    pay(admin, waiting, "Acompte", waiting["advance"], "M-2026-301")
    hand_in_the_report(holder, waiting)
    sign_in(instructor, *waiting["instructor"])
    accept_the_report(instructor, waiting)
    pay(admin, waiting, "Solde", waiting["balance"], "M-2026-302")
    admin.goto(f"/dossiers/{waiting['dossier']}")
    admin.audit()
    assert "Soldé" in admin.get_by_role("main").inner_text()
    holder.goto(f"/dossiers/{waiting['dossier']}")
    holder.audit()
    assert "Soldé" in holder.get_by_role("main").inner_text()
