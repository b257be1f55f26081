"""A granted dossier's payments in a browser: the holder types the bank details, then an administrator finds the
advance among the payments due and records it; axe checks every page, refusals included."""
import itertools
from datetime import date, timedelta

import pytest

from aap.core.models import utcnow
from aap.decisions.payments_plan import plan_tranches
from aap.extensions import db
from tests import factories
from tests.browser.test_workflow import sign_in
from tests.decisions.payments_world import decision_on, granted_dossier

pytestmark = pytest.mark.browser
COUNTER = itertools.count(1)


def _world(live_app):
    suffix = next(COUNTER)
    with live_app.app_context():
        call = factories.make_open_call(title=f"Appel ESS versements navigateur {suffix}")
        holder = factories.make_user(email=f"porteuse.versements{suffix}@example.org", full_name="Awa Diallo")
        organisation = factories.make_organisation(members=[holder], name=f"Le Lien versements {suffix}")
        admin = factories.make_user(email=f"admin.versements{suffix}@example.org", roles=("admin",), totp=True)
        dossier = granted_dossier(call, organisation, holder, title=f"Ressourcerie versements {suffix}")
        released = utcnow() - timedelta(days=70)  # the advance's legal delay ran out ten days ago
        plan_tranches(decision_on(dossier, amount="20000", released_at=released), released)
        db.session.commit()
        return {"holder": holder.email, "admin": admin.email, "secret": admin.totp_secret, "title": dossier.title,
                "reference": dossier.reference, "dossier": dossier.id}


def test_the_holder_gives_the_bank_details_and_the_advance_is_recorded(page, live_app):
    world = _world(live_app)
    holder = admin = page
    sign_in(holder, world["holder"])
    holder.goto(f"/dossiers/{world['dossier']}")
    holder.audit()
    panel = holder.get_by_role("region", name="Versements")
    assert panel.get_by_text("En retard de 10 jours").is_visible()
    panel.get_by_role("link", name="Coordonnées bancaires de la structure").click()
    holder.audit()
    holder.get_by_label("IBAN (obligatoire)").fill("fr06 3000 6000 0112 3456 7890 188")
    holder.get_by_label("BIC (code SWIFT) (obligatoire)").fill("agrifrpp")
    holder.get_by_role("button", name="Enregistrer ces coordonnées").click()
    holder.audit()
    assert holder.get_by_text("La clé RIB (88, les deux derniers chiffres) ne correspond pas").first.is_visible()
    assert holder.get_by_label("BIC (code SWIFT) (obligatoire)").input_value() == "agrifrpp"  # nothing typed is lost
    holder.get_by_label("IBAN (obligatoire)").fill("fr76 3000 6000 0112 3456 7890 189")
    holder.get_by_role("button", name="Enregistrer ces coordonnées").click()
    holder.audit()
    assert holder.get_by_text("Les coordonnées bancaires sont enregistrées").is_visible()

    holder.get_by_role("button", name="Se déconnecter").click()
    holder.audit()
    sign_in(admin, world["admin"], world["secret"])
    admin.get_by_role("link", name="Versements", exact=True).click()
    admin.audit()
    admin.get_by_role("link", name=world["reference"]).click()
    admin.audit()
    admin.get_by_role("link", name="Modifier l'échéancier").click()
    admin.audit()
    admin.get_by_role("link", name="Annuler").click()
    admin.audit()
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    form = admin.get_by_role("form", name="Enregistrer le versement : Acompte, 14 000 €")
    form.get_by_label("Date du versement (obligatoire)").fill(tomorrow)
    form.get_by_label("Référence du versement (obligatoire)").fill("M-2026-118")
    form.get_by_role("button", name="Enregistrer le versement").click()
    admin.audit()
    assert admin.get_by_text("est dans le futur : indiquez le jour où le virement a été fait.").first.is_visible()
    form = admin.get_by_role("form", name="Enregistrer le versement : Acompte, 14 000 €")
    form.get_by_label("Date du versement (obligatoire)").fill(date.today().isoformat())
    form.get_by_role("button", name="Enregistrer le versement").click()
    admin.audit()
    assert admin.get_by_text("Versement enregistré : Acompte").is_visible()
    assert admin.get_by_role("link", name="Modifier l'échéancier").count() == 0
    admin.get_by_role("link", name="Versements à faire").click()
    admin.audit()
    assert admin.get_by_text(world["reference"]).count() == 0
