"""Decisions: staged, then released together; the dossier moves and its holders are told only at release."""
from decimal import Decimal

import pytest

from aap.core.models import utcnow
from aap.decisions import operations
from aap.decisions.models import Decision
from aap.decisions.release import release
from aap.extensions import db
from aap.notifications.models import Notification
from aap.workflow.models import AuditRecord
from tests.decisions.world import admin, deciding_call, eur, granted_form, posted, waiting_dossier


def decisions_of(dossier):
    return list(db.session.execute(db.select(Decision).where(Decision.dossier_id == dossier.id)).scalars())


def holder_notifications(dossier):
    holder_ids = [m.user_id for m in dossier.organisation.memberships]
    return list(db.session.execute(db.select(Notification).where(Notification.user_id.in_(holder_ids))).scalars())


def test_a_staged_decision_draws_on_the_envelope_but_the_holder_sees_nothing_until_its_release(client):
    call, person = deciding_call(), admin()
    dossier = waiting_dossier(call)
    client.login(person)
    response = client.post(f"/decisions/dossiers/{dossier.id}", data=posted("8000"))
    assert response.status_code == 302
    decision, = decisions_of(dossier)
    assert decision.amount == Decimal("8000") and decision.released_at is None
    assert dossier.state == "committee_opinion" and holder_notifications(dossier) == []
    board = client.get(f"/decisions/appels/{call.id}")
    assert eur("8000") in board.page and "Préparées" in board.page
    assert eur("92000") in board.page  # what the call's envelope has left, the staged decision counted

    holder = dossier.organisation.memberships[0].user
    client.login(holder)
    page = client.get(f"/dossiers/{dossier.id}")
    assert page.status_code == 200 and "DEL-2026-114" not in page.page and eur("8000") not in page.page


def test_the_release_moves_the_dossier_audits_the_deliberation_and_tells_each_holder_once(client, mailbox, worker):
    call, person = deciding_call(), admin()
    dossier = waiting_dossier(call)
    client.login(person)
    client.post(f"/decisions/dossiers/{dossier.id}", data=posted("8000"))
    confirm = client.get(f"/decisions/appels/{call.id}/publier")
    assert dossier.reference in confirm.page and "Publier la décision" in confirm.page
    unconfirmed = client.post(f"/decisions/appels/{call.id}/publier", data={})
    assert unconfirmed.status_code == 400 and "Cochez la case" in unconfirmed.page
    assert decisions_of(dossier)[0].released_at is None
    done = client.post(f"/decisions/appels/{call.id}/publier", data={"confirm": "y"}, follow_redirects=True)
    assert "1 décision publiée" in done.page
    db.session.refresh(dossier)
    assert dossier.state == "granted"
    record = db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id == dossier.id)
                                .order_by(AuditRecord.sequence.desc())).scalars().first()
    assert record.transition == "grant" and record.payload["amount"] == "8000.00"
    assert record.payload["deliberation"] == "DEL-2026-114" and record.payload["deliberation_date"] == "2026-06-12"
    worker.drain()
    mails = [m for m in mailbox.messages if "Décision sur votre dossier" in m["Subject"]]
    assert len(mails) == 1 and dossier.reference in mails[0]["Subject"]
    letter, = [part for part in mails[0].walk() if part.get_content_type() == "application/pdf"]
    assert letter.get_filename().endswith(".pdf") and letter.get_payload(decode=True).startswith(b"%PDF-")
    again = client.post(f"/decisions/appels/{call.id}/publier", data={"confirm": "y"}, follow_redirects=True)
    assert "Aucune décision préparée à publier" in again.page
    assert len(holder_notifications(dossier)) == 1

    holder = dossier.organisation.memberships[0].user
    client.login(holder)
    page = client.get(f"/dossiers/{dossier.id}")
    assert "DEL-2026-114" in page.page and eur("8000") in page.page


