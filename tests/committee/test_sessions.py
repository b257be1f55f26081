"""Committee sessions: planned from the call's pools, checked field by field, changed, listed; seats and roles."""
import itertools
import re
from datetime import datetime, timezone

import pytest
from flask import g

from aap.auth.models import RoleGrant
from aap.committee.models import CommitteeSession, SessionMember
from aap.extensions import db
from aap.review.models import PoolMember
from tests import factories

COUNTER = itertools.count(1)


def pooled(call, group="networks", full_name=None, **fields):
    """A reviewer in one of the call's pools."""
    number = next(COUNTER)
    user = factories.make_user(email=f"membre{number}.seance@example.org", roles=("reviewer",), call=call,
                               totp=True, full_name=full_name or f"Membre {number:03d}", **fields)
    db.session.add(PoolMember(call_id=call.id, user_id=user.id, group=group, strand_ids=[], non_neutral_communes=[]))
    db.session.commit()
    return user


def read(response) -> str:
    """The page's words without its tags, spaces squeezed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.page).split()).replace(" .", ".").replace(" ,", ",")


def session_data(people, **overrides) -> dict:
    data = {"title": "Comité de printemps", "starts_on": "2027-01-14", "starts_time": "14:30", "ends_on": "",
            "ends_time": "17:00", "place": "Salle du conseil, 21 avenue Jules Rimet", "video_url": "",
            "quorum": "", "members": [person.id for person in people]}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def sessions_of(call):
    return db.session.execute(db.select(CommitteeSession).where(CommitteeSession.call_id == call.id)
                              .order_by(CommitteeSession.id)).scalars().all()


def create(client, call, members, **overrides) -> CommitteeSession:
    response = client.post(f"/comite/appels/{call.id}/seances/nouvelle", data=session_data(members, **overrides))
    assert response.status_code == 302, response.page
    return sessions_of(call)[-1]


def committee_grant(user, call):
    return db.session.execute(db.select(RoleGrant).where(RoleGrant.user_id == user.id, RoleGrant.role == "committee",
                                                         RoleGrant.call_id == call.id)).scalar_one_or_none()


@pytest.mark.parametrize("role", ["admin", "instructor"])
def test_staff_plan_a_session_from_the_pools(client, login_as, role):
    login_as(role)
    call = factories.make_open_call(title="AAP ESS 2027")
    members = [pooled(call, "networks", "Awa Réseau"), pooled(call, "banks", "Bruno Banque"),
               pooled(call, "elected", "Chloé Élue")]
    page = client.get(f"/comite/appels/{call.id}/seances/nouvelle").page
    assert "Têtes de réseau" in page and "Banques et finance" in page and "Awa Réseau" in page
    assert "la moitié des membres plus un" in page
    session = create(client, call, members)
    assert (session.starts_at, session.ends_at) == (datetime(2027, 1, 14, 13, 30, tzinfo=timezone.utc),
                                                    datetime(2027, 1, 14, 16, 0, tzinfo=timezone.utc))
    assert (session.state, session.quorum, session.quorum_from_rule) == ("planned", 2, True)
    assert sorted(member.user_id for member in session.members) == sorted(member.id for member in members)
    assert all(committee_grant(member, call) is not None for member in members)
    page = read(client.get(f"/comite/seances/{session.id}"))
    assert "En préparation." in page and "Prochaine étape : convoquer les membres." in page
    assert "14/01/2027 14:30 – 17:00" in page and "Salle du conseil" in page
    assert "2 membres présents, en salle ou à distance (la moitié des membres plus un)" in page
    assert "Banques et finance" in page and "Chloé Élue" in page
    for path in ("ordre-du-jour", "preparation", "direct", "enveloppe"):
        assert f'href="/comite/seances/{session.id}/{path}"' in client.get(f"/comite/seances/{session.id}").text


def test_summer_time_is_stored_two_hours_behind(client, login_as):
    login_as("admin")
    call = factories.make_open_call()
    session = create(client, call, [pooled(call)], starts_on="2027-06-17", ends_on="2027-06-18", ends_time="12:00",
                     place="", video_url="https://visio.example.org/comite")
    assert (session.starts_at, session.ends_at) == (datetime(2027, 6, 17, 12, 30, tzinfo=timezone.utc),
                                                    datetime(2027, 6, 18, 10, 0, tzinfo=timezone.utc))
    assert client.get(f"/comite/seances/{session.id}").page.count("17/06/2027 14:30 – 18/06/2027 12:00") == 1


@pytest.mark.parametrize("overrides, field, message", [
    ({"ends_time": "14:00"}, "ends_time", "La fin doit venir après le début de la séance."),
    ({"ends_on": "2027-01-13", "ends_time": "18:00"}, "ends_time", "La fin doit venir après le début de la séance."),
    ({"place": "", "video_url": ""}, "place", "Indiquez un lieu, un lien de visioconférence, ou les deux."),
    ({"video_url": "http://visio.example.org/comite"}, "video_url",
     "Le lien de visioconférence doit être une adresse https://"),
    ({"video_url": "javascript:alert(1)"}, "video_url", "Le lien de visioconférence doit être une adresse https://"),
    ({"quorum": "0"}, "quorum", "Le quorum doit être compris entre 1 et 2, le nombre de membres convoqués."),
    ({"quorum": "3"}, "quorum", "Le quorum doit être compris entre 1 et 2, le nombre de membres convoqués."),
    ({"members": []}, "members", "Choisissez au moins un membre."),
    ({"starts_on": "", "starts_time": ""}, "starts_on", "Ce champ est obligatoire."),
    ({"starts_on": "2027-03-28", "starts_time": "02:30", "ends_time": "04:00"}, "starts_time",
     "Cette heure n'existe pas à Paris ce jour-là"),
    ({"title": ""}, "title", "Ce champ est obligatoire."),
])
def test_bad_inputs_are_refused_next_to_their_field_and_kept(client, login_as, overrides, field, message):
    login_as("instructor")
    call = factories.make_open_call()
    members = [pooled(call), pooled(call)]
    data = session_data(members, **{"title": "Séance <b>typée</b>", "place": "Maison des associations", **overrides})
    response = client.post(f"/comite/appels/{call.id}/seances/nouvelle", data=data)
    assert response.status_code == 400
    assert message in response.page
    assert f'href="#{field}"' in response.text  # the error summary leads to the field
    assert 'id="%s-error"' % field in response.text
    if data.get("title"):
        assert 'value="Séance &lt;b&gt;typée&lt;/b&gt;"' in response.text
    if data.get("video_url"):
        assert data["video_url"] in response.page
    assert sessions_of(call) == []


def test_a_member_outside_the_pools_is_refused(client, login_as):
    login_as("admin")
    call = factories.make_open_call()
    other_call = factories.make_open_call()
    stranger = pooled(other_call)
    response = client.post(f"/comite/appels/{call.id}/seances/nouvelle", data=session_data([pooled(call), stranger]))
    assert response.status_code == 400
    assert "Choisissez les membres parmi les relecteur·rices des viviers de l'appel." in response.page
    assert sessions_of(call) == [] and committee_grant(stranger, call) is None


def test_an_explicit_quorum_is_kept_and_the_rule_follows_the_members(client, login_as):
    login_as("admin")
    call = factories.make_open_call()
    members = [pooled(call) for _ in range(5)]
    session = create(client, call, members[:3], quorum="3")
    assert (session.quorum, session.quorum_from_rule) == (3, False)
    assert client.get(f"/comite/seances/{session.id}/modifier").status_code == 200
    response = client.post(f"/comite/seances/{session.id}/modifier", data=session_data(members))
    assert response.status_code == 302
    db.session.refresh(session)
    assert (session.quorum, session.quorum_from_rule, len(session.members)) == (3, True, 5)


def test_the_edit_form_is_filled_with_the_session(client, login_as):
    login_as("admin")
    call = factories.make_open_call()
    members = [pooled(call), pooled(call)]
    session = create(client, call, members, quorum="2", video_url="https://visio.example.org/c?id=1&k=2")
    text = client.get(f"/comite/seances/{session.id}/modifier").text
    assert 'value="2027-01-14"' in text and 'value="14:30"' in text and 'value="17:00"' in text
    assert 'value="https://visio.example.org/c?id=1&amp;k=2"' in text
    assert text.count("checked") == 2 and 'name="quorum" type="number" value="2"' in text


def test_removing_a_member_takes_back_only_the_role_the_seat_gave(client, login_as):
    login_as("admin")
    call = factories.make_open_call()
    newcomer, already_committee, twice = pooled(call), pooled(call), pooled(call)
    db.session.add(RoleGrant(user_id=already_committee.id, role="committee", call_id=call.id))
    db.session.commit()
    first = create(client, call, [newcomer, already_committee, twice])
    second = create(client, call, [twice], title="Deuxième séance")
    response = client.post(f"/comite/seances/{first.id}/modifier", data=session_data([pooled(call)]))
    assert response.status_code == 302
    assert committee_grant(newcomer, call) is None
    assert committee_grant(already_committee, call) is not None  # held before the session: kept
    assert committee_grant(twice, call) is not None  # still sits in the second session
    assert committee_grant(newcomer, call) is None and newcomer.has_role("reviewer", call.id)
    response = client.post(f"/comite/seances/{second.id}/modifier", data=session_data([already_committee]))
    assert response.status_code == 302
    assert committee_grant(twice, call) is None  # its last seat on the call is gone
    assert committee_grant(already_committee, call) is not None


def test_a_seated_member_reads_the_call_dossiers_but_not_one_in_conflict(client, login_as):
    from aap.dossiers.access import access
    from aap.dossiers.reviewers import Conflict
    from aap.workflow import engine

    login_as("admin")
    call = factories.make_open_call()
    member = pooled(call)
    holder = factories.make_user()
    organisation = factories.make_organisation(members=[holder])
    readable, conflicted = (factories.make_dossier(call, organisation, holder) for _ in range(2))
    for dossier in (readable, conflicted):
        engine.apply_transition(dossier.id, "submit", holder)
    db.session.add(Conflict(dossier_id=conflicted.id, user_id=member.id, kind="family", declared_at=conflicted.created_at))
    db.session.commit()
    assert not access(member, readable).view
    create(client, call, [member])
    db.session.expire(member, ["grants"])
    g.pop("dossier_access", None)  # decided once per request: this test asks again in the same context
    assert access(member, readable).view
    assert not access(member, conflicted).view and access(member, conflicted).recused


def test_the_call_sessions_newest_first_and_sorted_by_date(client, login_as):
    login_as("admin")
    call = factories.make_open_call(title="AAP ESS 2027")
    members = [pooled(call)]
    for title, day in (("Séance de janvier", "2027-01-14"), ("Séance de mars", "2027-03-11"),
                       ("Séance de février", "2027-02-11")):
        create(client, call, members, title=title, starts_on=day)
    client.get(f"/comite/appels/{call.id}/seances")  # the creations' messages are shown once
    page = client.get(f"/comite/appels/{call.id}/seances").page
    assert page.index("Séance de mars") < page.index("Séance de février") < page.index("Séance de janvier")
    assert "3 séances" in page and "En préparation" in page
    page = client.get(f"/comite/appels/{call.id}/seances?tri=date&ordre=asc").page
    assert page.index("Séance de janvier") < page.index("Séance de février") < page.index("Séance de mars")
    assert f'href="/comite/appels/{call.id}/seances"' in client.get(f"/instruction/appels/{call.id}/dossiers").text


def test_who_may_reach_the_sessions_pages(client, login_as, app):
    staff = login_as("admin")
    call = factories.make_open_call()
    member, outsider = pooled(call), pooled(call)
    session = create(client, call, [member])
    other = create(client, call, [outsider], title="Autre séance")
    assert client.get("/comite/appels/99999999/seances").status_code == 404
    assert client.get("/comite/seances/99999999").status_code == 404
    assert client.get("/comite/seances/99999999/modifier").status_code == 404
    member_client = app.test_client()
    member_client.login(member)
    assert member_client.get(f"/comite/seances/{session.id}").status_code == 200
    assert member_client.get(f"/comite/seances/{other.id}").status_code == 404  # someone else's session
    for path in (f"/comite/seances/{session.id}/modifier", f"/comite/seances/{session.id}/presences",
                 f"/comite/appels/{call.id}/seances"):
        assert member_client.get(path).status_code == 403
    assert member_client.post(f"/comite/seances/{session.id}/convoquer").status_code == 403
    for role in ("holder", "reviewer"):
        stranger = app.test_client()
        stranger.login(factories.make_user(roles=() if role == "holder" else (role,),
                                           call=call if role == "reviewer" else None, totp=role != "holder"))
        assert stranger.get(f"/comite/appels/{call.id}/seances").status_code == 403
        assert stranger.get(f"/comite/appels/{call.id}/seances/nouvelle").status_code == 403
        assert stranger.get(f"/comite/seances/{session.id}/modifier").status_code == 403
        assert stranger.get(f"/comite/seances/{session.id}").status_code == 404
    assert staff.is_admin


def test_attendance_is_recorded_timed_and_counted_against_the_quorum(client, login_as):
    login_as("instructor")
    call = factories.make_open_call()
    members = [pooled(call) for _ in range(4)]
    session = create(client, call, members)  # quorum 3
    seats = {member.user_id: member.id for member in session.members}
    page = read(client.get(f"/comite/seances/{session.id}/presences"))
    assert "0 membres présents sur 4" in page and "le quorum n'est pas atteint (il manque 3 membres)" in page
    answers = {f"seat_{seats[members[0].id]}": "room", f"seat_{seats[members[1].id]}": "remote",
               f"seat_{seats[members[2].id]}": "absent"}
    response = client.post(f"/comite/seances/{session.id}/presences", data=answers)
    assert response.status_code == 302
    page = read(client.get(response.location))
    assert "3 présences enregistrées." in page and "2 membres présents sur 4" in page
    assert "il manque 1 membre" in page
    recorded = {m.user_id: (m.attendance, m.attendance_recorded_at) for m in db.session.execute(
        db.select(SessionMember).where(SessionMember.session_id == session.id)).scalars()}
    assert recorded[members[0].id][0] == "room" and recorded[members[0].id][1] is not None
    assert recorded[members[3].id] == (None, None)
    response = client.post(f"/comite/seances/{session.id}/presences",
                           data={**answers, f"seat_{seats[members[2].id]}": "room"})
    page = read(client.get(response.location))
    assert "1 présence enregistrée." in page and "3 membres présents sur 4" in page
    assert "le quorum est atteint" in page
    page = read(client.get(f"/comite/seances/{session.id}"))
    assert "3 membres présents sur 4 — le quorum est atteint" in page and "Présent·e à distance" in page
    response = client.post(f"/comite/seances/{session.id}/presences", data={f"seat_{seats[members[3].id]}": "dort"})
    assert response.status_code == 400 and "3 membres présents sur 4" in read(response)


def test_a_closed_session_keeps_its_attendance(client, login_as):
    login_as("admin")
    call = factories.make_open_call()
    member = pooled(call)
    session = create(client, call, [member])
    session.state = "closed"
    db.session.commit()
    response = client.post(f"/comite/seances/{session.id}/presences",
                           data={f"seat_{session.members[0].id}": "room"})
    assert response.status_code == 302
    assert "La séance est close : les présences ne changent plus." in client.get(response.location).page
    assert db.session.get(SessionMember, session.members[0].id).attendance is None
    response = client.get(f"/comite/seances/{session.id}/modifier")
    assert response.status_code == 302
    assert "elle ne se modifie plus" in client.get(response.location).page


@pytest.mark.parametrize("page", ["list", "show"])
def test_pages_cost_the_same_queries_for_10_and_50_members(client, login_as, count_queries, page):
    login_as("admin")
    costs = []
    for size in (10, 50):
        call = factories.make_open_call()
        members = [pooled(call, ("networks", "banks", "elected")[n % 3]) for n in range(size)]
        for title in ("Première", "Seconde"):
            session = create(client, call, members, title=title)
        path = f"/comite/appels/{call.id}/seances" if page == "list" else f"/comite/seances/{session.id}"
        client.get(path)
        with count_queries() as counted:
            assert client.get(path).status_code == 200
        costs.append(counted.n)
    assert costs[0] == costs[1]
