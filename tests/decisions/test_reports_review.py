"""Staff review the final report beside the forecast: accepted (unspent recorded, the balance's clock started, the
dossier closed once complete) or returned with a comment; every bad input refused, nothing changed."""
from datetime import timedelta
from decimal import Decimal

import pytest

from aap.core.models import utcnow
from aap.decisions.closing_models import Recovery
from aap.decisions.grant_models import ACCEPTED, RETURNED, SUBMITTED, FinalReport
from aap.decisions.reports_operations import submit
from aap.extensions import db
from aap.notifications.models import Notification
from aap.workflow.models import AuditRecord
from tests.decisions.reports_world import granted_dossier, today

CONTENT = {"qualitative": {"actions": "Épicerie ouverte.", "differences": ""},
           "budget": {"60": "3000", "61": "5000", "64": "12000", "74-call": "12000", "74-region": "8000"},
           "explanations": {}, "indicators": {"jobs_fte": "1", "beneficiaries": "80"}, "indicator_labels": {}}


@pytest.fixture
def world(session):
    world = granted_dossier()
    submit(world.dossier, CONTENT, world.holder, utcnow())
    db.session.commit()
    return world


def _url(world, action=""):
    return f"/dossiers/{world.dossier.id}/compte-rendu/examen" + action


def _report(world) -> FinalReport:
    return db.session.execute(db.select(FinalReport).where(FinalReport.dossier_id == world.dossier.id)).scalar_one()


def _state(world) -> str:
    db.session.refresh(world.dossier)
    return world.dossier.state


def _last_record(world) -> AuditRecord:
    return db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id == world.dossier.id)
                              .order_by(AuditRecord.sequence.desc()).limit(1)).scalar_one()


def _holder_events(world) -> list[str]:
    return [n.template for n in db.session.execute(db.select(Notification).where(
        Notification.user_id == world.holder.id).order_by(Notification.id)).scalars()]


def test_staff_read_the_report_beside_the_forecast(client, world):
    client.login(world.instructor)
    response = client.get(_url(world))
    assert response.status_code == 200
    assert "Examen du compte-rendu financier" in response.page and "Épicerie ouverte." in response.page
    assert "Prévu (€)" in response.page and "Réalisé (€)" in response.page
    assert "Accepter le compte-rendu" in response.page and "Renvoyer au porteur" in response.page


def test_the_holder_may_not_review_and_a_stranger_does_not_know(client, world, login_as):
    client.login(world.holder)
    assert client.get(_url(world)).status_code == 403
    assert client.post(_url(world, "/accepter")).status_code == 403
    login_as("holder")
    assert client.get(_url(world)).status_code == 404
    assert _report(world).state == SUBMITTED


def test_accepting_starts_the_balance_clock_and_tells_the_holder(client, world):
    client.login(world.instructor)
    before = len(_holder_events(world))
    response = client.post(_url(world, "/accepter"), data={"accept-comment": "Merci pour ce bilan."})
    assert response.status_code == 302
    report = _report(world)
    assert report.state == ACCEPTED and report.reviewed_by_id == world.instructor.id
    assert _state(world) == "report_accepted"
    db.session.refresh(world.balance)
    assert world.balance.due_on == today() + timedelta(days=60) and not world.balance.cancelled
    assert _last_record(world).transition == "accept_report"
    assert _last_record(world).comment == "Merci pour ce bilan."
    assert _holder_events(world)[before:] == ["dossier_update"]  # once, by the workflow's effect
    assert world.decision.closed_at is None  # the balance is still to pay


def test_an_unspent_amount_that_covers_the_balance_cancels_it_and_closes_the_dossier(client, world):
    client.login(world.instructor)
    response = client.post(_url(world, "/accepter"), data={f"accept-unspent_{world.decision.id}": "3 600"})
    assert response.status_code == 302
    db.session.refresh(world.balance)
    db.session.refresh(world.decision)
    assert world.balance.cancelled and world.decision.unspent == Decimal("3600")
    assert _state(world) == "closed" and world.decision.closed_at is not None
    comments = [r.comment for r in db.session.execute(db.select(AuditRecord).where(
        AuditRecord.dossier_id == world.dossier.id, AuditRecord.transition == "accept_report")).scalars()]
    assert comments == ["Non consommé (la collectivité) : 3\u202f600\u00a0€. « Solde » annulé (3\u202f600\u00a0€)."]
    assert _holder_events(world)[-2:] == ["dossier_update", "dossier_update"]  # accepted, then closed


