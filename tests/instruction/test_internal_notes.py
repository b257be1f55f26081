"""Internal notes: dated and signed, added only, read by whoever access() allows, never by the holder."""
from aap.core.models import utcnow
from aap.dossiers.reviewers import Assignment, Conflict
from aap.extensions import db
from aap.instruction.models import InternalNote
from tests import factories
from tests.instruction.helpers import submitted


def post_note(client, dossier, body, token="jeton-1"):
    return client.post(f"/dossiers/{dossier.id}/notes-internes", data={"note-body": body, "note-token": token})


def notes_of(dossier) -> list[InternalNote]:
    return list(db.session.execute(db.select(InternalNote).where(InternalNote.dossier_id == dossier.id)).scalars())


def test_a_note_is_dated_signed_escaped_and_hidden_from_the_holder(client):
    w = submitted()
    client.login(w.instructor)
    response = post_note(client, w.dossier, "Appeler la trésorière <b>avant</b> le comité.")
    assert response.status_code == 302 and response.location.endswith("#notes-title")
    [note] = notes_of(w.dossier)
    assert note.author_id == w.instructor.id and note.created_at is not None
    shown = client.get(f"/dossiers/{w.dossier.id}")
    notes = shown.page.split('id="notes-title"')[1].split("</section>")[0]
    assert "Inès Tructrice" in notes and "Appeler la trésorière <b>avant</b> le comité." in notes
    assert "&lt;b&gt;avant&lt;/b&gt;" in shown.text
    client.login(w.holder)
    page = client.get(f"/dossiers/{w.dossier.id}").page
    assert "Appeler la trésorière" not in page and "Notes internes" not in page
    assert post_note(client, w.dossier, "Je lis ?", token="jeton-2").status_code == 404
    assert len(notes_of(w.dossier)) == 1


def test_only_those_access_allows_read_or_write_notes(client):
    w = submitted()
    client.login(w.instructor)
    post_note(client, w.dossier, "Budget à revoir avec la structure.")
    reviewer = factories.make_user(roles=("reviewer",), call=w.dossier.call, totp=True)
    db.session.add(Assignment(dossier_id=w.dossier.id, user_id=reviewer.id))
    conflicted = factories.make_user(roles=("committee",), call=w.dossier.call, totp=True)
    db.session.add(Conflict(dossier_id=w.dossier.id, user_id=conflicted.id, kind="family", declared_by_id=conflicted.id,
                            declared_at=utcnow()))
    committee = factories.make_user(roles=("committee",), call=w.dossier.call, totp=True)
    db.session.commit()
    for outsider in (reviewer, conflicted, factories.make_user()):
        client.login(outsider)
        assert "Budget à revoir" not in client.get(f"/dossiers/{w.dossier.id}").page
        assert post_note(client, w.dossier, "Intrusion", token="jeton-x").status_code == 404
    client.login(committee)
    assert "Budget à revoir avec la structure." in client.get(f"/dossiers/{w.dossier.id}").page
    assert [n.body for n in notes_of(w.dossier)] == ["Budget à revoir avec la structure."]


def test_an_oversized_or_empty_note_is_refused_and_kept(client):
    w = submitted()
    client.login(w.instructor)
    long = post_note(client, w.dossier, "é" * 5001)
    assert long.status_code == 400
    assert "La note dépasse 5 000 caractères : raccourcissez-la ou partagez-la en deux." in long.page
    assert "é" * 5001 in long.page  # nothing typed is lost
    empty = post_note(client, w.dossier, "   ")
    assert empty.status_code == 400 and "Écrivez la note avant de l'enregistrer." in empty.page
    assert notes_of(w.dossier) == []


def test_the_same_note_form_sent_twice_writes_one_note(client):
    w = submitted()
    client.login(w.instructor)
    assert post_note(client, w.dossier, "Relancer pour le RIB.").status_code == 302
    again = post_note(client, w.dossier, "Relancer pour le RIB.")
    assert again.status_code == 302
    assert "Cette note était déjà enregistrée : elle n'a pas été ajoutée une seconde fois." in \
        client.get(again.location).page
    assert post_note(client, w.dossier, "Une autre note.", token="jeton-2").status_code == 302
    assert [n.body for n in notes_of(w.dossier)] == ["Relancer pour le RIB.", "Une autre note."]


def test_each_page_gives_a_fresh_token(client):
    w = submitted()
    client.login(w.instructor)
    tokens = [client.get(f"/dossiers/{w.dossier.id}").text.split('name="note-token" type="hidden" value="')[1]
              .split('"')[0] for _ in range(2)]
    assert len(set(tokens)) == 2 and all(len(token) >= 20 for token in tokens)


def test_a_note_without_its_csrf_token_is_refused(client, app):
    w = submitted()
    client.login(w.instructor)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = post_note(client, w.dossier, "Sans jeton")
        assert refused.status_code == 400 and "Le formulaire a expiré" in refused.page
        refused_ticks = client.post(f"/dossiers/{w.dossier.id}/recevabilite", data={"eligibility-ticked": ["x"]})
        assert refused_ticks.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert notes_of(w.dossier) == []
