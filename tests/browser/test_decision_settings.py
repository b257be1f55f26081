"""An administrator changes an envelope with its reason, seats a co-funder, and prepares a closed session's decisions in
one form. axe checks each page."""
from datetime import timedelta
from decimal import Decimal

import pytest

from aap.committee.models import CLOSED, FAVORABLE, AgendaItem, CommitteeSession
from aap.core.models import utcnow
from aap.extensions import db
from tests import factories
from tests.browser.test_workflow import sign_in
from tests.decisions.world import deciding_call, waiting_dossier

pytestmark = pytest.mark.browser


@pytest.fixture
def settings_world(live_app):
    with live_app.app_context():
        call = deciding_call(title="Appel ESS réglages des décisions")
        dossier = waiting_dossier(call, holder=factories.make_user(email="porteur.reglages@example.org"))
        now = utcnow() - timedelta(days=1)
        session = CommitteeSession(call_id=call.id, title="Comité des réglages", starts_at=now, ends_at=now,
                                   quorum=1, state=CLOSED)
        db.session.add(session)
        db.session.flush()
        db.session.add(AgendaItem(session_id=session.id, dossier_id=dossier.id, position=1,
                                  recommendation=FAVORABLE, amount=Decimal("7000")))
        admin = factories.make_user(email="admin.reglages@example.org", roles=("admin",), totp=True)
        db.session.commit()
        return {"call": call.id, "session": session.id, "admin": (admin.email, admin.totp_secret)}


def test_envelopes_cofunders_and_a_session_decided_at_once(page, settings_world):
    sign_in(page, *settings_world["admin"])
    page.goto(f"/decisions/appels/{settings_world['call']}")
    page.audit()
    page.get_by_role("link", name="Enveloppes et leurs changements").click()
    page.audit()
    page.get_by_label("Nouveau montant, en euros").fill("110 000")
    page.get_by_label("Motif du changement").fill("Délibération DEL-2026-150")
    page.get_by_role("button", name="Changer l'enveloppe").click()
    page.audit()
    assert "Délibération DEL-2026-150" in page.get_by_role("main").inner_text()
    page.goto(f"/decisions/appels/{settings_world['call']}/cofinanceurs")
    page.audit()
    page.get_by_label("Nom du cofinanceur").fill("Région Île-de-France")
    page.get_by_label("Son enveloppe, en euros").fill("20 000")
    page.get_by_role("button", name="Ajouter le cofinanceur").click()
    page.audit()
    assert "Région Île-de-France est cofinanceur de l'appel" in page.get_by_role("main").inner_text()
    page.goto(f"/decisions/appels/{settings_world['call']}")
    page.audit()
    page.get_by_role("link", name="Décider les dossiers de la séance « Comité des réglages »").click()
    page.audit()
    page.get_by_label("Référence de la délibération").fill("DEL-2026-151")
    page.get_by_label("Date de la délibération").fill("2026-06-20")
    page.get_by_role("button", name="Préparer ces décisions").click()
    page.audit()
    assert "1 décision préparée" in page.get_by_role("main").inner_text()
