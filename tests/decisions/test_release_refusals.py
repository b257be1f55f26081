"""A release the workflow refuses: that decision stays staged and the release says why; the others are released."""
from sqlalchemy.orm.exc import StaleDataError

from aap.core.models import utcnow
from aap.decisions import operations
from aap.decisions.models import Decision
from aap.decisions.release import release
from aap.extensions import db
from aap.notifications.models import Notification
from aap.workflow import engine
from tests import factories
from tests.decisions.world import admin, cofunder, deciding_call, granted_form, waiting_dossier


def staged(dossier, funder, amount, user):
    decision = operations.stage(dossier, funder, granted_form(amount), user, utcnow())
    db.session.commit()
    return decision.id


def released(decision_id) -> bool:
    db.session.expire_all()
    return db.session.get(Decision, decision_id).released_at is not None


def test_the_authoritys_decision_released_before_a_cofunders_stays_staged_with_the_guards_reason(session):
    call = deciding_call(workflow="instruction-conjointe")
    instructor = factories.make_user(roles=("instructor",), totp=True)
    region = cofunder(call, "Région Île-de-France", "30000")
    ready, waiting = waiting_dossier(call, state="funders_deciding"), waiting_dossier(call, state="funders_deciding")
    staged(ready, region, "5000", admin())
    release(call, region, instructor, utcnow())
    db.session.commit()
    first, second = staged(ready, None, "8000", instructor), staged(waiting, None, "6000", instructor)
    done = release(call, None, instructor, utcnow())
    db.session.commit()
    assert [decision.id for decision in done.decisions] == [first]
    assert done.refused == [f"{waiting.reference} : Décision du cofinanceur encore attendue : Région Île-de-France. "
                            "Celle de l'autorité se publie une fois publiée celle de chaque cofinanceur."]
    assert released(first) and not released(second)
    db.session.refresh(ready)
    db.session.refresh(waiting)
    assert (ready.state, waiting.state) == ("decided", "funders_deciding")


def test_a_concurrent_write_the_engine_catches_undoes_the_whole_release_and_tells_nobody(session, monkeypatch):
    call, person = deciding_call(), admin()
    dossiers = [waiting_dossier(call), waiting_dossier(call)]
    ids = [staged(dossier, None, "4000", person) for dossier in dossiers]
    real_apply, calls = engine._apply, []

    def second_one_stale(*args):
        """What SQLAlchemy raises when another transaction changed the dossier's row since it was read."""
        calls.append(args)
        if len(calls) == 2:
            raise StaleDataError("UPDATE statement on table 'dossiers' expected to update 1 row(s); 0 were matched.")
        return real_apply(*args)

    monkeypatch.setattr(engine, "_apply", second_one_stale)
    done = release(call, None, person, utcnow())
    db.session.commit()
    assert done.decisions == []
    assert done.refused == ["Une autre personne vient d'agir sur l'un des dossiers : aucune décision n'a été "
                            "publiée. Recommencez."]
    assert not released(ids[0]) and not released(ids[1])
    assert [db.session.get(type(d), d.id).state for d in dossiers] == ["committee_opinion"] * 2
    assert db.session.execute(db.select(Notification)).scalars().all() == []
