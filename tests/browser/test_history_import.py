"""The import of past editions in a browser: a refused file shows its problems, a good one its preview, then the
import and its result; axe on each page. The edition 1996, number 902, belongs to this file alone."""
import pytest

from aap.bilan.history_template import template_header
from aap.calls.models import Call
from aap.extensions import db
from tests import factories
from tests.bilan.history_world import csv_bytes, refused, row
from tests.browser.test_workflow import sign_in

pytestmark = pytest.mark.browser
EDITION = {"annee": "1996", "numero_edition": "902", "intitule_appel": "Appel navigateur — 902e édition",
           "date_depot": "12/05/1996", "deliberation_date": "28/09/1996", "date_convention": "15/10/1996",
           "date_versement_1": "12/11/1996", "date_versement_2": "20/11/1997", "date_creation": "15/01/1990"}

#: what a refusal leaves empty (refused() empties it itself)
GRANT_ONLY = ("date_convention", "date_versement_1", "date_versement_2")


def test_an_administrator_previews_a_refused_file_then_imports_a_good_one(page, live_app, tmp_path):
    with live_app.app_context():
        admin = factories.make_user(email="admin.historique@example.org", roles=("admin",), totp=True)
        email, secret = admin.email, admin.totp_secret
    bad, good = tmp_path / "historique-faux.csv", tmp_path / "historique 1996.csv"
    bad.write_bytes(csv_bytes([row(**EDITION, reference="BRW-1996-1", montant_demande="12.000,50")]))
    undecided = {name: value for name, value in EDITION.items() if name not in GRANT_ONLY}
    good.write_bytes(csv_bytes([row(**EDITION, reference="BRW-1996-1"), refused(**undecided, reference="BRW-1996-2")],
                               header=template_header(2)))
    sign_in(page, email, secret)
    page.goto("/admin/historique")
    page.audit()
    page.get_by_role("link", name="Le modèle de fichier : ses colonnes et leurs règles").click()
    page.audit()
    assert page.get_by_role("heading", name="Le modèle des éditions passées").is_visible()
    page.goto("/admin/historique")
    page.audit()
    page.get_by_label("Fichier des éditions passées").set_input_files(str(bad))
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.audit()
    assert page.get_by_text("Le fichier ne peut pas être importé : il compte 1 problème.").is_visible()
    assert page.get_by_role("cell", name="montant_demande (R)").is_visible()
    page.goto("/admin/historique")
    page.audit()
    page.get_by_label("Fichier des éditions passées").set_input_files(str(good))
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.audit()
    assert page.get_by_role("row", name="1996, n° 902").is_visible()
    page.get_by_role("button", name="Importer ces 2 dossiers").click()
    page.audit()
    assert page.get_by_text("Import terminé : 1 édition(s)").is_visible()
    with live_app.app_context():
        call = db.session.execute(db.select(Call).where(Call.edition == 902)).scalar_one()
        assert (call.year, call.state) == (1996, "archived")
