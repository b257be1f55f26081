"""Marking a tranche paid: every rule refuses with its reason and changes nothing; a payment is sealed in the audit
chain, the authority's first one moves the workflow, the last one closes the dossier, the holders are told."""
from datetime import date, timedelta

import pytest
import time_machine

from aap.decisions.bank_models import BankAccount
from aap.decisions.grant_models import AFTER_REPORT, PaymentTranche
from aap.decisions.payments_plan import start_clock_for_dossier
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.mail.models import Mail
from aap.workflow import audit
from aap.workflow.models import AuditRecord
from tests import factories
from tests.decisions import payments_world
from tests.decisions.payments_world import co_funder, decision_on, give_bank_details, plain, sign

TODAY = "2026-04-10 12:00:00+00:00"
#: as a browser's date field sends it
PAID = {"paid_on": "2026-04-02", "reference": "M-2026-118"}


def tranche(decision, position=1) -> PaymentTranche:
    return db.session.execute(db.select(PaymentTranche).where(PaymentTranche.decision_id == decision.id,
                                                              PaymentTranche.position == position)).scalar_one()


def pay_url(world, item) -> str:
    return f"/decisions/dossiers/{world.dossier.id}/versements/tranches/{item.id}"


def post_payment(client, world, item, **fields):
    prefix = f"tranche-{item.id}-"
    return client.post(pay_url(world, item), data={prefix + name: value for name, value in {**PAID, **fields}.items()})


def snapshot(world) -> tuple:
    """What a refused payment must leave as it was."""
    db.session.expire_all()
    dossier = db.session.get(Dossier, world.dossier.id)
    tranches = db.session.execute(db.select(PaymentTranche.id, PaymentTranche.paid_on, PaymentTranche.payment_reference)
                                  .order_by(PaymentTranche.id)).all()
    mails = db.session.execute(db.select(db.func.count(Mail.id))).scalar()
    return dossier.state, dossier.audit_count, dossier.audit_head, tuple(tranches), mails


@pytest.fixture
def ready(client):
    """A 20 000 € grant released on 2 March 2026 (no agreement needed), the organisation's bank details given.

    The tests sign in once their clock is set: a session opened later than the request would not be one.
    """
    world = payments_world.world()
    give_bank_details(world.organisation, world.holder)
    return world


@time_machine.travel(TODAY, tick=False)
def test_the_authoritys_first_payment_is_the_advance_step_of_the_workflow(client, ready, worker, mailbox):
    client.login(ready.admin)
    world, advance = ready, tranche(ready.decision)
    answer = post_payment(client, world, advance)
    assert answer.status_code == 302
    assert "Versement enregistré : Acompte, 14 000 €, le 02/04/2026." in plain(client.get(answer.location).page)
    db.session.expire_all()
    advance = tranche(world.decision)
    assert (advance.paid_on, advance.payment_reference, advance.paid_recorded_by_id) == (
        date(2026, 4, 2), "M-2026-118", world.admin.id)
    dossier = db.session.get(Dossier, world.dossier.id)
    assert dossier.state == "advance_paid"
    record = db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id == dossier.id)
                                .order_by(AuditRecord.sequence.desc())).scalars().first()
    assert record.transition == "pay_advance" and record.payload["amount"] == "14000.00"
    assert record.payload["payment"] == {"tranche": advance.id, "label": "Acompte", "paid_on": "2026-04-02",
                                         "reference": "M-2026-118", "bank_account": record.payload["payment"][
                                             "bank_account"], "iban_end": "0189"}
    chain = db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id == dossier.id)
                               .order_by(AuditRecord.sequence)).scalars().all()
    assert audit.verify_dossier(dossier, chain) == []
    # the workflow's own transition tells the holder: one mail, not two
    worker.drain()
    received = mailbox.to(world.holder.email)
    assert len(received) == 1 and "Acompte versé" in received[0]["Subject"]


