"""The final report in a browser: the holder saves a draft, is refused a gap left unexplained, submits; the instructor
reads it beside the forecast and accepts it with what was not spent; the administrator records the titre de recettes
and sets the call's indicators. axe checks each page."""
import itertools
from datetime import timedelta

import pytest

from aap.extensions import db
from tests import factories
from tests.browser.test_workflow import sign_in
from tests.decisions.reports_world import granted_dossier, today

pytestmark = pytest.mark.browser
COUNTER = itertools.count(1)


@pytest.fixture
def awaited(live_app):
    suffix = next(COUNTER)
    with live_app.app_context():
        call = factories.make_open_call(title=f"Appel comptes-rendus navigateur {suffix}")
        holder = factories.make_user(email=f"porteuse-compte-rendu{suffix}@example.org")
        world = granted_dossier(call, holder=holder, end_date=today() - timedelta(days=30),
                                title=f"Épicerie du canal {suffix}")
        db.session.commit()
        return {"id": world.dossier.id, "call": call.id, "holder": (holder.email, None),
                "instructor": (world.instructor.email, world.instructor.totp_secret),
                "admin": (world.admin.email, world.admin.totp_secret)}


def _fill(page, **lines):
    for label, value in lines.items():
        page.get_by_role("textbox", name=label, exact=True).fill(value)


def test_a_report_from_its_draft_to_its_acceptance_and_the_titre_de_recettes(page, browsers, awaited):
    holder = page  # its refused submission answers 409, which the browser reports on its console
    sign_in(holder, *awaited["holder"])
    holder.goto(f"/dossiers/{awaited['id']}")
    holder.audit()
    holder.get_by_role("link", name="Remplir le compte-rendu financier").click()
    holder.audit()
    holder.get_by_label("Ce qui a été réalisé").fill("L'épicerie a ouvert et accueille 90 familles.")
    _fill(holder, **{"60 – Achats": "3 000", "61 – Services extérieurs": "8 000", "64 – Charges de personnel": "12000",
                     "74 – Subvention demandée à cet appel": "12 000", "74 – Subvention de la Région": "8000"})
    holder.get_by_label("Emplois créés (en équivalents temps plein)").fill("1,5")
    holder.get_by_label("Nombre de bénéficiaires").fill("90")
    holder.get_by_role("button", name="Enregistrer le brouillon").click()
    holder.audit()
    assert "Brouillon du compte-rendu enregistré" in holder.get_by_role("main").inner_text()
    holder.get_by_role("button", name="Déposer le compte-rendu").click()
    holder.audit()
    alert = holder.get_by_role("alert").inner_text()
    assert "Expliquez l'écart de la ligne « 61 – Services extérieurs »" in alert
    holder.get_by_role("textbox", name="Explication de l'écart : 61 – Services extérieurs").fill(
        "Le local a demandé des travaux.")
    holder.get_by_role("button", name="Déposer le compte-rendu").click()
    holder.audit()
    assert "Votre compte-rendu financier est déposé" in holder.get_by_role("main").inner_text()

    staff = browsers()
    sign_in(staff, *awaited["instructor"])
    staff.goto(f"/dossiers/{awaited['id']}")
    staff.audit()
    staff.get_by_role("link", name="Examiner le compte-rendu").click()
    staff.audit()
    charges = staff.get_by_role("table", name="Charges")
    assert "Le local a demandé des travaux." in charges.inner_text() and "plus de 20 %" in charges.inner_text()
    staff.get_by_label("Montant non consommé").fill("5000")
    staff.get_by_role("button", name="Accepter le compte-rendu").click()
    staff.audit()
    assert "Titre de recettes à émettre : 1\u202f400\u00a0€" in staff.get_by_role("main").inner_text()

    admin = browsers()
    sign_in(admin, *awaited["admin"])
    admin.goto("/subventions/titres-de-recettes")
    admin.audit()
    admin.get_by_label("Numéro du titre de recettes").first.fill("TR-NAV-1")
    admin.get_by_label("Émis le").first.fill(today().isoformat())
    admin.get_by_role("button", name="Enregistrer l'émission").first.click()
    admin.audit()
    assert "Le titre de recettes est enregistré comme émis." in admin.get_by_role("main").inner_text()
    admin.goto(f"/admin/appels/{awaited['call']}/indicateurs-compte-rendu")
    admin.audit()
    admin.get_by_label("Indicateurs propres à l'appel, un par ligne").fill("Familles accueillies")
    admin.get_by_role("button", name="Enregistrer les indicateurs").click()
    admin.audit()
    assert "Les indicateurs du compte-rendu financier de l'appel sont enregistrés." in \
        admin.get_by_role("main").inner_text()
