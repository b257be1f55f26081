"""The access function and its SQL twin agree for every person and every dossier of a generated population."""
import random
from datetime import datetime, timezone

import pytest
from flask_login import AnonymousUserMixin

from aap.dossiers.access import access
from aap.dossiers.queries import dossiers_page, visible_dossiers
from aap.dossiers.reviewers import ASSIGNED, DECLINED, DONE, Assignment, Conflict
from aap.extensions import db
from aap.workflow import engine
from tests import factories


def build_population(seed: int = 2026):
    rng = random.Random(seed)
    call, other_call = factories.make_open_call(title="Appel A"), factories.make_open_call(title="Appel B")
    people = {
        "holder_1": factories.make_user(), "holder_2": factories.make_user(), "holder_both": factories.make_user(),
        "instructor": factories.make_user(roles=("instructor",), totp=True),
        "admin": factories.make_user(roles=("admin",), totp=True),
        "reviewer_other_call": factories.make_user(roles=("reviewer",), call=other_call, totp=True),
        "reviewer": factories.make_user(roles=("reviewer",), call=call, totp=True),
        "reviewer_committee": factories.make_user(roles=("reviewer", "committee"), call=call, totp=True),
        "committee": factories.make_user(roles=("committee",), call=call, totp=True),
        "funder": factories.make_user(roles=("funder",), call=call, totp=True),
        "no_role": factories.make_user(),
    }
    first = factories.make_organisation(members=[people["holder_1"], people["holder_both"]])
    second = factories.make_organisation(members=[people["holder_2"], people["holder_both"]])
    dossiers = []
    for _ in range(20):
        organisation = rng.choice([first, second])
        holder = people["holder_1"] if organisation is first else people["holder_2"]
        dossier = factories.make_dossier(rng.choice([call, other_call]), organisation, holder)
        if rng.random() < 0.5:
            engine.apply_transition(dossier.id, "submit", holder)
            db.session.commit()
        dossiers.append(dossier)
    _link_reviewers(rng, people, dossiers)
    return people, dossiers, {"first": first, "second": second, "call": call, "other_call": other_call}


def _link_reviewers(rng, people, dossiers):
    """Random assignments (some done, some declined) and conflicts, for every reviewing or reading person."""
    now = datetime.now(timezone.utc)
    for dossier in dossiers:
        for name in ("reviewer", "reviewer_other_call", "reviewer_committee"):
            if rng.random() < 0.6:
                db.session.add(Assignment(dossier_id=dossier.id, user_id=people[name].id,
                                          state=rng.choice([ASSIGNED, DONE, DECLINED])))
        for name in ("reviewer", "reviewer_committee", "committee", "funder", "instructor"):
            if rng.random() < 0.25:
                db.session.add(Conflict(dossier_id=dossier.id, user_id=people[name].id, kind="other",
                                        details="Ancien employeur", declared_at=now))
    db.session.commit()


def _assigned(person, dossier) -> bool:
    return db.session.execute(db.select(Assignment).where(
        Assignment.user_id == person.id, Assignment.dossier_id == dossier.id, Assignment.state != DECLINED)).first() is not None


def _conflicted(person, dossier) -> bool:
    return db.session.execute(db.select(Conflict).where(
        Conflict.user_id == person.id, Conflict.dossier_id == dossier.id)).first() is not None


@pytest.mark.parametrize("seed", [2026, 93, 1])
def test_the_access_function_and_its_sql_twin_agree_on_every_pair(session, seed):
    people, dossiers, _world = build_population(seed)
    everyone = {**people, "public": AnonymousUserMixin()}
    for name, person in everyone.items():
        listed = {d.id for d in db.session.execute(visible_dossiers(person)).scalars()}
        decided = {d.id for d in dossiers if access(person, d).view}
        assert listed == decided, name


