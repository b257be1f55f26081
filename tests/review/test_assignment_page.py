"""The staff's assignment page: a run as a real job, the preview, changes by hand, confirmation, manual assignments."""
from datetime import timedelta

import pytest
from sqlalchemy import func

from aap.core.models import utcnow
from aap.dossiers.reviewers import DECLINED, Assignment, Conflict
from aap.extensions import db
from aap.notifications.models import Notification
from aap.review.assignment_runs import DONE, AssignmentRun
from aap.review.models import SUBMITTED, GridVersion, PoolMember, Review
from tests import factories


def under_review(call, count=1, commune="93066", holder=None):
    """Submitted dossiers of the call (reference given, state not final), made without the receipt's PDF."""
    holder = holder or factories.make_user()
    organisation = factories.make_organisation(members=[holder], commune_insee=commune)
    made = []
    for _ in range(count):
        dossier = factories.make_dossier(call, organisation, holder)
        dossier.reference, dossier.state = f"T-{dossier.id}", "submitted"
        made.append(dossier)
    db.session.commit()
    return made


def member(call, group="networks", cap=None, communes=(), name=None):
    user = factories.make_user(roles=("reviewer",), call=call, totp=True, full_name=name)
    db.session.add(PoolMember(call_id=call.id, user_id=user.id, group=group, cap=cap,
                              non_neutral_communes=list(communes)))
    db.session.commit()
    return user


def page_of(call) -> str:
    return f"/instruction/appels/{call.id}/affectation"


@pytest.fixture
def staff(login_as):
    return login_as("instructor")


@pytest.fixture
def call(session):
    return factories.make_open_call(reviews_per_dossier=2, groups_per_dossier=2, review_days=21)


def run_and_drain(client, call, worker):
    response = client.post(page_of(call) + "/lancer")
    assert response.status_code == 303
    worker.drain()
    return db.session.execute(db.select(AssignmentRun).where(AssignmentRun.call_id == call.id)
                              .order_by(AssignmentRun.id.desc())).scalars().first()


def confirm(client, call, run):
    return client.post(page_of(call) + f"/propositions/{run.id}/confirmer", data={"edits": run.edits},
                       follow_redirects=True)


def test_a_run_is_a_job_with_progress_then_a_preview_that_is_confirmed(client, staff, call, worker, mailbox):
    dossiers = under_review(call, 3)
    reviewers = [member(call, "networks", name="Nadia Réseau"), member(call, "banks", name="Bruno Banque"),
                 member(call, "departments", name="Dora Service")]
    client.post(page_of(call) + "/lancer")
    waiting = client.get(page_of(call))
    assert waiting.status_code == 200 and waiting.headers["Refresh"] == "3"
    assert "En attente" in waiting.page and "Arrêter le rechargement automatique" in waiting.page
    assert "Refresh" not in client.get(page_of(call) + "?auto=0").headers
    worker.drain()
    run = db.session.execute(db.select(AssignmentRun)).scalar_one()
    assert run.state == DONE and len(run.proposal["added"]) == 6
    shown = client.get(page_of(call))
    assert "Refresh" not in shown.headers
    assert "Cette répartition est prouvée optimale." in shown.page
    assert "Confirmer les 6 affectations" in shown.page and "Charge des relecteur·rices" in shown.page
    assert "Nadia Réseau (Têtes de réseau)" in shown.page
    done = confirm(client, call, run)
    assert "6 affectations créées" in done.page
    assignments = db.session.execute(db.select(Assignment)).scalars().all()
    assert {(a.user_id, a.dossier_id) for a in assignments} == {tuple(pair) for pair in run.proposal["added"]}
    assert {a.origin for a in assignments} == {"automatic"}
    assert all(abs(a.due_at - (utcnow() + timedelta(days=21))) < timedelta(minutes=5) for a in assignments)
    # each reviewer is told once, whatever the number of dossiers given to them
    notified = db.session.execute(db.select(Notification.user_id, func.count()).where(
        Notification.event == "review_assigned").group_by(Notification.user_id)).all()
    assert sorted(count for _user, count in notified) == [1] * len({a.user_id for a in assignments})
    worker.drain()
    sent = [m for reviewer in reviewers for m in mailbox.to(reviewer.email)]
    assert len(sent) == len(notified) and all("à relire pour l'appel" in m["Subject"] for m in sent)
    assert any(f"/dossiers/{dossiers[0].id}" in mailbox.text(m) for m in sent)


