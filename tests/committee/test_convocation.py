"""The convocation: an essential mail per member, its .ics invitation in Paris time and the agenda as a PDF."""
import io
import re
from datetime import datetime, timezone
from decimal import Decimal

import icalendar
import pytest
from pypdf import PdfReader

from aap.calls.models import Strand
from aap.committee.models import AgendaItem, CommitteeSession
from aap.core.models import utcnow
from aap.dossiers.reviewers import Conflict
from aap.extensions import db
from aap.mail.models import Mail
from aap.notifications.models import NotificationPreference
from aap.workflow import engine
from tests import factories
from tests.committee.test_sessions import committee_grant, create, pooled, read, session_data


def attachments(message) -> dict[str, object]:
    return {part.get_filename(): part for part in message.iter_attachments()}


def invitation(message) -> icalendar.Calendar:
    part = attachments(message)["convocation.ics"]
    assert part.get_content_type() == "text/calendar"
    return icalendar.Calendar.from_ical(part.get_payload(decode=True))


def event_of(calendar) -> icalendar.Event:
    [event] = calendar.walk("VEVENT")
    return event


def agenda_text(message) -> str:
    part = attachments(message)["ordre-du-jour.pdf"]
    assert part.get_content_type() == "application/pdf"
    document = PdfReader(io.BytesIO(part.get_payload(decode=True)))
    return " ".join(" ".join(page.extract_text() for page in document.pages).split())


def convene(client, session):
    response = client.post(f"/comite/seances/{session.id}/convoquer")
    assert response.status_code == 302, response.status_code
    return read(client.get(response.location))


@pytest.fixture
def planned(client, login_as):
    """A call with two members in its pools and a session planned for them, staff signed in."""
    login_as("instructor")
    call = factories.make_open_call(title="AAP ESS <2027>")
    members = [pooled(call, "networks", "Awa Diallo"), pooled(call, "banks", 'Bruno "Banque", Crédit; Coop')]
    session = create(client, call, members, title="Comité <b>de printemps</b>",
                     video_url="https://visio.example.org/comite?salle=1&code=2")
    return call, members, session


def test_each_member_gets_the_mail_with_an_invitation_in_paris_time(client, planned, mailbox, worker, app):
    call, members, session = planned
    page = convene(client, session)
    assert "Convocation envoyée à 2 membres" in page and "Convoquée." in page
    db.session.refresh(session)
    assert (session.state, session.convocation_sequence) == ("convened", 0)
    worker.drain()
    for member in members:
        [message] = mailbox.to(member.email)
        assert message["Subject"] == "Convocation : Comité <b>de printemps</b>, le 14/01/2027 14:30"
        assert "Comité &lt;b&gt;de printemps&lt;/b&gt;" in mailbox.html(message)
        assert "AAP ESS &lt;2027&gt;" in mailbox.html(message) and "<b>de printemps" not in mailbox.html(message)
        assert "Comité <b>de printemps</b>" in mailbox.text(message) and "AAP ESS <2027>" in mailbox.text(message)
        assert f"http://localhost/comite/seances/{session.id}" in mailbox.text(message)
        calendar = invitation(message)
        assert str(calendar["METHOD"]) == "REQUEST"
        assert attachments(message)["convocation.ics"].get_param("method") == "REQUEST"
        event = event_of(calendar)
        start = event.decoded("DTSTART")
        assert start == datetime(2027, 1, 14, 14, 30, tzinfo=start.tzinfo)
        assert str(start.tzinfo) == "Europe/Paris" and event["DTSTART"].params["TZID"] == "Europe/Paris"
        assert start.astimezone(timezone.utc) == datetime(2027, 1, 14, 13, 30, tzinfo=timezone.utc)
        assert event.decoded("DTEND").astimezone(timezone.utc) == datetime(2027, 1, 14, 16, 0, tzinfo=timezone.utc)
        assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
        assert str(event["SUMMARY"]) == "Comité <b>de printemps</b>"
        assert str(event["UID"]) == f"comite-seance-{session.id}@localhost" and event["SEQUENCE"] == 0
        assert str(event["LOCATION"]) == "Salle du conseil, 21 avenue Jules Rimet"
        assert str(event["URL"]) == "https://visio.example.org/comite?salle=1&code=2"
        assert "https://visio.example.org/comite?salle=1&code=2" in str(event["DESCRIPTION"])
        assert str(event["ORGANIZER"]) == "mailto:ne-pas-repondre@localhost"
        attendees = {str(address): address.params["CN"] for address in event["ATTENDEE"]}
        assert attendees == {f"mailto:{m.email}": m.full_name for m in members}
        assert "Ordre du jour à venir" in agenda_text(message)


