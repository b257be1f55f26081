"""The whole review of a call in a browser, with axe on every page: the instructor reads a dossier, checks its
eligibility and runs the automatic assignment; two reviewers score; a third declares a conflict and can no longer
reach the dossier; the instructor reads the aggregated and calibrated scores and exports the XLSX."""
import itertools
import re

import pytest
from openpyxl import load_workbook

from aap.dossiers.models import Dossier
from aap.dossiers.reviewers import Assignment
from aap.extensions import db
from aap.review.models import PoolMember
from aap.workflow import engine
from tests import factories
from tests.browser.test_workflow import sign_in
from tests.dossiers.test_reading import ANSWERS

pytestmark = pytest.mark.browser
COUNTER = itertools.count(1)
CHECKLIST = ["La structure relève de l'ESS", "Le siège est sur le territoire"]
REVIEWERS = {"networks": "Nadia Réseau", "banks": "Bruno Banque", "elected": "Élise Élue"}
#: what each of the two scoring reviewers gives to their two dossiers: one is severe, the other generous
SCORES = {"networks": [("2", "2", "1", "2"), ("3", "2", "2", "3")], "banks": [("5", "4", "5", "4"), ("4", "4", "3", "4")]}


@pytest.fixture
def review_call(live_app):
    suffix = next(COUNTER)
    with live_app.app_context():
        call = factories.with_cerfa_form(factories.make_open_call(
            title=f"Appel ESS relecture complète {suffix}", eligibility_checklist=CHECKLIST,
            reviews_per_dossier=2, groups_per_dossier=2))
        holder = factories.make_user(email=f"porteuse.parcours{suffix}@example.org")
        dossiers = []
        for number, name in enumerate(("Ressourcerie du Canal", "Café des Six Routes", "Atelier Vélo Pleyel")):
            organisation = factories.make_organisation(members=[holder], name=f"{name} {suffix}")
            dossier = factories.make_dossier(call, organisation, holder, title=f"Projet {name}")
            dossier.answers = dict(ANSWERS)
            db.session.commit()
            engine.apply_transition(dossier.id, "submit", holder)
            dossiers.append(dossier.id)
        people = {"instructor": factories.make_user(email=f"instructrice.parcours{suffix}@example.org",
                                                    roles=("instructor",), totp=True, full_name="Inès Tructrice")}
        for group, name in REVIEWERS.items():
            person = factories.make_user(email=f"{group}.parcours{suffix}@example.org", roles=("reviewer",),
                                         call=call, totp=True, full_name=name)
            db.session.add(PoolMember(call_id=call.id, user_id=person.id, group=group))
            people[group] = person
        db.session.commit()
        return {"call": call.id, "dossiers": dossiers, "ids": {key: p.id for key, p in people.items()},
                "logins": {key: (p.email, p.totp_secret) for key, p in people.items()}}