@pytest.mark.parametrize("fields, message", [
    ({"amount": "12000"}, "dépasse le montant demandé"),
    ({"amount": "0"}, "Le montant doit être positif"),
    ({"amount": "-500"}, "Le montant doit être positif"),
    ({"amount": "douze mille"}, "n'est pas un montant"),
    ({"amount": "100,123"}, "au plus deux décimales"),
    ({"amount": ""}, "Saisissez un montant"),
    ({"deliberation_reference": ""}, "référence de la délibération"),
    ({"deliberation_date": ""}, "date de la délibération"),
    ({"deliberation_date": "31/02/2026"}, "JJ/MM/AAAA"),
    ({"deliberation_date": "01/01/2099"}, "dans le futur"),
    ({"outcome": "maybe"}, "Choisissez la décision"),
    ({"outcome": "refused", "motivation": ""}, "Donnez le motif"),
    ({"instrument": "equity", "shares": "10", "share_value": "100"}, "que dans une SCIC"),
    ({"instrument": "in_kind", "in_kind_description": ""}, "Décrivez l'aide en nature"),
    ({"instrument": "repayable_advance", "repayments": "30/06/2028 5000"}, "doivent faire le montant"),
    ({"instrument": "repayable_advance", "repayments": "demain 8000"}, "Ligne 1 de l'échéancier"),
    ({"instrument": "loan"}, "Choisissez l'instrument"),
])
def test_each_bad_decision_is_said_next_to_its_field_and_nothing_is_recorded(client, fields, message):
    call, person = deciding_call(), admin()
    dossier = waiting_dossier(call)
    client.login(person)
    response = client.post(f"/decisions/dossiers/{dossier.id}", data=posted(**fields))
    assert response.status_code == 400 and message in response.page
    assert decisions_of(dossier) == [] and dossier.state == "committee_opinion"


def test_an_amount_beyond_the_strand_or_the_call_envelope_is_refused_until_the_envelope_is_changed(client):
    call, person = deciding_call(total="20000", strands=(("Création", "9000"), ("Développement", None))), admin()
    first, second = waiting_dossier(call), waiting_dossier(call)
    client.login(person)
    assert client.post(f"/decisions/dossiers/{first.id}", data=posted("5000")).status_code == 302
    refused = client.post(f"/decisions/dossiers/{second.id}", data=posted("5000"))
    assert refused.status_code == 400 and "dépasse ce qui reste de Volet « Création » : " + eur("4000") in refused.page
    other_strand = waiting_dossier(call, strand=call.strands[1], requested="20000")
    refused = client.post(f"/decisions/dossiers/{other_strand.id}", data=posted("16000"))
    assert "dépasse ce qui reste de Enveloppe de l'appel : " + eur("15000") in refused.page
    no_reason = client.post(f"/decisions/appels/{call.id}/enveloppes",
                            data={"target": f"strand-{call.strands[0].id}", "amount": "15000", "reason": ""})
    assert no_reason.status_code == 400 and "Donnez le motif" in no_reason.page
    below = client.post(f"/decisions/appels/{call.id}/enveloppes",
                        data={"target": f"strand-{call.strands[0].id}", "amount": "4000", "reason": "Erreur"})
    assert "moins que ce qui est déjà accordé" in below.page
    changed = client.post(f"/decisions/appels/{call.id}/enveloppes", follow_redirects=True, data={
        "target": f"strand-{call.strands[0].id}", "amount": "15000", "reason": "Délibération DEL-2026-120"})
    assert "Délibération DEL-2026-120" in changed.page and eur("9000") in changed.page
    assert client.post(f"/decisions/dossiers/{second.id}", data=posted("5000")).status_code == 302


def test_a_dossier_not_at_the_decision_step_cannot_be_decided(client):
    call, person = deciding_call(), admin()
    dossier = waiting_dossier(call, state="in_review")
    client.login(person)
    page = client.get(f"/decisions/dossiers/{dossier.id}")
    assert "à l'étape « En instruction »" in page.page and "Préparer la décision" not in page.page
    refused = client.post(f"/decisions/dossiers/{dossier.id}", data=posted())
    assert refused.status_code == 409 and "« Avis du comité rendu »" in refused.page
    assert decisions_of(dossier) == []


