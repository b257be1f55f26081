"""An administrator edits the call's agreement template (a refused one first), generates the agreement of a released
grant, records its signature with the scan; the holder reads the letter, the agreement and the signed scan. axe
checks each page."""
from datetime import date

import pytest

from tests.browser.test_workflow import sign_in
from tests.decisions.documents_world import granted

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def grant(live_app):
    with live_app.app_context():
        world = granted("30000", call_title="Appel ESS documents navigateur", title="Jardin partagé navigateur")
        return {"call": world.call.id, "decision": world.decision.id, "dossier": world.dossier.id,
                "admin": (world.admin.email, world.admin.totp_secret), "holder": world.holder.email}


def test_template_agreement_signature_and_the_holders_documents(page, browsers, grant, tmp_path):
    admin = page  # its refused template answers 400, which a browser logs in its console
    sign_in(admin, *grant["admin"])
    admin.goto(f"/admin/appels/{grant['call']}/convention")
    admin.audit()
    source = admin.get_by_label("Texte du modèle")
    source.fill("# Convention\n\n{{ config.SECRET_KEY }}")
    admin.get_by_role("button", name="Enregistrer une nouvelle version").click()
    admin.audit()
    assert "Ligne 3 : « config » n'est pas une valeur disponible" in admin.get_by_role("alert").inner_text()
    source = admin.get_by_label("Texte du modèle")
    source.fill("# Convention\n\nEntre {{ autorite }} et **{{ structure }}**, pour {{ montant|money }}.")
    admin.get_by_role("button", name="Prévisualiser").click()
    admin.audit()
    admin.get_by_role("button", name="Enregistrer une nouvelle version").click()
    admin.audit()
    assert "version 1" in admin.get_by_role("status").first.inner_text()
    admin.goto(f"/decisions/{grant['decision']}/convention")
    admin.audit()
    admin.get_by_role("button", name="Générer la convention").click()
    admin.audit()
    assert "Entre Plaine Commune et" in admin.get_by_role("region", name="Texte de la convention").inner_text()
    scan = tmp_path / "convention-signee.pdf"
    scan.write_bytes(PDF)
    admin.get_by_label("Date de signature").fill(date.today().isoformat())
    admin.get_by_label("Convention signée (scan)").set_input_files(str(scan))
    admin.get_by_role("button", name="Enregistrer la convention signée").click()
    admin.audit()
    assert "La signature de la convention est enregistrée" in admin.get_by_role("status").first.inner_text()
    holder = browsers()
    sign_in(holder, grant["holder"])
    holder.goto(f"/dossiers/{grant['dossier']}")
    holder.audit()
    panel = holder.get_by_role("region", name="Courriers de décision et conventions")
    with holder.expect_download() as letter:
        panel.get_by_role("link", name="Courrier de décision (PDF)").click()
    assert open(letter.value.path(), "rb").read(5) == b"%PDF-"
    panel.get_by_role("link", name="Convention").click()
    holder.audit()
    with holder.expect_download() as signed:
        holder.get_by_role("link", name="Télécharger la convention signée (convention-signee.pdf)").click()
    assert open(signed.value.path(), "rb").read() == PDF
