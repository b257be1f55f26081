"""Reading a submitted dossier in a browser: the instructor reads every answer and downloads the « dossier complet »;
a blind reviewer reads the same answers without the holder's identity. axe checks each page."""
import itertools
from io import BytesIO

import pytest

from aap.core.storage import storage
from aap.dossiers.attachments import attach
from aap.dossiers.reviewers import Assignment
from aap.extensions import db
from aap.workflow import engine
from tests import factories
from tests.browser.test_submission import PDF
from tests.browser.test_workflow import sign_in
from tests.dossiers.test_reading import ANSWERS

pytestmark = pytest.mark.browser
COUNTER = itertools.count(1)


@pytest.fixture
def submitted(live_app):
    suffix = next(COUNTER)
    with live_app.app_context():
        call = factories.with_cerfa_form(factories.make_open_call(title=f"Appel lecture {suffix}",
                                                                  hide_holder_identity=True))
        holder = factories.make_user(email=f"lecture{suffix}@example.org")
        organisation = factories.make_organisation(members=[holder], name=f"Recyclerie du Canal {suffix}")
        dossier = factories.make_dossier(call, organisation, holder)
        dossier.answers = dict(ANSWERS)
        attach(dossier, "autre", storage().save(BytesIO(PDF), "statuts.pdf"), holder)
        db.session.commit()
        engine.apply_transition(dossier.id, "submit", holder)
        instructor = factories.make_user(email=f"instruction-lecture{suffix}@example.org", roles=("instructor",),
                                         totp=True)
        reviewer = factories.make_user(email=f"relecture{suffix}@example.org", roles=("reviewer",), call=call,
                                       totp=True)
        db.session.add(Assignment(dossier_id=dossier.id, user_id=reviewer.id))
        db.session.commit()
        return {"id": dossier.id, "organisation": organisation.name,
                "instructor": (instructor.email, instructor.totp_secret),
                "reviewer": (reviewer.email, reviewer.totp_secret)}


def test_the_instructor_and_a_blind_reviewer_read_the_answers(page, submitted):
    sign_in(page, *submitted["instructor"])
    page.goto(f"/dossiers/{submitted['id']}")
    page.audit()
    page.get_by_role("region", name="Les réponses du dossier").get_by_role("link", name="Lire le dossier").click()
    page.audit()
    main = page.get_by_role("main").inner_text()
    assert submitted["organisation"] in main and "Awa Diallo" in main and "01/01/2027" in main
    assert page.get_by_role("table", name="Charges").get_by_role("row", name="Total des charges").is_visible()
    assert page.get_by_role("region", name="Pièces jointes").get_by_role("link", name="statuts.pdf").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le dossier complet (PDF)").click()
    assert download.value.suggested_filename.startswith("dossier-complet-AAP-")
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"
    page.get_by_role("button", name="Se déconnecter").click()
    page.audit()

    sign_in(page, *submitted["reviewer"])
    page.goto(f"/dossiers/{submitted['id']}/lecture")
    page.audit()
    main = page.get_by_role("main").inner_text()
    assert submitted["organisation"] not in main and "Awa Diallo" not in main
    assert "Masqué pour la relecture" in main and "Réduire les déchets." in main
    pieces = page.get_by_role("region", name="Pièces jointes")
    assert "fichier non communiqué pour la relecture" in pieces.inner_text() and "statuts.pdf" not in pieces.inner_text()
    assert pieces.get_by_role("link").count() == 0