def test_a_second_run_while_one_is_queued_is_refused(client, staff, call):
    under_review(call)
    member(call)
    client.post(page_of(call) + "/lancer")
    again = client.post(page_of(call) + "/lancer", follow_redirects=True)
    assert "déjà en cours de calcul" in again.page
    assert db.session.execute(db.select(func.count()).select_from(AssignmentRun)).scalar() == 1


def test_a_run_without_pool_or_without_dossiers_says_so(client, staff, call):
    answer = client.post(page_of(call) + "/lancer", follow_redirects=True)
    assert "Le vivier de relecteurs de cet appel est vide" in answer.page
    member(call)
    answer = client.post(page_of(call) + "/lancer", follow_redirects=True)
    assert "Aucun dossier déposé n'est à relire" in answer.page
    draft_holder = factories.make_user()
    factories.make_dossier(call, factories.make_organisation(members=[draft_holder]), draft_holder)  # a draft
    answer = client.post(page_of(call) + "/lancer", follow_redirects=True)
    assert "Aucun dossier déposé n'est à relire" in answer.page
    assert db.session.execute(db.select(func.count()).select_from(AssignmentRun)).scalar() == 0


def test_unsatisfiable_constraints_name_the_dossiers_and_why(client, staff, call, worker):
    dossier, = under_review(call)
    member(call, "banks")
    run_and_drain(client, call, worker)
    shown = client.get(page_of(call)).page
    assert "1 dossier n'aura pas toutes ses relectures" in shown
    assert f"T-{dossier.id}" in shown
    assert "1 relecteur sans conflit dans le groupe Banques et finance, 2 demandés" in shown


def test_confirming_twice_is_refused_and_applies_nothing_more(client, staff, call, worker):
    under_review(call, 2)
    member(call, "networks"), member(call, "banks")
    run = run_and_drain(client, call, worker)
    confirm(client, call, run)
    again = confirm(client, call, run)
    assert "Cette proposition a déjà été confirmée" in again.page
    assert db.session.execute(db.select(func.count()).select_from(Assignment)).scalar() == 4
    assert db.session.execute(db.select(func.count()).select_from(Notification)
                              .where(Notification.event == "review_assigned")).scalar() == 2


def test_a_stale_proposal_is_refused(client, staff, call, worker):
    dossier, = under_review(call)
    reviewer = member(call, "networks")
    member(call, "banks")
    run = run_and_drain(client, call, worker)
    db.session.add(Conflict(dossier_id=dossier.id, user_id=reviewer.id, kind="family", declared_at=utcnow()))
    db.session.commit()
    assert "n'est plus à jour" in client.get(page_of(call)).page
    answer = confirm(client, call, run)
    assert "cette proposition n'est plus à jour" in answer.page
    assert db.session.execute(db.select(func.count()).select_from(Assignment)).scalar() == 0


def test_a_page_older_than_a_change_by_hand_is_not_confirmed(client, staff, call, worker):
    dossier, = under_review(call)
    first, _second = member(call, "networks"), member(call, "banks")
    run = run_and_drain(client, call, worker)
    seen = run.edits
    client.post(page_of(call) + f"/propositions/{run.id}/retirer", data={"reviewer": first.id, "dossier": dossier.id})
    answer = client.post(page_of(call) + f"/propositions/{run.id}/confirmer", data={"edits": seen},
                         follow_redirects=True)
    assert "modifiée depuis l'affichage de cette page" in answer.page
    assert db.session.execute(db.select(func.count()).select_from(Assignment)).scalar() == 0


def test_changes_by_hand_then_confirmed(client, staff, call, worker):
    dossier, = under_review(call)
    first, second = member(call, "networks"), member(call, "banks")
    third = member(call, "departments")
    run = run_and_drain(client, call, worker)
    proposed = {tuple(p) for p in run.proposal["added"]}
    dropped_user = next(user for user, _d in proposed)
    client.post(page_of(call) + f"/propositions/{run.id}/retirer", data={"reviewer": dropped_user, "dossier": dossier.id})
    kept_out = ({first.id, second.id, third.id} - {user for user, _d in proposed}).pop()
    added = client.post(page_of(call) + f"/propositions/{run.id}/ajouter",
                        data={"proposed-reviewer": kept_out, "proposed-dossier": dossier.id}, follow_redirects=True)
    assert "Affectation ajoutée à la proposition." in added.page
    db.session.expire_all()
    run = db.session.get(AssignmentRun, run.id)
    confirm(client, call, run)
    pairs = set(db.session.execute(db.select(Assignment.user_id, Assignment.dossier_id)).tuples())
    assert pairs == (proposed - {(dropped_user, dossier.id)}) | {(kept_out, dossier.id)}