@time_machine.travel(TODAY, tick=False)
def test_a_co_funders_payment_has_its_own_record_and_the_holder_is_told_the_amount(client, worker, mailbox):
    world = payments_world.world()
    decider = factories.make_user(roles=("funder",), call=world.call, totp=True)
    department = co_funder(world.call, deciders=[decider])
    from aap.decisions.payments_plan import plan_tranches

    plan_tranches(decision_on(world.dossier, amount="5000", funder=department), payments_world.RELEASED_AT)
    db.session.commit()
    give_bank_details(world.organisation, world.holder)
    funded = db.session.execute(db.select(PaymentTranche).where(PaymentTranche.amount == 3500)).scalar_one()
    client.login(decider)
    assert post_payment(client, world, funded).status_code == 302
    dossier = db.session.get(Dossier, world.dossier.id)
    assert dossier.state == "granted"  # a co-funder's payment does not move the authority's workflow
    record = db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id == dossier.id,
                                                             AuditRecord.sequence == dossier.audit_count)).scalar_one()
    assert record.transition == "payment_recorded" and record.holder_visible and record.payload["amount"] == "3500.00"
    assert "Département de la Seine-Saint-Denis" in record.comment
    assert client.post(pay_url(world, tranche(world.decision)), data={}).status_code == 403  # not theirs to pay
    worker.drain()
    received = mailbox.to(world.holder.email)
    assert len(received) == 1 and "Versement de 3 500 €" in plain(received[0]["Subject"])
    assert "Département de la Seine-Saint-Denis a versé 3 500 €" in plain(mailbox.text(received[0]))


@time_machine.travel(TODAY, tick=False)
def test_a_second_payment_of_the_same_tranche_is_refused_and_says_when_it_was_paid(client, ready):
    client.login(ready.admin)
    advance = tranche(ready.decision)
    assert post_payment(client, ready, advance).status_code == 302
    before = snapshot(ready)
    answer = post_payment(client, ready, advance, reference="M-2026-119")
    assert answer.status_code == 409
    assert "« Acompte » a déjà été versé le 02/04/2026 (référence M-2026-118) : rien n'a été enregistré une seconde " \
           "fois." in answer.page
    assert snapshot(ready) == before


@time_machine.travel(TODAY, tick=False)
def test_above_the_threshold_no_payment_before_the_agreement_is_signed(client):
    world = payments_world.world(amount="30000")
    give_bank_details(world.organisation, world.holder)
    client.login(world.admin)
    before = snapshot(world)
    answer = post_payment(client, world, tranche(world.decision))
    assert answer.status_code == 409 and "Au-delà de 23 000 €, aucun versement avant la signature de la convention " \
                                         "(loi 2000-321, art. 10)" in plain(answer.page)
    assert snapshot(world) == before
    assert 'value="M-2026-118"' in answer.text and 'value="2026-04-02"' in answer.text  # nothing typed is lost
    sign(world.decision, date(2026, 3, 20))
    assert post_payment(client, world, tranche(world.decision)).status_code == 302


@time_machine.travel(TODAY, tick=False)
def test_the_balance_waits_for_the_final_report_to_be_accepted(client, ready):
    client.login(ready.admin)
    assert post_payment(client, ready, tranche(ready.decision)).status_code == 302
    balance = tranche(ready.decision, 2)
    before = snapshot(ready)
    answer = post_payment(client, ready, balance)
    assert answer.status_code == 409 and "« Solde » se verse après l'acceptation du compte-rendu financier, qui " \
                                         "n'est pas encore accepté : rien n'a été enregistré." in answer.page
    assert snapshot(ready) == before


@time_machine.travel(TODAY, tick=False)
def test_no_payment_without_valid_bank_details(client):
    world = payments_world.world()
    client.login(world.admin)
    before = snapshot(world)
    answer = post_payment(client, world, tranche(world.decision))
    message = "La structure n'a pas de coordonnées bancaires valides"
    assert answer.status_code == 409 and message in answer.page and snapshot(world) == before
    # details kept before a check existed, whose RIB key is wrong, are not valid either
    give_bank_details(world.organisation, world.holder, iban="FR0630006000011234567890188")
    before = snapshot(world)
    answer = post_payment(client, world, tranche(world.decision))
    assert answer.status_code == 409 and message in answer.page and snapshot(world) == before
    assert db.session.execute(db.select(db.func.count(BankAccount.id))).scalar() == 1


