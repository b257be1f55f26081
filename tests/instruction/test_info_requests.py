"""A request for information is a message of the thread: what is asked, by when, and what happens after."""
from datetime import timedelta

from aap.dossiers.messages import INFO_REQUEST, Message
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.workflow import engine
from tests.instruction.helpers import act, submitted

COMPLETE = "Le dossier est complet : vous pouvez le déposer."


def requests_of(dossier) -> list[Message]:
    return list(db.session.execute(db.select(Message).where(Message.dossier_id == dossier.id,
                                                            Message.kind == INFO_REQUEST)).scalars())


def test_the_request_is_a_message_with_its_deadline_and_what_happens_after(client, worker, mailbox):
    w = submitted()
    client.login(w.instructor)
    assert act(client, w.dossier, "request_info", comment="Joignez le budget <signé>.").status_code == 302
    dossier = db.session.get(Dossier, w.dossier.id)
    [request] = requests_of(dossier)
    assert request.from_staff and request.author_id == w.instructor.id and request.body == "Joignez le budget <signé>."
    assert request.due_at == dossier.timeout_at == dossier.state_entered_at + timedelta(days=30)
    assert request.outcome_label == "Classé sans suite"
    worker.drain()
    [mail] = [m for m in mailbox.to(w.holder.email) if "Compléments demandés" in m["Subject"]]
    assert "Sans réponse à cette date, le dossier passera automatiquement à l'état « Classé sans suite »." \
        in mailbox.text(mail)
    client.login(w.holder)
    response = client.get(f"/dossiers/{dossier.id}")
    page = response.page
    thread = page.split('id="messages-title"')[1].split("</section>")[0]
    assert "Demande de compléments" in thread and "en attente de réponse" in thread
    assert "Joignez le budget <signé>." in thread and "<signé>" not in response.text  # escaped
    assert "À fournir avant le" in thread and "l'état « Classé sans suite »" in thread
    assert "L'équipe de la collectivité" in thread and "Inès Tructrice" not in thread
    assert COMPLETE not in page
    assert "L'équipe d'instruction vous demande des compléments." in page
    assert f'href="#message-{request.id}"' in response.text
    assert "Modifiez le dossier comme demandé, puis déposez-le de nouveau" in page


def test_an_answered_request_is_no_longer_waiting(client):
    w = submitted()
    engine.apply_transition(w.dossier.id, "request_info", w.instructor, {"comment": "Précisez les publics."})
    engine.apply_transition(w.dossier.id, "resubmit", w.holder)
    db.session.commit()
    client.login(w.holder)
    page = client.get(f"/dossiers/{w.dossier.id}").page
    assert "Demande de compléments" in page and "Précisez les publics." in page
    assert "en attente de réponse" not in page and "vous demande des compléments" not in page


def test_a_request_without_automatic_deadline_says_so(session):
    w = submitted("instruction-conjointe")
    engine.apply_transition(w.dossier.id, "request_info", w.instructor, {"comment": "Le RIB manque."})
    db.session.commit()
    [request] = requests_of(w.dossier)
    assert request.due_at is None and request.outcome_label is None


def test_a_request_without_deadline_is_shown_as_such(client):
    w = submitted("instruction-conjointe")
    engine.apply_transition(w.dossier.id, "request_info", w.instructor, {"comment": "Le RIB manque."})
    db.session.commit()
    client.login(w.holder)
    page = client.get(f"/dossiers/{w.dossier.id}").page
    assert "Pas de date limite automatique pour cette demande." in page and "À fournir avant le" not in page


def test_the_staff_read_their_own_wording_in_the_thread(client):
    w = submitted()
    client.login(w.instructor)
    staff = client.get(f"/dossiers/{w.dossier.id}").page
    assert "Posez ici vos questions sur le dossier." not in staff
    assert "Échanges avec la structure" in staff and "Aucun échange avec la structure pour le moment." in staff
    client.login(w.holder)
    holder = client.get(f"/dossiers/{w.dossier.id}").page
    assert "Posez ici vos questions sur le dossier." in holder and "Échanges avec l'équipe d'instruction" in holder
    assert "Aucun échange avec la structure" not in holder