def test_summer_time_in_the_invitation(client, login_as, mailbox, worker):
    login_as("admin")
    call = factories.make_open_call()
    member = pooled(call)
    session = create(client, call, [member], starts_on="2027-06-17", ends_time="16:00")
    convene(client, session)
    worker.drain()
    event = event_of(invitation(mailbox.to(member.email)[0]))
    assert event.decoded("DTSTART").astimezone(timezone.utc) == datetime(2027, 6, 17, 12, 30, tzinfo=timezone.utc)
    assert event.decoded("DTSTART").utcoffset().total_seconds() == 7200


def test_the_agenda_pdf_lists_the_items_in_their_order(client, planned, mailbox, worker):
    call, members, session = planned
    holder = factories.make_user()
    organisation = factories.make_organisation(members=[holder], name="Ressourcerie <Le Lien>")
    strand = Strand(call_id=call.id, name="Coopération")
    db.session.add(strand)
    db.session.flush()
    titled = [("Épicerie <script>alert(1)</script>", Decimal("12000")), ("Atelier vélo", Decimal("4500.50"))]
    dossiers = []
    for title, amount in titled:
        dossier = factories.make_dossier(call, organisation, holder, title=title, requested_amount=amount,
                                         strand_id=strand.id)
        engine.apply_transition(dossier.id, "submit", holder)
        dossiers.append(db.session.get(type(dossier), dossier.id))
    db.session.add_all([AgendaItem(session_id=session.id, dossier_id=dossiers[1].id, position=1),
                        AgendaItem(session_id=session.id, dossier_id=dossiers[0].id, position=2)])
    db.session.commit()
    mailbox.clear()
    convene(client, session)
    worker.drain()
    text = agenda_text(mailbox.to(members[0].email)[0])
    assert "Ordre du jour — Comité <b>de printemps</b>" in text and "AAP ESS <2027>" in text
    first, second = text.index(dossiers[1].reference), text.index(dossiers[0].reference)
    assert first < second
    squeezed = text.replace(" ", "")  # table cells wrap long words
    assert "Atelier vélo" in text and "Épicerie<script>alert(1)</script>" in squeezed
    assert "Ressourcerie<LeLien>" in squeezed and "Coopération" in text
    assert "4 500,50 €" in text and "12 000 €" in text
    assert "Ordre du jour à venir" not in text


def test_a_member_in_conflict_gets_an_agenda_with_the_recusal_in_the_dossier_s_place(client, planned, mailbox,
                                                                                     worker):
    call, members, session = planned
    holder = factories.make_user()
    organisation = factories.make_organisation(members=[holder], name="Ressourcerie du canal")
    dossier = factories.make_dossier(call, organisation, holder, title="Projet en conflit")
    engine.apply_transition(dossier.id, "submit", holder)
    db.session.add(AgendaItem(session_id=session.id, dossier_id=dossier.id, position=1))
    db.session.add(Conflict(dossier_id=dossier.id, user_id=members[1].id, kind="financial", declared_at=utcnow()))
    db.session.commit()
    mailbox.clear()
    convene(client, session)
    worker.drain()
    recused = agenda_text(mailbox.to(members[1].email)[0])
    assert "Vous êtes déporté·e pour ce dossier." in recused
    assert "Projet en conflit" not in recused and "Ressourcerie du canal" not in recused
    assert "Projet en conflit" in agenda_text(mailbox.to(members[0].email)[0])
    printed = client.get(f"/comite/seances/{session.id}/ordre-du-jour.pdf")
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"