def test_a_released_decision_is_not_taken_twice_and_a_staged_one_may_be_withdrawn(client):
    call, person = deciding_call(), admin()
    dossier, other = waiting_dossier(call), waiting_dossier(call)
    client.login(person)
    client.post(f"/decisions/dossiers/{other.id}", data=posted("3000"))
    staged, = decisions_of(other)
    assert client.post(f"/decisions/{staged.id}/retirer").status_code == 302
    assert decisions_of(other) == []
    client.post(f"/decisions/dossiers/{dossier.id}", data=posted("8000"))
    client.post(f"/decisions/appels/{call.id}/publier", data={"confirm": "y"})
    decision, = decisions_of(dossier)
    assert client.post(f"/decisions/{decision.id}/retirer", follow_redirects=True).page.count("ne se retire plus") == 1
    with pytest.raises(operations.DecisionRefused, match="étape « Accordé »"):
        operations.stage(dossier, None, granted_form("1000"), person, utcnow())


def test_someone_else_may_neither_decide_nor_see_the_board(client):
    call = deciding_call()
    dossier = waiting_dossier(call)
    holder = dossier.organisation.memberships[0].user
    client.login(holder)
    assert client.get(f"/decisions/dossiers/{dossier.id}").status_code == 404
    assert client.post(f"/decisions/dossiers/{dossier.id}", data=posted()).status_code == 404
    assert client.get(f"/decisions/appels/{call.id}").status_code == 404
    assert client.get(f"/decisions/appels/{call.id}/publier").status_code == 404
    assert decisions_of(dossier) == []


def test_a_refusal_and_an_adjournment_carry_their_reason_and_a_later_decision_replaces_the_adjournment(client):
    call, person = deciding_call(), admin()
    dossier = waiting_dossier(call)
    client.login(person)
    client.post(f"/decisions/dossiers/{dossier.id}", data=posted(outcome="postponed", motivation="Budget à revoir"))
    client.post(f"/decisions/appels/{call.id}/publier", data={"confirm": "y"})
    db.session.refresh(dossier)
    assert dossier.state == "postponed"
    dossier.state = "committee_opinion"  # re-examined by a later committee
    db.session.commit()
    client.post(f"/decisions/dossiers/{dossier.id}", data=posted("6000"))
    client.post(f"/decisions/appels/{call.id}/publier", data={"confirm": "y"})
    first, second = sorted(decisions_of(dossier), key=lambda d: d.id)
    assert first.superseded and not second.superseded and second.amount == Decimal("6000")
    db.session.refresh(dossier)
    assert dossier.state == "granted"


def test_every_instrument_is_recorded_as_itself(client):
    call, person = deciding_call(), admin()
    scic = waiting_dossier(call, legal_form="scic", requested="20000")
    kind, advance = waiting_dossier(call), waiting_dossier(call)
    client.login(person)
    client.post(f"/decisions/dossiers/{scic.id}", data=posted(instrument="equity", shares="40", share_value="250"))
    client.post(f"/decisions/dossiers/{kind.id}", data=posted("3500", instrument="in_kind",
                                                             in_kind_description="Local de 40 m² pendant un an"))
    client.post(f"/decisions/dossiers/{advance.id}", data=posted(
        "9000", instrument="repayable_advance", repayments="30/06/2028 4 500\n30/06/2029 4 500"))
    equity, = decisions_of(scic)
    assert equity.instrument == "equity" and equity.amount == Decimal("10000.00")
    assert equity.details == {"shares": 40, "share_value": "250"}
    in_kind, = decisions_of(kind)
    assert in_kind.instrument == "in_kind" and in_kind.details["description"] == "Local de 40 m² pendant un an"
    repayable, = decisions_of(advance)
    assert repayable.details["repayments"] == [{"due_on": "2028-06-30", "amount": "4500"},
                                               {"due_on": "2029-06-30", "amount": "4500"}]
    done = release(call, None, person, utcnow())
    assert len(done.decisions) == 3 and done.refused == []
