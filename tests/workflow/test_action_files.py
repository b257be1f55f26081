"""Files sent with an action: kept only when the action takes a file and happens."""
from io import BytesIO

from aap.extensions import db
from aap.workflow import engine
from tests import factories
from tests.calls.test_zip_bombs import TOO_MANY, many_entries
from tests.workflow.test_engine import PDF, records


def on_disk(folder) -> set[str]:
    return {p.name for p in folder.rglob("*") if p.is_file()}


def act(client, dossier, name, content=PDF, file_name="convention.pdf"):
    return client.post(f"/dossiers/{dossier.id}/actions/{name}", content_type="multipart/form-data",
                       data={f"{name}-version": str(dossier.lock_version),
                             f"{name}-file": (BytesIO(content), file_name)})


def granted(world):
    dossier = factories.make_dossier(world.call, world.organisation, world.holder)
    for name, person, data in (("submit", world.holder, None), ("declare_eligible", world.instructor, None),
                               ("schedule_committee", world.instructor, None),
                               ("record_opinion", world.committee, {"comment": "ok"}),
                               ("grant", world.admin, {"amount": "5000"})):
        engine.apply_transition(dossier.id, name, person, data)
    db.session.commit()
    return dossier


def test_a_file_sent_with_an_action_that_takes_none_is_not_kept(world, client, uploads):
    dossier = factories.make_dossier(world.call, world.organisation, world.holder)
    client.login(world.holder)
    assert act(client, dossier, "submit").status_code == 302
    assert dossier.state == "submitted" and on_disk(uploads) == set()
    assert all("file" not in record.payload for record in records(dossier))


def test_the_file_of_a_refused_action_is_not_kept_and_an_accepted_one_is(buttons_world, client, uploads):
    world = buttons_world
    dossier = granted(world)
    client.login(world.instructor)  # signing the agreement is for administrators
    assert act(client, dossier, "sign_agreement").status_code == 403 and on_disk(uploads) == set()
    client.login(world.admin)
    assert act(client, dossier, "sign_agreement").status_code == 302
    record = records(dossier)[-1]
    assert record.transition == "sign_agreement" and on_disk(uploads) == {record.payload["file"]["key"]}
    download = client.get(f"/dossiers/{dossier.id}/journal/{record.sequence}/fichier")
    assert download.data == PDF and download.headers["Content-Disposition"] == "attachment; filename=convention.pdf"


def test_a_bomb_sent_with_an_action_is_refused_next_to_the_field(buttons_world, client, uploads):
    world = buttons_world
    dossier = granted(world)
    client.login(world.admin)
    response = act(client, dossier, "sign_agreement", many_entries(), "convention.docx")
    assert response.status_code == 400 and TOO_MANY in response.page
    assert dossier.state == "granted" and on_disk(uploads) == set()