@pytest.mark.parametrize("paid_on, message", [
    ("11/04/2026", "La date du versement (11/04/2026) est dans le futur : indiquez le jour où le virement a été fait."),
    ("25/02/2026", "La date du versement (25/02/2026) précède la décision (délibération du 26/02/2026) : vérifiez-la."),
    ("31/02/2026", "Saisissez une date, par exemple 02/04/2026."),
    ("", "Saisissez une date, par exemple 02/04/2026."),
])
@time_machine.travel(TODAY, tick=False)
def test_a_date_in_the_future_before_the_decision_or_not_a_date_is_refused(client, ready, paid_on, message):
    client.login(ready.admin)
    before = snapshot(ready)
    answer = post_payment(client, ready, tranche(ready.decision), paid_on=paid_on)
    assert answer.status_code == 400 and message in answer.page and 'id="tranche-' in answer.text
    assert snapshot(ready) == before


@time_machine.travel(TODAY, tick=False)
def test_a_reference_is_required(client, ready):
    client.login(ready.admin)
    before = snapshot(ready)
    answer = post_payment(client, ready, tranche(ready.decision), reference="  ")
    assert answer.status_code == 400 and "Ce champ est obligatoire." in answer.page and snapshot(ready) == before


@time_machine.travel(TODAY, tick=False)
def test_only_those_who_pay_may_record_a_payment(client, ready):
    other = payments_world.world()
    advance, before = tranche(ready.decision), snapshot(ready)
    client.login(ready.instructor)
    assert post_payment(client, ready, advance).status_code == 403
    client.login(ready.holder)
    assert post_payment(client, ready, advance).status_code == 403
    client.login(factories.make_user())
    assert post_payment(client, ready, advance).status_code == 404
    client.login(ready.admin)
    assert client.post(pay_url(ready, tranche(other.decision)), data={}).status_code == 404  # another dossier's
    assert snapshot(ready)[:4] == before[:4]


def test_the_last_payment_closes_the_dossier_once_the_report_is_accepted(client, ready):
    with time_machine.travel(TODAY, tick=False):
        client.login(ready.admin)
        assert post_payment(client, ready, tranche(ready.decision)).status_code == 302
    dossier = db.session.get(Dossier, ready.dossier.id)
    dossier.state = "report_accepted"  # the report's own steps are recorded elsewhere: the state they lead to
    audit.append(dossier, transition="accept_report", from_state="advance_paid", to_state="report_accepted",
                 actor=ready.instructor, at=payments_world.RELEASED_AT + timedelta(days=300))
    report = payments_world.accept_report(ready.dossier)
    start_clock_for_dossier(ready.dossier.id, AFTER_REPORT, report.reviewed_at.date())
    db.session.commit()
    assert tranche(ready.decision, 2).due_on == date(2027, 3, 16)
    with time_machine.travel("2027-01-20 10:00:00+00:00", tick=False):
        client.login(ready.admin)
        answer = post_payment(client, ready, tranche(ready.decision, 2), paid_on="20/01/2027", reference="M-2027-7")
    assert answer.status_code == 302
    dossier = db.session.get(Dossier, ready.dossier.id)
    assert dossier.state == "closed" and ready.decision.closed_at is not None
    transitions = db.session.execute(db.select(AuditRecord.transition).where(AuditRecord.dossier_id == dossier.id)
                                     .order_by(AuditRecord.sequence)).scalars().all()
    assert transitions[-2:] == ["payment_recorded", "pay_balance"]


def test_a_co_funders_last_payment_stands_when_its_decider_may_not_close_the_dossier(client, ready):
    """The workflow lets only the authority's roles close a dossier: the payment is kept, the closing waits."""
    decider = factories.make_user(roles=("funder",), call=ready.call, totp=True)
    department = co_funder(ready.call, deciders=[decider])
    from aap.decisions.payments_plan import plan_tranches

    funded = plan_tranches(decision_on(ready.dossier, amount="3000", instrument="equity", funder=department),
                           payments_world.RELEASED_AT)[0]
    for position in (1, 2):
        paid = tranche(ready.decision, position)
        paid.paid_on, paid.payment_reference = date(2026, 4, 2), f"M-{position}"
    dossier = db.session.get(Dossier, ready.dossier.id)
    dossier.state = "report_accepted"
    audit.append(dossier, transition="accept_report", from_state="granted", to_state="report_accepted",
                 actor=ready.instructor, at=payments_world.RELEASED_AT + timedelta(days=300))
    payments_world.accept_report(ready.dossier)
    with time_machine.travel(TODAY, tick=False):
        client.login(decider)
        answer = post_payment(client, ready, funded)
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(PaymentTranche, funded.id).paid_on == date(2026, 4, 2)
    assert db.session.get(Dossier, ready.dossier.id).state == "report_accepted"