def test_each_kind_of_person_sees_what_they_should(session):
    people, dossiers, world = build_population(seed=21)
    mine = lambda organisations: {d.id for d in dossiers if d.organisation_id in {o.id for o in organisations}}
    submitted = {d.id for d in dossiers if d.reference is not None}
    of_call = lambda call: {d.id for d in dossiers if d.call_id == call.id} & submitted
    free = lambda name: {d.id for d in dossiers if not _conflicted(people[name], d)}
    assigned = lambda name: {d.id for d in dossiers if _assigned(people[name], d)}
    expected = {
        "holder_1": mine([world["first"]]), "holder_2": mine([world["second"]]),
        "holder_both": mine([world["first"], world["second"]]),
        "instructor": submitted, "admin": submitted,
        "reviewer_other_call": of_call(world["other_call"]) & assigned("reviewer_other_call"),
        "reviewer": of_call(world["call"]) & assigned("reviewer") & free("reviewer"),
        "reviewer_committee": of_call(world["call"]) & free("reviewer_committee"),
        "committee": of_call(world["call"]) & free("committee"),
        "funder": of_call(world["call"]) & free("funder"), "no_role": set(),
    }
    for name, ids in expected.items():
        assert {d.id for d in dossiers if access(people[name], d).view} == ids, name
        for dossier in dossiers:  # the answers are read once submitted; a draft is read in its edit form
            rights = access(people[name], dossier)
            assert rights.read_answers == (rights.view and dossier.reference is not None), (name, dossier.id)
            assert rights.allows("read_answers") == rights.read_answers
    assert expected["reviewer"] and of_call(world["call"]) - expected["reviewer"], "the population tries both sides"
    reviewer = people["reviewer"]
    for dossier in dossiers:
        rights = access(reviewer, dossier)
        if rights.view:  # a reviewer writes their review, reads the others' only once theirs is submitted
            assert rights.review and not rights.thread and not rights.staff_view and not rights.internal_notes
            done = db.session.execute(db.select(Assignment.state).where(
                Assignment.user_id == reviewer.id, Assignment.dossier_id == dossier.id)).scalar_one() == DONE
            assert rights.reviews == done and not rights.identity_hidden
    assert all(access(people["instructor"], d).view for d in dossiers if d.reference), "conflicts bind readers, not staff"
    assert not any(access(AnonymousUserMixin(), d).view for d in dossiers)
    holder = people["holder_1"]
    for dossier in dossiers:
        rights = access(holder, dossier)
        if rights.view:  # a holder writes in the thread, never sees the staff's side, edits only drafts
            assert rights.thread and not rights.staff_view and not rights.internal_notes
            assert rights.edit == (dossier.state == "draft")
    committee = people["committee"]
    for dossier in dossiers:
        if dossier.id in expected["committee"]:  # committees never write to holders
            assert access(committee, dossier).staff_view and not access(committee, dossier).thread
        for name in ("reviewer", "reviewer_committee", "committee", "funder"):
            if dossier.id in of_call(world["call"]) - free(name):  # a conflict sets them aside, and says so
                assert access(people[name], dossier).recused == "Vous êtes déporté·e pour ce dossier."
        if dossier.reference is None:  # a draft is its organisation's alone
            assert access(committee, dossier) == access(people["instructor"], dossier) == access(people["no_role"], dossier)
            assert not access(people["admin"], dossier).view and access(people["admin"], dossier).support_possible


def test_pages_answer_as_the_access_function_decides(client, session):
    people, dossiers, _world = build_population(seed=21)
    for name, person in people.items():
        client.login(person)
        for dossier in dossiers:
            response = client.get(f"/dossiers/{dossier.id}")
            rights = access(person, dossier)
            expected = 200 if rights.view else 302 if rights.support_possible else 404
            assert response.status_code == expected, (name, dossier.id)
            assert ("Vous êtes déporté·e pour ce dossier." in response.page) == bool(rights.recused), (name, dossier.id)
        listed = dossiers_page(person).items
        assert {d.id for d in listed} == {d.id for d in dossiers if access(person, d).view}, name
        client.post("/deconnexion")
    for dossier in dossiers:
        assert client.get(f"/dossiers/{dossier.id}").status_code == 302  # the public is sent to the login page
