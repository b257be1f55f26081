"""Closing: a dossier closes once everything is paid and reported, by itself after the last step or by hand;
refused while something is unpaid or the report not accepted; the titres de recettes recorded as issued."""
from datetime import timedelta
from decimal import Decimal

import pytest

from aap.core.models import utcnow
from aap.decisions.closing_models import Recovery
from aap.decisions.reports_operations import submit
from aap.decisions.reports_review import accept
from aap.extensions import db
from aap.notifications.models import Notification
from aap.workflow.models import AuditRecord
from tests import factories
from tests.decisions.reports_world import granted_dossier, today
from tests.decisions.test_reports_review import CONTENT


@pytest.fixture
def world(session):
    world = granted_dossier()
    submit(world.dossier, CONTENT, world.holder, utcnow())
    db.session.commit()
    return world


def _accepted(world, unspent=None):
    accept(world.dossier, world.instructor, utcnow(), {world.decision.id: unspent})
    db.session.commit()
    return world


def _close(client, world):
    return client.post(f"/dossiers/{world.dossier.id}/cloture")


def _state(world) -> str:
    db.session.refresh(world.dossier)
    return world.dossier.state


def test_closing_is_refused_while_the_report_is_not_accepted(client, world):
    client.login(world.admin)
    response = _close(client, world)
    assert response.status_code == 302
    page = client.get(response.location).page
    assert "Le compte-rendu financier n'est pas encore accepté : le dossier ne peut pas être clos." in page
    assert _state(world) == "report_submitted"


def test_closing_is_refused_while_something_is_unpaid(client, world):
    _accepted(world)
    client.login(world.admin)
    page = client.get(_close(client, world).location).page
    assert "Reste à verser : « Solde » (3\u202f600\u00a0€). Enregistrez ces versements, ou le montant non consommé " \
           "à l'acceptation du compte-rendu, avant de clore le dossier." in page
    assert _state(world) == "report_accepted" and world.decision.closed_at is None


def test_a_dossier_fully_paid_and_reported_closes_by_hand_audited_and_the_holder_told(client, world):
    _accepted(world)
    world.balance.paid_on = today()  # as the payments record it, without closing
    db.session.commit()
    client.login(world.admin)
    before = db.session.execute(db.select(db.func.count(Notification.id)).where(
        Notification.user_id == world.holder.id)).scalar_one()
    response = _close(client, world)
    assert response.status_code == 302
    assert _state(world) == "closed"
    db.session.refresh(world.decision)
    assert world.decision.closed_at is not None
    last = db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id == world.dossier.id)
                              .order_by(AuditRecord.sequence.desc()).limit(1)).scalar_one()
    assert last.transition == "pay_balance" and last.actor_id == world.admin.id
    after = db.session.execute(db.select(db.func.count(Notification.id)).where(
        Notification.user_id == world.holder.id)).scalar_one()
    assert after == before + 1
    page = client.get(f"/dossiers/{world.dossier.id}").page
    assert "Dossier clos : tout est versé et le compte-rendu accepté." in page
    page = client.get(_close(client, world).location).page
    assert "Le dossier est déjà clos depuis le" in page


def test_only_those_who_manage_the_grant_close_it(client, world):
    _accepted(world, Decimal("3600"))
    client.login(world.instructor)
    assert _close(client, world).status_code == 403
    client.login(factories.make_user())
    assert _close(client, world).status_code == 404


def test_the_unspent_amount_above_what_remains_is_a_titre_recorded_as_issued(client, world):
    _accepted(world, Decimal("5000"))
    [recovery] = db.session.execute(db.select(Recovery)).scalars().all()
    client.login(world.admin)
    url = f"/subventions/titres-de-recettes/{recovery.id}/emis"
    prefix = f"r{recovery.id}-"
    response = client.post(url, data={prefix + "reference": "", prefix + "issued_on": today().isoformat()})
    assert response.status_code == 400 and "Indiquez le numéro du titre de recettes." in response.page
    tomorrow = (today() + timedelta(days=1)).isoformat()
    response = client.post(url, data={prefix + "reference": "TR-2027-15", prefix + "issued_on": tomorrow})
    assert response.status_code == 400 and "au plus tard aujourd'hui" in response.page
    assert 'value="TR-2027-15"' in response.page
    response = client.post(url, data={prefix + "reference": "TR-2027-15", prefix + "issued_on": today().isoformat()})
    assert response.status_code == 302
    db.session.refresh(recovery)
    assert recovery.issued_on == today() and recovery.reference == "TR-2027-15"
    record = db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id == world.dossier.id)
                                .order_by(AuditRecord.sequence.desc()).limit(1)).scalar_one()
    assert record.transition == "recovery_issued" and "TR-2027-15" in record.comment
    response = client.post(url, data={prefix + "reference": "TR-2", prefix + "issued_on": today().isoformat()})
    assert "déjà enregistré comme émis" in client.get(response.location).page
    db.session.refresh(recovery)
    assert recovery.reference == "TR-2027-15"
    assert "TR-2027-15" in client.get("/subventions/titres-de-recettes?emis=1").page


def test_an_instructor_reads_the_titres_but_does_not_record_them(client, world):
    _accepted(world, Decimal("5000"))
    [recovery] = db.session.execute(db.select(Recovery)).scalars().all()
    client.login(world.instructor)
    page = client.get("/subventions/titres-de-recettes").page
    assert world.dossier.reference in page and "Enregistrer l'émission" not in page
    response = client.post(f"/subventions/titres-de-recettes/{recovery.id}/emis",
                           data={f"r{recovery.id}-reference": "X", f"r{recovery.id}-issued_on": today().isoformat()})
    assert response.status_code == 403


def test_the_list_of_titres_costs_the_same_queries_whatever_its_length(client, session, count_queries):
    admin = factories.make_user(roles=("admin",), totp=True)
    client.login(admin)

    def add_one(index):
        world = granted_dossier(title=f"Projet {index}")
        submit(world.dossier, CONTENT, world.holder, utcnow())
        accept(world.dossier, world.instructor, utcnow(), {world.decision.id: Decimal("5000")})
        db.session.commit()

    add_one(0)
    with count_queries() as one:
        assert client.get("/subventions/titres-de-recettes").status_code == 200
    for index in range(1, 5):
        add_one(index)
    with count_queries() as five:
        page = client.get("/subventions/titres-de-recettes").page
    assert "Projet 4" in page and "5 titres à émettre" in page
    assert five.n == one.n