def test_a_smaller_unspent_amount_reduces_the_balance(client, world):
    client.login(world.instructor)
    client.post(_url(world, "/accepter"), data={f"accept-unspent_{world.decision.id}": "1000,50"})
    db.session.refresh(world.balance)
    assert world.balance.amount == Decimal("2599.50") and not world.balance.cancelled
    assert world.balance.share_percent == Decimal("21.66")
    assert _state(world) == "report_accepted"
    assert db.session.execute(db.select(Recovery)).scalars().all() == []


def test_more_paid_than_spent_records_a_titre_de_recettes(client, world):
    client.login(world.instructor)
    client.post(_url(world, "/accepter"), data={f"accept-unspent_{world.decision.id}": "5000"})
    [recovery] = db.session.execute(db.select(Recovery)).scalars().all()
    assert recovery.decision_id == world.decision.id and recovery.amount == Decimal("1400") and not recovery.issued
    assert _state(world) == "closed"  # nothing left to pay: the sum to pay back is a titre, not a tranche
    page = client.get(f"/dossiers/{world.dossier.id}").page
    assert "Titre de recettes à émettre : 1\u202f400\u00a0€ versés en trop" in page
    listing = client.get("/subventions/titres-de-recettes").page
    assert world.dossier.reference in listing and "1\u202f400\u00a0€" in listing


@pytest.mark.parametrize("typed, message", [
    ("12000,01", "Le montant non consommé (12\u202f000,01\u00a0€) ne peut pas dépasser le montant accordé "
                 "(12\u202f000\u00a0€)."),
    ("-5", "Saisissez un nombre positif ou nul."),
    ("beaucoup", "Saisissez un nombre, par exemple 12500 ou 12500,50."),
    ("10,001", "Un montant s'écrit avec au plus deux décimales."),
])
def test_a_bad_unspent_amount_is_refused_and_nothing_changes(client, world, typed, message):
    client.login(world.instructor)
    response = client.post(_url(world, "/accepter"), data={f"accept-unspent_{world.decision.id}": typed,
                                                           "accept-comment": "Mon commentaire"})
    assert response.status_code == 400
    assert message in response.page and "Mon commentaire" in response.page
    assert _report(world).state == SUBMITTED and _state(world) == "report_submitted"
    db.session.refresh(world.balance)
    db.session.refresh(world.decision)
    assert world.decision.unspent is None and world.balance.due_on is None and not world.balance.cancelled


def test_returning_needs_a_comment_then_sends_it_back_to_the_holder(client, world):
    client.login(world.instructor)
    response = client.post(_url(world, "/renvoyer"), data={"return-comment": "  "})
    assert response.status_code == 400
    assert "Ce que le porteur doit reprendre" in response.page
    assert _report(world).state == SUBMITTED
    response = client.post(_url(world, "/renvoyer"), data={"return-comment": "Joignez les factures."})
    assert response.status_code == 302
    report = _report(world)
    assert report.state == RETURNED and report.review_comment == "Joignez les factures."
    assert _state(world) == "advance_paid"
    assert _last_record(world).transition == "request_report_changes"
    assert _holder_events(world)[-1] == "info_requested"


def test_a_report_is_accepted_once_and_cannot_be_returned_afterwards(client, world):
    client.login(world.instructor)
    client.post(_url(world, "/accepter"), data={})
    response = client.post(_url(world, "/accepter"), data={})
    assert response.status_code == 409 and "Ce compte-rendu a déjà été accepté le" in response.page
    response = client.post(_url(world, "/renvoyer"), data={"return-comment": "Trop tard"})
    assert response.status_code == 409 and "déjà été accepté" in response.page
    assert _report(world).state == ACCEPTED


def test_a_draft_is_not_reviewed(client, session):
    world = granted_dossier()
    client.login(world.instructor)
    assert "Le porteur n'a pas encore déposé son compte-rendu" in client.get(_url(world)).page
    response = client.post(_url(world, "/accepter"), data={})
    assert response.status_code == 409 and "n'a pas encore été déposé" in response.page
