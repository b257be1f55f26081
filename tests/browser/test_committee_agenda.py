"""The committee's agenda and envelope tracker in a browser: the instructor sets the agenda, a conflicted member
prepares the session without the dossier they are recused for; every page checked by axe."""
import itertools
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from aap.committee.models import FAVORABLE, AgendaItem
from aap.core.models import utcnow
from aap.dossiers.reviewers import Conflict
from aap.extensions import db
from tests import factories
from tests.browser.test_workflow import sign_in
from tests.committee.agenda_world import make_session, ready_dossier, strands_of

pytestmark = pytest.mark.browser
COUNTER = itertools.count(1)


@pytest.fixture
def meeting(live_app):
    suffix = next(COUNTER)
    with live_app.app_context():
        call = factories.make_open_call(title=f"Appel ordre du jour {suffix}")
        creation, development = strands_of(call)
        instructor = factories.make_user(email=f"instructeur.comite{suffix}@example.org", roles=("instructor",),
                                         totp=True)
        member = factories.make_user(email=f"membre.comite{suffix}@example.org", roles=("committee",), call=call,
                                     totp=True, full_name="Chloé Région")
        session = make_session(call, [member], title=f"Comité de printemps {suffix}")
        recused = ready_dossier(call, creation, "85", title="Ressourcerie du canal")
        ready_dossier(call, creation, "60", title="Jardin partagé")
        ready_dossier(call, development, "72", title="Café des parents")
        db.session.add(Conflict(dossier_id=recused.id, user_id=member.id, kind="financial", declared_at=utcnow()))
        db.session.commit()
        return {"session": session.id, "instructor": (instructor.email, instructor.totp_secret),
                "member": (member.email, member.totp_secret)}


def test_the_agenda_is_set_then_prepared_without_the_recused_dossier(page, live_app, live_worker, meeting):
    sign_in(page, *meeting["instructor"])
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Comité", exact=True).click()
    page.audit()
    page.get_by_role("link", name="0 dossier").first.click()
    page.audit()
    page.get_by_label("AAP-", exact=False).first.check()
    page.get_by_role("button", name="Inscrire les dossiers cochés").click()
    page.audit()
    assert page.get_by_text("1 dossier inscrit à l'ordre du jour.").is_visible()
    page.get_by_role("button", name="Inscrire les 2 dossiers prêts").click()
    page.audit()
    rows = page.get_by_role("table", name="Ordre de passage des dossiers").get_by_role("row").all()[1:]
    assert [row.get_by_role("rowheader").inner_text().split(" — ")[1] for row in rows] == \
        ["Ressourcerie du canal", "Jardin partagé", "Café des parents"]
    page.get_by_role("button", name="Descendre AAP-", exact=False).first.click()
    page.audit()
    page.get_by_role("button", name="Trier par volet, puis par note").click()
    page.audit()
    with live_app.app_context():
        first = db.session.execute(db.select(AgendaItem).where(AgendaItem.session_id == meeting["session"],
                                                               AgendaItem.position == 1)).scalar_one()
        first.recommendation, first.amount = FAVORABLE, Decimal("8000")
        db.session.commit()
    page.get_by_role("link", name="Suivi de l'enveloppe").click()
    page.audit()
    page.get_by_label("Montant à essayer, en euros").fill("5000")
    page.get_by_role("button", name="Essayer").click()
    page.audit()
    assert page.get_by_text("Avec 5", exact=False).is_visible()

    page.context.clear_cookies()
    sign_in(page, *meeting["member"])
    page.goto(f"/comite/seances/{meeting['session']}/preparation")
    page.audit()
    assert page.get_by_text("Vous êtes déporté·e pour ce dossier.").is_visible()
    assert "Ressourcerie du canal" not in page.content()
    assert page.get_by_role("heading", name="Jardin partagé", exact=False).is_visible()
    page.get_by_role("button", name="Mettre en page mon dossier de préparation (PDF)").click()
    page.audit()
    assert page.get_by_text("Cette page se met à jour toute seule", exact=False).is_visible()
    live_worker.drain()
    page.reload()
    page.audit()
    expect(page.get_by_role("link", name="Télécharger le PDF", exact=False)).to_be_visible()
    page.get_by_role("link", name="Préparer la séance").click()
    page.audit()
    page.get_by_role("link", name="Ordre du jour").click()
    page.audit()
    assert "Ressourcerie du canal" not in page.content() and "Inscrire" not in page.content()
