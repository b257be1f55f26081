"""Publications sent at the same instant, in real threads on real connections: one version, one number."""
import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from aap.auth.models import User
from aap.bilan import operations
from aap.bilan.models import Bilan, BilanVersion
from aap.calls.models import Call
from aap.core.models import utcnow
from aap.extensions import db
from tests import threads
from tests.bilan.publication_world import admin, figures_by_hand, finished_call, snapshot


@pytest.fixture
def figures(monkeypatch):
    return figures_by_hand(monkeypatch)


CLICKS = 6


def publishing(call_id, user_id, number=1, note=""):
    def attempt():
        call, user = db.session.get(Call, call_id), db.session.get(User, user_id)
        operations.publish(call, user, utcnow(), number, operations.texts_digest("", ""), note)
    return attempt


def numbers(call_id) -> list[int]:
    db.session.expire_all()
    return list(db.session.execute(select(BilanVersion.number).join(Bilan).where(Bilan.call_id == call_id)
                                   .order_by(BilanVersion.number)).scalars())


def test_the_same_click_sent_many_times_at_once_publishes_one_version(app, committed, figures):
    call, person = finished_call(), admin()
    call_id, user_id = call.id, person.id
    db.session.remove()
    results = threads.at_once(app, [publishing(call_id, user_id) for _ in range(CLICKS)], (operations.BilanRefused,))
    assert results.count(threads.APPLIED) == 1
    refusals = [result for result in results if result != threads.APPLIED]
    assert refusals == ["La version 1 de ce bilan est déjà publiée : elle ne l'est pas une seconde fois. Relisez la "
                        "page, elle montre la dernière version."] * (CLICKS - 1)
    assert numbers(call_id) == [1]


def test_two_corrections_at_once_make_one_version_2(app, committed, figures):
    call, person = finished_call(), admin()
    call_id, user_id = call.id, person.id
    db.session.remove()
    assert threads.at_once(app, [publishing(call_id, user_id)], (operations.BilanRefused,)) == [threads.APPLIED]
    attempts = [publishing(call_id, user_id, 2, f"Correction {n}.") for n in range(2)]
    results = threads.at_once(app, attempts, (operations.BilanRefused,))
    assert sorted(results) == sorted([threads.APPLIED, "La version 2 de ce bilan est déjà publiée : elle ne l'est pas "
                                                       "une seconde fois. Relisez la page, elle montre la dernière "
                                                       "version."])
    assert numbers(call_id) == [1, 2]


def test_the_database_refuses_two_versions_with_one_number(app, session, figures):
    call = finished_call()
    bilan = Bilan(call_id=call.id, introduction="", commentary="")
    db.session.add(bilan)
    db.session.flush()
    for _ in range(2):
        db.session.add(BilanVersion(bilan_id=bilan.id, number=1, snapshot=snapshot(call), published_at=utcnow()))
    with pytest.raises(IntegrityError):
        db.session.flush()
