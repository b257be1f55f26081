"""A member's preparation pack: built by the worker with its progress, as the member's rights show each dossier."""
import pytest

from aap.committee.models import DONE, FAILED, PreparationPack
from aap.core.models import utcnow
from aap.dossiers.reviewers import Conflict
from aap.extensions import db
from tests import factories
from tests.committee.agenda_world import make_session, put_on_agenda, ready_dossier, strands_of
from tests.dossiers.test_reading import pdf_text


@pytest.fixture
def world(session, uploads):
    call = factories.make_open_call(title="Appel ESS 2026")
    creation, _development = strands_of(call)
    member = factories.make_user(roles=("committee",), call=call, totp=True, full_name="Bruno Banque")
    conflicted = factories.make_user(roles=("committee",), call=call, totp=True, full_name="Chloé Région")
    meeting = make_session(call, [member, conflicted])
    recused = ready_dossier(call, creation, "85", title="Ressourcerie du canal")
    readable = ready_dossier(call, creation, "60", title="Jardin partagé")
    put_on_agenda(meeting, [recused, readable])
    db.session.add(Conflict(dossier_id=recused.id, user_id=conflicted.id, kind="member", declared_at=utcnow()))
    db.session.commit()
    return {"session": meeting, "member": member, "conflicted": conflicted, "recused": recused}


def ask(client, world):
    return client.post(f"/comite/seances/{world['session'].id}/dossier-de-preparation")


def test_the_pack_is_built_in_the_background_and_holds_the_agenda_and_each_dossier(client, world, worker):
    client.login(world["member"])
    answer = ask(client, world)
    assert answer.status_code == 302
    waiting = client.get(answer.location)
    assert waiting.headers["Refresh"] == "2" and "file d'attente" in waiting.page
    assert worker.drain() == 1
    done = client.get(answer.location)
    assert "Refresh" not in done.headers and "Votre dossier de préparation est prêt : 2 dossiers" in done.page
    record = db.session.execute(db.select(PreparationPack)).scalar_one()
    assert (record.state, record.done_count, record.total) == (DONE, 2, 2)
    text = pdf_text(client.get(answer.location + ".pdf"))
    assert "Dossier de préparation" in text and "Préparé pour Bruno Banque" in text
    assert "Ressourcerie du canal" in text and "Jardin partagé" in text and "Point 2" in text


def test_a_recused_member_s_pack_keeps_the_place_without_the_content(client, world, worker):
    client.login(world["conflicted"])
    location = ask(client, world).location
    worker.drain()
    text = pdf_text(client.get(location + ".pdf"))
    assert "Vous êtes déporté·e pour ce dossier." in text
    assert "Ressourcerie du canal" not in text and world["recused"].reference not in text
    assert "Jardin partagé" in text


def test_asking_twice_while_it_is_built_gives_the_same_pack(client, world):
    client.login(world["member"])
    assert ask(client, world).location == ask(client, world).location
    assert db.session.execute(db.select(db.func.count()).select_from(PreparationPack)).scalar_one() == 1


def test_a_pack_is_its_reader_s_alone(client, world, worker):
    client.login(world["member"])
    location = ask(client, world).location
    worker.drain()
    client.login(world["conflicted"])
    assert client.get(location).status_code == 404 and client.get(location + ".pdf").status_code == 404
    stranger = factories.make_user(roles=("committee",), call=world["session"].call, totp=True)
    client.login(stranger)
    assert ask(client, world).status_code == 404


def test_a_pack_not_ready_yet_sends_back_to_its_progress(client, world):
    client.login(world["member"])
    location = ask(client, world).location
    early = client.get(location + ".pdf", follow_redirects=True)
    assert "n'est pas encore prêt" in early.page


def test_a_failed_layout_is_said_and_may_be_tried_again(client, world, worker, monkeypatch):
    def broken(html):
        raise RuntimeError("mise en page impossible")

    monkeypatch.setattr("aap.committee.pack.render_document", broken)
    client.login(world["member"])
    location = ask(client, world).location
    worker.drain()
    page = client.get(location).page
    assert "n'a pas pu être mis en page" in page and "Réessayer" in page
    assert db.session.execute(db.select(PreparationPack.state)).scalar_one() == FAILED
    again = ask(client, world)
    assert again.location != location


def test_asking_too_often_is_refused_with_a_message(client, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "PACK_LIMIT", "1 per hour")
    client.login(world["member"])
    ask(client, world)
    refused = client.post(f"/comite/seances/{world['session'].id}/dossier-de-preparation", follow_redirects=True)
    assert "Vous avez demandé beaucoup de dossiers de préparation : réessayez dans 60 minutes." in refused.page
