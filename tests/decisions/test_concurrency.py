"""Decisions recorded at the same instant, in real threads on real connections, never exceed their envelope."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from aap.auth.models import User
from aap.core.models import utcnow
from aap.decisions import operations
from aap.decisions.models import Decision, Funder
from aap.dossiers.models import Dossier
from aap.extensions import db
from tests import threads
from tests.decisions.world import admin, cofunder, deciding_call, granted_form, waiting_dossier

DECIDERS = 50


def at_once(app, attempts) -> list[str]:
    return threads.at_once(app, attempts, (operations.DecisionRefused,))


def granted_total(call_id, funder_id=None) -> Decimal:
    db.session.expire_all()
    return Decimal(db.session.execute(
        select(func.coalesce(func.sum(Decision.amount), 0)).join(Dossier, Dossier.id == Decision.dossier_id)
        .where(Dossier.call_id == call_id, Decision.outcome == "granted",
               Decision.funder_id.is_(None) if funder_id is None else Decision.funder_id == funder_id)).scalar())


def deciding(dossier_id, user_id, funder_id=None, amount="3000"):
    def attempt():
        dossier, user = db.session.get(Dossier, dossier_id), db.session.get(User, user_id)
        funder = db.session.get(Funder, funder_id) if funder_id else None
        operations.stage(dossier, funder, granted_form(amount), user, utcnow())
    return attempt


@pytest.fixture
def postgresql_only(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("50 writers at once need PostgreSQL's row locks; SQLite runs one writer at a time")


def test_fifty_decisions_at_once_on_one_envelope_never_exceed_it(app, committed, postgresql_only):
    call = deciding_call(total="100000", strands=(("Création", "40000"), ("Développement", None)))
    person = admin()
    ids = [waiting_dossier(call, requested="3000").id for _ in range(DECIDERS)]
    call_id, user_id = call.id, person.id
    db.session.remove()
    results = at_once(app, [deciding(dossier_id, user_id) for dossier_id in ids])
    applied = results.count("applied")
    assert applied == 13  # 13 × 3,000 € fit in the strand's 40,000 €, a 14th would not
    refusals = [text for text in results if text != "applied"]
    assert len(refusals) == DECIDERS - 13 and all("dépasse ce qui reste de Volet « Création »" in t for t in refusals)
    assert granted_total(call_id) == Decimal("39000") <= Decimal("40000")


def test_fifty_decisions_of_a_cofunder_at_once_keep_to_its_own_envelope(app, committed, postgresql_only):
    call = deciding_call(total="1000000")
    funder = cofunder(call, envelope="20000")
    person = admin()
    ids = [waiting_dossier(call, state="committee_opinion").id for _ in range(DECIDERS)]
    call_id, user_id, funder_id = call.id, person.id, funder.id
    db.session.remove()
    results = at_once(app, [deciding(dossier_id, user_id, funder_id, "1500") for dossier_id in ids])
    assert results.count("applied") == 13  # 13 × 1,500 € fit in 20,000 €
    assert granted_total(call_id, funder_id) == Decimal("19500")
    assert granted_total(call_id) == 0  # the authority's envelope is untouched


def test_two_decisions_at_once_on_sqlite_let_one_through_at_most(app, committed):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("the PostgreSQL case is the fifty-writer test above")
    call = deciding_call(total="5000", strands=(("Création", None),))
    person = admin()
    ids = [waiting_dossier(call, requested="3000").id for _ in range(2)]
    call_id, user_id = call.id, person.id
    db.session.remove()
    results = at_once(app, [deciding(dossier_id, user_id) for dossier_id in ids])
    assert results.count("applied") == 1 and granted_total(call_id) == Decimal("3000")


def test_two_releases_of_the_same_decisions_at_once_release_and_tell_each_holder_once(app, committed, postgresql_only):
    from aap.decisions.release import release
    from aap.notifications.models import Notification

    call = deciding_call()
    funder = cofunder(call, envelope="20000")
    person = admin()
    dossier = waiting_dossier(call)
    operations.stage(dossier, funder, granted_form("2000"), person, utcnow())
    db.session.commit()
    call_id, funder_id, user_id, dossier_id = call.id, funder.id, person.id, dossier.id
    holder_id = dossier.organisation.memberships[0].user_id
    db.session.remove()
    released = []

    def releasing():
        from aap.calls.models import Call

        done = release(db.session.get(Call, call_id), db.session.get(Funder, funder_id), db.session.get(User, user_id),
                       utcnow())
        released.append(len(done.decisions))

    results = at_once(app, [releasing, releasing])
    assert results == ["applied", "applied"] and sorted(released) == [0, 1]
    db.session.expire_all()
    assert db.session.execute(select(func.count()).select_from(Notification)
                              .where(Notification.user_id == holder_id)).scalar() == 1
    assert db.session.get(Dossier, dossier_id).state == "committee_opinion"
