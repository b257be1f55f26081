"""Clicks made at the same instant, in real threads on real connections: never both applied, nothing lost."""
import threading

from aap.auth.models import User
from aap.committee import live_operations as operations
from aap.committee.models import AgendaItem, CommitteeSession, Vote
from aap.core.models import utcnow
from aap.extensions import db
from tests.committee import live_world


def at_once(app, attempts) -> list[tuple[str, str]]:
    """Run each attempt (a function of the loaded session) in its own thread, released together; their outcomes."""
    barrier, results, lock = threading.Barrier(len(attempts), timeout=60), [], threading.Lock()

    def run(attempt):
        with app.app_context():
            barrier.wait()
            try:
                outcome = "applied", str(attempt())
                db.session.commit()
            except operations.Refused as refusal:
                db.session.rollback()
                outcome = "refused", str(refusal)
            finally:
                db.session.remove()
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(results) == len(attempts), "a thread did not finish"
    return results


def ready(members=3):
    world = live_world.opened(live_world.meeting_world(members=members), item=0)
    ids = {"meeting": world.meeting.id, "items": [item.id for item in world.items], "admin": world.admin.id,
           "instructor": world.instructor.id, "members": [person.id for person in world.members]}
    revision = world.meeting.revision
    db.session.remove()
    return ids, revision


def loaded(ids):
    return db.session.get(CommitteeSession, ids["meeting"])


def fresh_session(ids) -> CommitteeSession:
    db.session.expire_all()
    return db.session.get(CommitteeSession, ids["meeting"])


def test_two_clicks_on_point_suivant_from_the_same_page_move_one_item_only(app, committed):
    ids, revision = ready()

    def step():
        return operations.step(loaded(ids), db.session.get(User, ids["admin"]), True, ids["items"][0], utcnow()).id

    results = at_once(app, [step, step])
    assert sorted(kind for kind, _ in results) == ["applied", "refused"]
    assert next(text for kind, text in results if kind == "refused").startswith(
        "Le point en cours a changé depuis l'affichage de cette page : rien n'a été fait.")
    meeting = fresh_session(ids)
    assert meeting.current_item_id == ids["items"][1] and meeting.revision == revision + 1


def test_two_hand_overs_at_once_leave_one_chair_and_the_other_is_told_who_it_is(app, committed):
    ids, revision = ready()

    def hand_to(person_id):
        return lambda: operations.hand_over(loaded(ids), db.session.get(User, ids["admin"]), person_id, utcnow()).id

    results = at_once(app, [hand_to(ids["instructor"]), hand_to(ids["members"][0])])
    assert sorted(kind for kind, _ in results) == ["applied", "refused"]
    winner = int(next(text for kind, text in results if kind == "applied"))
    name = "Inès Tructrice" if winner == ids["instructor"] else "Nadia Réseau"
    assert next(text for kind, text in results if kind == "refused").startswith(
        f"C'est {name} qui préside la séance")
    meeting = fresh_session(ids)
    assert meeting.chair_id == winner and meeting.revision == revision + 1


def test_a_former_chair_stepping_while_handing_over_never_acts_after_the_hand_over(app, committed):
    ids, revision = ready()
    admin = ids["admin"]
    attempts = [lambda: operations.hand_over(loaded(ids), db.session.get(User, admin), ids["instructor"], utcnow()).id,
                lambda: operations.step(loaded(ids), db.session.get(User, admin), True, ids["items"][0], utcnow()).id]
    results = at_once(app, attempts)
    meeting = fresh_session(ids)
    assert meeting.chair_id == ids["instructor"]
    applied = [kind for kind, _ in results].count("applied")
    # either the step came first (both applied) or it was refused after the hand-over, naming the new chair
    assert (applied, meeting.current_item_id) in ((2, ids["items"][1]), (1, ids["items"][0]))
    assert meeting.revision == revision + applied
    if applied == 1:
        assert "C'est Inès Tructrice qui préside la séance" in next(text for kind, text in results if kind == "refused")


def test_the_same_member_voting_twice_at_once_keeps_one_vote(app, committed):
    ids, revision = ready()
    nadia, item_id = ids["members"][0], ids["items"][0]

    def vote(choice):
        return lambda: operations.cast_vote(loaded(ids), db.session.get(AgendaItem, item_id),
                                            db.session.get(User, nadia), choice).choice

    results = at_once(app, [vote("favorable"), vote("defavorable")])
    assert sorted(kind for kind, _ in results) == ["applied", "refused"]
    kept = next(text for kind, text in results if kind == "applied")
    label = {"favorable": "favorable", "defavorable": "défavorable"}[kept]
    assert next(text for kind, text in results if kind == "refused") == \
        f"Vous avez déjà voté sur ce point ({label}) : un vote est définitif."
    assert db.session.execute(db.select(Vote.user_id, Vote.choice)).all() == [(nadia, kept)]
    assert fresh_session(ids).revision == revision + 1


def test_twenty_members_voting_at_once_are_all_counted(app, committed):
    world = live_world.meeting_world(members=1)
    people = [live_world.member(world.call) for _ in range(20)]
    crowd = live_world.session_of(world.call, people)
    item = live_world.agenda(crowd, [world.dossiers[1]])[0]
    live_world.opened(type(world)(**{**vars(world), "meeting": crowd, "items": [item]}), item=0)
    ids = {"meeting": crowd.id, "item": item.id, "people": [person.id for person in people]}
    revision = crowd.revision
    db.session.remove()

    def vote(person_id):
        return lambda: operations.cast_vote(loaded(ids), db.session.get(AgendaItem, ids["item"]),
                                            db.session.get(User, person_id), "favorable").id

    results = at_once(app, [vote(person_id) for person_id in ids["people"]])
    assert [kind for kind, _ in results] == ["applied"] * 20
    assert sorted(db.session.execute(db.select(Vote.user_id).where(Vote.item_id == ids["item"])).scalars()) == \
        sorted(ids["people"])
    assert fresh_session(ids).revision == revision + 20