@pytest.mark.parametrize("why", ["conflict", "declined", "commune", "outside"])
def test_a_pair_that_may_not_be_is_refused_by_hand_and_in_the_proposal(client, staff, call, worker, why):
    dossier, = under_review(call, commune="93066")
    member(call, "networks"), member(call, "banks")
    person = member(call, "departments", communes=["93066"] if why == "commune" else ())
    if why == "conflict":
        db.session.add(Conflict(dossier_id=dossier.id, user_id=person.id, kind="financial", declared_at=utcnow()))
    elif why == "declined":
        db.session.add(Assignment(dossier_id=dossier.id, user_id=person.id, state=DECLINED, decline_reason="Absent"))
    elif why == "outside":
        db.session.execute(db.delete(PoolMember).where(PoolMember.user_id == person.id))
    db.session.commit()
    expected = {"conflict": "conflit d'intérêts déclaré", "declined": "relecture déclinée",
                "commune": "ne peut pas être neutre sur la commune 93066",
                "outside": "ne fait pas partie du vivier de relecteurs"}[why]
    manual = client.post(page_of(call) + "/affecter", data={"manual-reviewer": person.id, "manual-dossier": dossier.id},
                         follow_redirects=True)
    assert expected in manual.page
    run = run_and_drain(client, call, worker)
    assert [person.id, dossier.id] not in run.proposal["added"]
    before = len(run.proposal["added"])
    proposed = client.post(page_of(call) + f"/propositions/{run.id}/ajouter",
                           data={"proposed-reviewer": person.id, "proposed-dossier": dossier.id},
                           follow_redirects=True)
    assert expected in proposed.page
    db.session.expire_all()
    assert len(db.session.get(AssignmentRun, run.id).proposal["added"]) == before
    active = db.session.execute(db.select(func.count()).select_from(Assignment)
                                .where(Assignment.state != DECLINED)).scalar()
    assert active == 0


def test_manual_assignment_then_removal_unless_reviewed(client, staff, call, mailbox, worker):
    dossier, = under_review(call)
    person = member(call, "networks", name="Rémi Relit")
    answer = client.post(page_of(call) + "/affecter", data={"manual-reviewer": person.id, "manual-dossier": dossier.id},
                         follow_redirects=True)
    assert "Affectation créée" in answer.page
    assignment = db.session.execute(db.select(Assignment)).scalar_one()
    assert assignment.origin == "manual" and assignment.due_at is not None
    assignment_id = assignment.id
    again = client.post(page_of(call) + "/affecter", data={"manual-reviewer": person.id, "manual-dossier": dossier.id},
                        follow_redirects=True)
    assert "Rémi Relit est déjà affecté·e à ce dossier." in again.page
    grid = GridVersion(call_id=call.id, version=1, criteria=[])
    db.session.add(grid)
    db.session.flush()
    review = Review(dossier_id=dossier.id, user_id=person.id, grid_version_id=grid.id, state=SUBMITTED)
    db.session.add(review)
    db.session.commit()
    kept = client.post(page_of(call) + f"/affectations/{assignment_id}/retirer", follow_redirects=True)
    assert "a déjà déposé son avis" in kept.page
    assert db.session.get(Assignment, assignment_id) is not None
    db.session.delete(review)
    db.session.commit()
    removed = client.post(page_of(call) + f"/affectations/{assignment_id}/retirer", follow_redirects=True)
    assert "Affectation retirée." in removed.page
    assert db.session.execute(db.select(Assignment).where(Assignment.id == assignment_id)).first() is None


def test_running_again_keeps_existing_assignments_and_completes(client, staff, call, worker):
    dossier, = under_review(call)
    first = member(call, "networks")
    member(call, "banks")
    client.post(page_of(call) + "/affecter", data={"manual-reviewer": first.id, "manual-dossier": dossier.id})
    run = run_and_drain(client, call, worker)
    assert run.proposal["kept"] == [[first.id, dossier.id]] and len(run.proposal["added"]) == 1
    confirm(client, call, run)
    assert db.session.execute(db.select(func.count()).select_from(Assignment)).scalar() == 2


def test_someone_without_rights_is_refused_and_another_calls_dossier_is_not_found(client, call, login_as):
    dossier, = under_review(call)
    person = member(call)
    other_call = factories.make_open_call(title="Autre appel")
    foreign, = under_review(other_call)
    login_as("reviewer")
    assert client.get(page_of(call)).status_code == 403
    assert client.post(page_of(call) + "/lancer").status_code == 403
    login_as("instructor")
    answer = client.post(page_of(call) + "/affecter", data={"manual-reviewer": person.id, "manual-dossier": foreign.id})
    assert answer.status_code == 404
    foreign_assignment = Assignment(dossier_id=foreign.id, user_id=person.id)
    db.session.add(foreign_assignment)
    db.session.commit()
    assert client.post(page_of(call) + f"/affectations/{foreign_assignment.id}/retirer").status_code == 404
    assert dossier


