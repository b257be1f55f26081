"""Scoring in session: convened members score the current item on the call's grid, and the figures follow."""
import pytest

from aap.calls.models import Call
from aap.committee.models import OPEN
from aap.core.models import utcnow
from aap.dossiers.reviewers import Conflict
from aap.extensions import db
from aap.review.models import SUBMITTED, Review, ReviewStanding
from tests import factories
from tests.committee.agenda_world import make_session, put_on_agenda, ready_dossier, strands_of
from tests.review.test_pools import FORM

SCORES = {"score_utilite_sociale": "4", "score_ancrage_territorial": "3", "score_gouvernance": "5",
          "score_viabilite": "2", "score_cooperation": "", "score_emplois": "n/a"}


@pytest.fixture
def world(session):
    call = factories.make_open_call(title="Appel ESS 2026", scores_in_session=True)
    creation, _development = strands_of(call)
    members = [factories.make_user(roles=("committee",), call=call, totp=True, full_name=name)
               for name in ("Bruno Banque", "Nadia Réseau", "Chloé Région")]
    meeting = make_session(call, members)
    first, second = ready_dossier(call, creation, None, title="Ressourcerie"), ready_dossier(call, creation, None,
                                                                                             title="Jardin partagé")
    items = put_on_agenda(meeting, [first, second])
    meeting.state, meeting.current_item_id = OPEN, items[0].id
    db.session.add(Conflict(dossier_id=first.id, user_id=members[2].id, kind="member", declared_at=utcnow()))
    db.session.commit()
    return {"call": call, "session": meeting, "members": members, "items": items, "dossiers": (first, second)}


def url(world):
    return f"/comite/seances/{world['session'].id}/noter"


def post(client, world, item=None, **changes):
    return client.post(url(world), data={**SCORES, **changes, "item": str((item or world["items"][0]).id),
                                         "version": changes.pop("version", "")})


def test_a_member_scores_the_current_item_and_the_figures_follow(client, world):
    client.login(world["members"][0])
    form = client.get(url(world))
    assert form.status_code == 200 and "Noter en séance — " + world["dossiers"][0].reference in form.page
    revision = world["session"].revision
    answer = post(client, world)
    assert answer.status_code == 302 and answer.location.endswith(f"/comite/seances/{world['session'].id}/direct")
    db.session.expire_all()
    review = db.session.execute(db.select(Review)).scalar_one()
    assert review.state == SUBMITTED and review.weighted_score is not None
    standing = db.session.get(ReviewStanding, world["dossiers"][0].id)
    assert standing.reviews == 1 and standing.score == review.weighted_score
    assert world["session"].revision == revision + 1
    client.login(world["members"][1])
    post(client, world, score_utilite_sociale="0", score_gouvernance="0")
    db.session.expire_all()
    assert db.session.get(ReviewStanding, world["dossiers"][0].id).reviews == 2


def test_a_member_changes_their_score_while_the_item_is_current(client, world):
    client.login(world["members"][0])
    post(client, world)
    review = db.session.execute(db.select(Review)).scalar_one()
    first = review.weighted_score
    assert 'value="4"' in client.get(url(world)).page  # their score is shown again
    assert post(client, world, version=str(review.lock_version), score_viabilite="5").status_code == 302
    db.session.expire_all()
    assert db.session.execute(db.select(Review)).scalar_one().weighted_score > first


def test_a_recused_member_neither_sees_nor_scores(client, world):
    client.login(world["members"][2])
    page = client.get(url(world))
    assert page.status_code == 403 and "Vous êtes déporté·e pour ce dossier." in page.page
    assert "Ressourcerie" not in page.page and world["dossiers"][0].reference not in page.page
    refused = post(client, world)
    assert refused.status_code == 409 and "Vous êtes déporté·e pour ce dossier." in refused.page
    assert "Ressourcerie" not in refused.page
    assert db.session.execute(db.select(db.func.count()).select_from(Review)).scalar_one() == 0


def test_a_score_for_an_item_the_chair_has_left_is_refused_keeping_what_was_typed(client, world):
    world["session"].current_item_id = world["items"][1].id
    db.session.commit()
    client.login(world["members"][0])
    refused = post(client, world, item=world["items"][0], score_viabilite="3,5")
    assert refused.status_code == 409 and "passé·e à un autre point" in refused.page
    assert 'value="3,5"' in refused.page and "Jardin partagé" not in refused.page
    assert db.session.execute(db.select(db.func.count()).select_from(Review)).scalar_one() == 0


def test_a_score_outside_the_scale_is_refused_next_to_its_field(client, world):
    client.login(world["members"][0])
    refused = post(client, world, score_gouvernance="7")
    assert refused.status_code == 400 and 'value="7"' in refused.page
    assert db.session.execute(db.select(db.func.count()).select_from(Review)).scalar_one() == 0


@pytest.mark.parametrize("change, message", [
    ("not_convened", "Seuls les membres convoqués à la séance notent les dossiers."),
    ("not_in_session", "Cet appel ne prévoit pas de notation en séance"),
    ("not_open", "La séance n'est pas ouverte"),
])
def test_who_may_not_score_is_told_why(client, world, change, message):
    user = world["members"][0]
    if change == "not_convened":  # staff run the session; they do not score it
        user = factories.make_user(roles=("instructor",), totp=True)
    elif change == "not_in_session":
        world["call"].scores_in_session = False
    else:
        world["session"].state = "convened"
    db.session.commit()
    client.login(user)
    page = client.get(url(world))
    assert page.status_code == 403 and message in page.page
    assert post(client, world).status_code == 409
    assert db.session.execute(db.select(db.func.count()).select_from(Review)).scalar_one() == 0


def test_strangers_do_not_reach_the_session(client, login_as, world):
    client.login(factories.make_user(roles=("committee",), call=world["call"], totp=True))  # not convened
    assert client.get(url(world)).status_code == 404
    login_as("reviewer")
    assert client.get(url(world)).status_code == 404


def test_the_call_form_says_whether_the_committee_scores_in_session(client, login_as, session):

    login_as("admin")
    assert client.post("/admin/appels/nouveau", data={**FORM, "scores_in_session": "y"}).status_code == 302
    call = db.session.execute(db.select(Call)).scalar_one()
    assert call.scores_in_session is True
    page = client.get(f"/admin/appels/{call.id}/modifier").page
    assert "Le comité note les dossiers en séance" in page
    client.post(f"/admin/appels/{call.id}/modifier", data=FORM)
    db.session.expire_all()
    assert db.session.get(Call, call.id).scores_in_session is False