def test_convening_twice_sends_nothing_unless_something_changed(client, planned, mailbox, worker):
    call, members, session = planned
    convene(client, session)
    worker.drain()
    page = convene(client, session)
    assert "Convocation déjà envoyée le" in page and "aucun courriel n'est reparti" in page
    worker.drain()
    assert len(mailbox.to(members[0].email)) == 1
    holder = factories.make_user()
    dossier = factories.make_dossier(call, factories.make_organisation(members=[holder]), holder)
    engine.apply_transition(dossier.id, "submit", holder)
    db.session.add(AgendaItem(session_id=session.id, dossier_id=dossier.id, position=1))
    db.session.commit()
    assert "La séance a changé depuis la dernière convocation" in read(client.get(f"/comite/seances/{session.id}"))
    assert "Convocation envoyée à 2 membres" in convene(client, session)
    worker.drain()
    [first, second] = mailbox.to(members[0].email)
    assert second["Subject"].startswith("Convocation mise à jour : ")
    assert [event_of(invitation(m))["SEQUENCE"] for m in (first, second)] == [0, 1]
    assert event_of(invitation(first))["UID"] == event_of(invitation(second))["UID"]
    assert dossier.title in agenda_text(second)


def test_moving_a_convened_session_asks_then_sends_the_update(client, planned, mailbox, worker):
    call, members, session = planned
    convene(client, session)
    worker.drain()
    form = client.get(f"/comite/seances/{session.id}/modifier")
    assert "la convocation mise à jour (invitation d'agenda et ordre du jour) repart à chaque membre" in read(form)
    moved = session_data(members, title="Comité de printemps", starts_time="15:00", ends_time="18:00",
                         place="Maison de l'ESS")
    response = client.post(f"/comite/seances/{session.id}/modifier", data=moved)
    assert response.status_code == 400
    assert "cochez cette case pour renvoyer la convocation" in read(response) and 'value="Maison de l\'ESS"' in \
        response.page
    db.session.refresh(session)
    assert session.place == "Salle du conseil, 21 avenue Jules Rimet"
    response = client.post(f"/comite/seances/{session.id}/modifier", data={**moved, "confirm_resend": "y"})
    assert response.status_code == 302
    assert "La convocation mise à jour est envoyée à 2 membres." in read(client.get(response.location))
    worker.drain()
    second = mailbox.to(members[1].email)[-1]
    event = event_of(invitation(second))
    assert event["SEQUENCE"] == 1 and str(event["LOCATION"]) == "Maison de l'ESS"
    assert event.decoded("DTSTART").astimezone(timezone.utc) == datetime(2027, 1, 14, 14, 0, tzinfo=timezone.utc)
    assert "Maison de l'ESS" in mailbox.text(second) and "15:00" in mailbox.text(second)
    newcomer = pooled(call)
    response = client.post(f"/comite/seances/{session.id}/modifier",
                           data={**moved, "members": [*moved["members"], newcomer.id]})
    assert response.status_code == 302  # a newcomer alone: no confirmation, only their convocation leaves
    assert "La convocation mise à jour est envoyée à 1 membre." in read(client.get(response.location))
    worker.drain()
    assert len(mailbox.to(members[0].email)) == 2 and len(mailbox.to(newcomer.email)) == 1


def test_the_convocation_ignores_mail_preferences(client, planned, mailbox, worker):
    call, members, session = planned
    for member in members:
        db.session.add(NotificationPreference(user_id=member.id, event="committee_convocation", channel="off"))
    db.session.commit()
    convene(client, session)
    worker.drain()
    assert all(len(mailbox.to(member.email)) == 1 for member in members)
    mails = db.session.execute(db.select(Mail).where(Mail.template == "committee_convocation")).scalars().all()
    assert {mail.status for mail in mails} == {"sent"} and all("unsubscribe_url" not in mail.context or
                                                               mail.context["unsubscribe_url"] is None
                                                               for mail in mails)


