"""Two people record the same payment at the same instant, in real threads posting to the app on real connections:
one payment is kept, the other is told it was already made, nothing is recorded twice."""
import threading

import time_machine

from aap.decisions.grant_models import PaymentTranche
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.mail.models import Mail
from aap.workflow.models import AuditRecord
from tests import factories
from tests.decisions import payments_world
from tests.decisions.payments_world import give_bank_details

TODAY = "2026-04-10 12:00:00+00:00"


def signed_in(app, people) -> list:
    clients = []
    for person in people:
        client = app.test_client()
        client.login(person)
        clients.append(client)
    return clients


def posted_at_once(clients, path, forms) -> list[tuple[int, str]]:
    """Each client posts its form, all released by one barrier; (status, page) of each answer."""
    barrier, answers, guard = threading.Barrier(len(clients), timeout=60), [], threading.Lock()

    def post(client, form):
        barrier.wait()
        answer = client.post(path, data=form)
        with guard:
            answers.append((answer.status_code, answer.get_data(as_text=True)))

    threads = [threading.Thread(target=post, args=pair) for pair in zip(clients, forms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(answers) == len(clients), "a request did not finish"
    return answers


@time_machine.travel(TODAY, tick=False)
def test_two_simultaneous_payments_of_one_tranche_record_one(app, committed):
    world = payments_world.world()
    give_bank_details(world.organisation, world.holder)
    second_admin = factories.make_user(roles=("admin",), totp=True)
    advance = db.session.execute(db.select(PaymentTranche).where(PaymentTranche.decision_id == world.decision.id,
                                                                 PaymentTranche.position == 1)).scalar_one()
    path = f"/decisions/dossiers/{world.dossier.id}/versements/tranches/{advance.id}"
    prefix, ids = f"tranche-{advance.id}-", (world.dossier.id, advance.id)
    forms = [{prefix + "paid_on": "2026-04-02", prefix + "reference": reference} for reference in ("M-1", "M-2")]
    clients, holder_email = signed_in(app, [world.admin, second_admin]), world.holder.email
    db.session.remove()

    answers = posted_at_once(clients, path, forms)

    assert sorted(status for status, _page in answers) == [302, 409]
    refused = next(page for status, page in answers if status == 409)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):  # the second waits on the row lock, then reads
        assert "a déjà été versé le 02/04/2026" in refused
    else:  # SQLite has one writer at a time: the second is told to look again, or finds it paid
        assert "a déjà été versé le 02/04/2026" in refused or "Une autre personne enregistre un versement" in refused
    db.session.expire_all()
    paid = db.session.get(PaymentTranche, ids[1])
    assert paid.paid_on is not None and paid.payment_reference in ("M-1", "M-2")
    dossier = db.session.get(Dossier, ids[0])
    assert dossier.state == "advance_paid"
    advances = db.session.execute(db.select(db.func.count(AuditRecord.id)).where(
        AuditRecord.dossier_id == ids[0], AuditRecord.transition == "pay_advance")).scalar()
    assert advances == 1 and dossier.audit_count == 2
    assert db.session.execute(db.select(db.func.count(Mail.id)).where(Mail.to_address == holder_email)).scalar() == 1