def sign_out(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.audit()


def assigned_to(live_app, user_id) -> list[int]:
    with live_app.app_context():
        return sorted(db.session.execute(db.select(Assignment.dossier_id).where(Assignment.user_id == user_id))
                      .scalars())


def instructor_reads_checks_and_assigns(page, review_call, live_worker):
    first = review_call["dossiers"][0]
    sign_in(page, *review_call["logins"]["instructor"])
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Instruction").click()
    page.audit()
    page.get_by_role("link", name=re.compile("Appel ESS relecture complète")).first.click()
    page.audit()
    page.get_by_role("link", name=re.compile("Projet Ressourcerie du Canal")).click()
    page.audit()
    page.get_by_role("region", name="Les réponses du dossier").get_by_role("link", name="Lire le dossier").click()
    page.audit()
    assert page.get_by_role("table", name="Charges").is_visible()
    page.goto(f"/dossiers/{first}")
    page.audit()
    checklist = page.get_by_role("region", name="Recevabilité")
    for item in CHECKLIST:
        checklist.get_by_label(item).check()
    checklist.get_by_role("button", name="Enregistrer la recevabilité").click()
    page.audit()
    page.get_by_role("region", name="Actions possibles").get_by_role("button", name="Déclarer recevable").click()
    page.audit()
    assert "Le dossier est maintenant à l'état « En instruction »" in page.get_by_role("status").inner_text()
    page.goto(f"/instruction/appels/{review_call['call']}/affectation")
    page.audit()
    page.get_by_role("button", name="Lancer l'affectation automatique").click()
    page.audit()
    page.get_by_role("link", name="Arrêter le rechargement automatique").click()
    page.audit()
    live_worker.drain()
    page.goto(f"/instruction/appels/{review_call['call']}/affectation")
    page.audit()
    assert page.get_by_text("Cette répartition est prouvée optimale.").is_visible()
    page.get_by_role("button", name=re.compile("^Confirmer les 6 affectations")).click()
    page.audit()
    assert page.get_by_text("6 affectations créées").is_visible()
    sign_out(page)


def reviewer_scores(page, live_app, review_call, group):
    sign_in(page, *review_call["logins"][group])
    for dossier_id, values in zip(assigned_to(live_app, review_call["ids"][group]), SCORES[group], strict=True):
        page.goto(f"/dossiers/{dossier_id}")
        page.audit()
        page.get_by_role("link", name="Commencer ma relecture").click()
        page.audit()
        for label, score in zip(("Utilité sociale", "Ancrage territorial", "Gouvernance démocratique",
                                 "Viabilité économique"), values):
            page.get_by_label(label).fill(score)
        page.get_by_label("Coopération").fill("n/a")
        page.get_by_label("Commentaire pour le comité").fill(f"Relecture de {REVIEWERS[group]}.")
        page.get_by_label("Favorable", exact=True).check()
        page.get_by_role("button", name="Soumettre").click()
        page.audit()
        assert page.get_by_text("Votre relecture est soumise.").is_visible()
    sign_out(page)


def declare_conflict(page, review_call, dossier_id, live_app):
    """The third reviewer declares a conflict on one of their dossiers, then is turned away from it."""
    sign_in(page, *review_call["logins"]["elected"])
    page.get_by_role("link", name="Mes relectures").click()
    page.audit()
    page.get_by_role("link", name=re.compile("^déclarer un conflit d'intérêts")).first.click()
    page.audit()
    with live_app.app_context():
        reference = db.session.get(Dossier, dossier_id).reference
    page.get_by_role("link", name=f"Déclarer — {reference}").click()
    page.audit()
    page.get_by_label("Relation financière").check()
    page.get_by_role("button", name="Déclarer le conflit d'intérêts").click()
    page.audit()
    assert page.get_by_text("vous êtes déporté·e pour ce dossier").first.is_visible()
    response = page.goto(f"/dossiers/{dossier_id}")
    page.audit()
    assert response.status == 404
    assert page.get_by_text("Vous êtes déporté·e pour ce dossier.").is_visible()
    assert page.goto(f"/relectures/dossiers/{dossier_id}").status == 404
    page.audit()
    sign_out(page)


def test_the_review_of_a_call_from_reading_to_the_export(page, live_app, live_worker, review_call, tmp_path):
    instructor_reads_checks_and_assigns(page, review_call, live_worker)
    for group in SCORES:
        reviewer_scores(page, live_app, review_call, group)

    third = assigned_to(live_app, review_call["ids"]["elected"])
    assert len(third) == 2, "balanced: three reviewers, six reviews"
    declare_conflict(page, review_call, third[0], live_app)

    sign_in(page, *review_call["logins"]["instructor"])
    page.goto(f"/dossiers/{review_call['dossiers'][0]}")
    page.audit()
    panel = page.locator("section[aria-labelledby=review-title]")
    assert "Nadia Réseau" in panel.inner_text() or "Bruno Banque" in panel.inner_text()
    page.goto(f"/instruction/appels/{review_call['call']}/classement")
    page.audit()
    assert page.get_by_text(re.compile("recentrée sur la moyenne de son relecteur")).is_visible()
    page.get_by_role("link", name="Voir les habitudes de chaque relecteur·rice").click()
    page.audit()
    habits = page.get_by_role("table", name=re.compile("Moyenne et écart type"))
    assert "Nadia Réseau" in habits.inner_text() and "calibré" in habits.inner_text()
    page.get_by_role("link", name="Classement", exact=True).click()
    page.get_by_role("link", name="Classer sur les notes calibrées").click()
    page.audit()
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter en XLSX (dossiers et relectures)").click()
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    workbook = load_workbook(path)
    rows = list(workbook["Dossiers"].iter_rows(values_only=True))
    assert len(rows) == 4 and all(isinstance(row[rows[0].index("Note moyenne (sur 100)")], float | int)
                                  for row in rows[1:])
    assert len(list(workbook["Relectures"].iter_rows())) == 1 + 4