def test_convening_is_rate_limited(client, planned, app, monkeypatch, mailbox, worker):
    call, members, session = planned
    monkeypatch.setitem(app.config, "CONVOCATION_LIMIT", "1 per hour")
    convene(client, session)
    session.place = "Ailleurs"
    db.session.commit()
    response = client.post(f"/comite/seances/{session.id}/convoquer")
    assert response.status_code == 429 and response.headers["Retry-After"]
    assert "Trop de courriels" in read(response)
    db.session.refresh(session)
    assert session.convocation_sequence == 0
    worker.drain()
    assert len(mailbox.to(members[0].email)) == 1


def test_moving_a_convened_session_is_rate_limited_too(client, planned, app, monkeypatch):
    call, members, session = planned
    monkeypatch.setitem(app.config, "CONVOCATION_LIMIT", "1 per hour")
    convene(client, session)
    moved = {**session_data(members, title="Comité de printemps", place="Maison de l'ESS"), "confirm_resend": "y"}
    response = client.post(f"/comite/seances/{session.id}/modifier", data=moved)
    assert response.status_code == 429 and "Trop de courriels" in read(response)
    assert 'value="Maison de l\'ESS"' in response.page
    db.session.refresh(session)
    assert (session.place, session.convocation_sequence) == ("Salle du conseil, 21 avenue Jules Rimet", 0)


def test_deleting_a_convened_session_cancels_it_for_its_members(client, planned, mailbox, worker):
    call, members, session = planned
    session_id = session.id
    convene(client, session)
    assert "chaque membre convoqué·e reçoit un courriel d'annulation" in read(
        client.get(f"/comite/seances/{session.id}/supprimer"))
    response = client.post(f"/comite/seances/{session.id}/supprimer")
    assert response.status_code == 302
    assert "2 membres convoqué·es en sont averti·es." in read(client.get(response.location))
    assert db.session.get(CommitteeSession, session_id) is None
    assert all(committee_grant(member, call) is None for member in members)
    worker.drain()
    cancelled = mailbox.to(members[0].email)[-1]
    assert cancelled["Subject"].startswith("Séance annulée : ")
    calendar = invitation(cancelled)
    assert str(calendar["METHOD"]) == "CANCEL" and event_of(calendar)["SEQUENCE"] == 1
    assert str(event_of(calendar)["STATUS"]) == "CANCELLED"
    assert "ordre-du-jour.pdf" not in attachments(cancelled)


def test_a_convocation_whose_session_was_deleted_fails_recorded(client, planned, worker):
    from aap.committee.convocation import convene as mail_convocation

    call, members, session = planned
    mail_convocation(session, session.created_at)
    db.session.commit()
    db.session.execute(db.delete(CommitteeSession).where(CommitteeSession.id == session.id))
    db.session.commit()
    worker.drain()
    mails = db.session.execute(db.select(Mail).where(Mail.template == "committee_convocation")).scalars().all()
    assert {mail.status for mail in mails} == {"failed"}
    assert all(re.search("séance supprimée", mail.last_error) for mail in mails)


def test_a_mail_names_only_files_a_domain_knows_how_to_make(session):
    from aap.mail.attachments import attachment

    with pytest.raises(ValueError, match="pièce jointe de courriel inconnue"):
        attachment("nobody_makes_this", "x.txt", "text/plain")
    stored = attachment("committee_agenda", "ordre-du-jour.pdf", "application/pdf", session_id=1, user_id=2,
                        locale="fr")
    assert stored == {"builder": "committee_agenda", "args": {"session_id": 1, "user_id": 2, "locale": "fr"},
                      "filename": "ordre-du-jour.pdf", "mimetype": "application/pdf"}