def test_the_preview_costs_the_same_queries_for_10_and_100_dossiers(client, staff, worker, count_queries):
    counts = []
    for size in (10, 100):
        call = factories.make_open_call(title=f"Appel {size}", reviews_per_dossier=2, groups_per_dossier=1)
        under_review(call, size)
        for index in range(6):
            member(call, ("networks", "banks")[index % 2])
        run = run_and_drain(client, call, worker)
        assert run.state == DONE
        client.get(page_of(call))  # warm the caches of the first request (workflow parsing, translations)
        with count_queries() as counted:
            assert client.get(page_of(call)).status_code == 200
        counts.append(counted.n)
    assert counts[0] == counts[1]


def test_an_assignment_that_became_excluded_is_shown_as_dropped_with_why(client, staff, call, worker):
    dossier, = under_review(call)
    person = member(call, "networks", name="Paul Parti")
    member(call, "banks"), member(call, "departments")
    client.post(page_of(call) + "/affecter", data={"manual-reviewer": person.id, "manual-dossier": dossier.id})
    db.session.add(Conflict(dossier_id=dossier.id, user_id=person.id, kind="member", declared_at=utcnow()))
    db.session.commit()
    run = run_and_drain(client, call, worker)
    assert [person.id, dossier.id] not in run.proposal["kept"] and len(run.proposal["added"]) == 2
    shown = client.get(page_of(call)).page
    assert "Affectations existantes non comptées" in shown
    assert f"Paul Parti, T-{dossier.id} — Épicerie solidaire : conflit d'intérêts déclaré" in shown


def test_a_run_that_cannot_start_fails_and_says_why(client, staff, worker):
    call = factories.make_open_call(reviews_per_dossier=1, groups_per_dossier=2)
    under_review(call)
    member(call)
    run = run_and_drain(client, call, worker)
    assert run.state == "failed"
    shown = client.get(page_of(call)).page
    assert "Le dernier calcul a échoué : Le nombre de groupes par dossier doit être entre 0 et le nombre" in shown
    assert "Lancer l'affectation automatique" in shown


def test_a_run_lost_with_its_worker_does_not_block_the_next(client, staff, call):
    under_review(call)
    member(call)
    db.session.add(AssignmentRun(call_id=call.id, state="running", proposal={},
                                 created_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    answer = client.post(page_of(call) + "/lancer", follow_redirects=True)
    assert "Affectation automatique demandée" in answer.page
    states = db.session.execute(db.select(AssignmentRun.state).order_by(AssignmentRun.id)).scalars().all()
    assert states == ["failed", "queued"]


def test_the_reasons_read_in_english_group_names_included(client, login_as, call, worker):
    login_as("instructor", locale="en")
    under_review(call)
    member(call, "banks")
    run_and_drain(client, call, worker)
    shown = client.get(page_of(call)).page
    assert "1 reviewer without a conflict, in the group Banks and finance, 2 requested" in shown


def test_assignments_by_hand_are_limited_per_person(app, client, staff, call, monkeypatch):
    monkeypatch.setitem(app.config, "ASSIGNMENT_LIMIT", "1 per hour")
    first, second = under_review(call, 2)
    person = member(call)
    client.post(page_of(call) + "/affecter", data={"manual-reviewer": person.id, "manual-dossier": first.id})
    answer = client.post(page_of(call) + "/affecter", data={"manual-reviewer": person.id, "manual-dossier": second.id},
                         follow_redirects=True)
    assert "Trop de courriels ont été demandés" in answer.page
    assert db.session.execute(db.select(func.count()).select_from(Assignment)).scalar() == 1


def test_every_form_of_the_page_needs_its_csrf_token(app, client, staff, call, monkeypatch):
    dossier, = under_review(call)
    person = member(call)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post(page_of(call) + "/lancer").status_code == 400
    assert client.post(page_of(call) + "/affecter", data={"manual-reviewer": person.id,
                                                          "manual-dossier": dossier.id}).status_code == 400
    assert db.session.execute(db.select(func.count()).select_from(AssignmentRun)).scalar() == 0
    assert db.session.execute(db.select(func.count()).select_from(Assignment)).scalar() == 0
