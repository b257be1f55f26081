from io import BytesIO

from aap.dossiers.messages import Message
from aap.extensions import db
from aap.workflow import engine
from tests import factories
from tests.workflow.test_engine import PDF


def setup():
    call = factories.make_open_call()
    holder = factories.make_user(email="porteur@example.org", full_name="Camille Porteur")
    instructor = factories.make_user(email="instructeur@example.org", roles=("instructor",), totp=True)
    organisation = factories.make_organisation(members=[holder])
    dossier = factories.make_dossier(call, organisation, holder)
    engine.apply_transition(dossier.id, "submit", holder)  # the instruction team writes about submitted dossiers
    db.session.commit()
    return dossier, holder, instructor


def post(client, dossier, body, file=None):
    data = {"message-body": body}
    if file:
        data["message-file"] = file
    return client.post(f"/dossiers/{dossier.id}/messages", data=data, content_type="multipart/form-data")


def test_an_info_request_is_answered_in_the_thread_then_the_dossier_is_resubmitted(client, worker, mailbox):
    dossier, holder, instructor = setup()
    engine.apply_transition(dossier.id, "request_info", instructor, {"comment": "Joignez le budget détaillé."})
    db.session.commit()
    client.login(holder)
    response = post(client, dossier, "Voici le budget détaillé.", (BytesIO(PDF), "budget détaillé.pdf"))
    assert response.status_code == 302
    worker.drain()
    [note] = [m for m in mailbox.to("instructeur@example.org") if "Nouveau message" in m["Subject"]]
    assert "Camille Porteur a écrit" in mailbox.text(note) and "Voici le budget détaillé." in mailbox.text(note)
    client.login(instructor)
    post(client, dossier, "Merci, c'est complet.")
    worker.drain()
    [answer] = [m for m in mailbox.to("porteur@example.org") if "Nouveau message" in m["Subject"]]
    assert "L'équipe d'instruction a écrit" in mailbox.text(answer)
    client.login(holder)
    page = client.get(f"/dossiers/{dossier.id}").page
    assert "Voici le budget détaillé." in page and "Merci, c'est complet." in page
    assert "L'équipe de la collectivité" in page and "Télécharger budget détaillé.pdf" in page
    engine.apply_transition(dossier.id, "resubmit", holder)
    db.session.commit()
    assert dossier.state == "submitted"


def test_an_empty_or_oversized_message_is_refused(client):
    dossier, holder, _instructor = setup()
    client.login(holder)
    empty = post(client, dossier, "   ")
    assert empty.status_code == 400 and "Écrivez votre message avant de l'envoyer." in empty.page
    long = post(client, dossier, "x" * 10001)
    assert long.status_code == 400 and "Le message dépasse 10 000 caractères." in long.page
    bad_file = post(client, dossier, "Voici", (BytesIO(b"MZ\x90\x00exe"), "setup.pdf"))
    assert bad_file.status_code == 400 and "Ce type de fichier n'est pas accepté" in bad_file.page
    assert 'Voici</textarea>' in bad_file.text  # what was typed is still there
    assert db.session.execute(db.select(Message)).first() is None


def test_messages_are_escaped_everywhere(client, worker, mailbox):
    dossier, holder, instructor = setup()
    client.login(instructor)
    post(client, dossier, "<script>alert('x')</script>")
    client.login(holder)
    assert "<script>alert('x')</script>" not in client.get(f"/dossiers/{dossier.id}").text
    worker.drain()
    [mail] = [mail for mail in mailbox.to("porteur@example.org") if "message" in mail["Subject"].lower()]
    assert "&lt;script&gt;" in mailbox.html(mail) and "<script>" not in mailbox.html(mail)


def test_the_thread_is_closed_to_other_organisations_and_to_the_committee(client):
    dossier, _holder, _instructor = setup()
    client.login(factories.make_user())
    assert post(client, dossier, "Bonjour").status_code == 404
    committee = factories.make_user(roles=("committee",), call=dossier.call, totp=True)
    client.login(committee)
    assert post(client, dossier, "Bonjour").status_code == 404
    page = client.get(f"/dossiers/{dossier.id}").page
    assert "Échanges avec l'équipe d'instruction" not in page and "Échanges avec la structure" not in page
