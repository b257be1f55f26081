"""The convocation: an essential mail to each member with the session's invitation (.ics) and its agenda (PDF).

The invitation keeps one UID per session, so that a calendar updates the event it already holds; its
SEQUENCE grows each time the convocation leaves again after a change. Both files are made when the mail
is delivered, by builders the committee registers with the outbox.
"""
import hashlib
import json
from datetime import date, datetime
from email.utils import parseaddr

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from aap.auth.models import User
from aap.committee.agenda_queries import agenda
from aap.committee.models import CONVENED, CommitteeSession, SessionMember
from aap.core.formatting import PARIS
from aap.core.models import utcnow
from aap.core.pdf import pdf_bytes
from aap.core.urls import external_url
from aap.dossiers.reviewers import RECUSED
from aap.extensions import db
from aap.mail.attachments import attachment, attachment_builder
from aap.notifications.operations import notify

CONVOCATION = "committee_convocation"
CANCELLED = "committee_cancelled"
INVITATION, AGENDA = "committee_invitation", "committee_agenda"


def fingerprint(session: CommitteeSession) -> str:
    """What a convocation says: when a second one would say the same, none leaves."""
    said = {"title": session.title, "starts_at": session.starts_at.isoformat(), "ends_at": session.ends_at.isoformat(),
            "place": session.place, "video_url": session.video_url,
            "members": sorted(member.user_id for member in session.members),
            "agenda": [item.dossier_id for item in session.items]}
    return hashlib.sha256(json.dumps(said, sort_keys=True).encode()).hexdigest()


def unchanged(session: CommitteeSession) -> bool:
    """Convened already, and nothing the convocation says has changed since."""
    return session.state == CONVENED and session.convocation_fingerprint == fingerprint(session)


def convene(session: CommitteeSession, now: datetime, only: list[SessionMember] | None = None) -> int | None:
    """Mail the convocation to every member (or `only` the newcomers of a convened session): how many, or None when
    the last one said the same already."""
    db.session.refresh(session, with_for_update=True)  # two clicks at once: the second one finds the first's work
    if only is None:
        if unchanged(session):
            return None
        if session.convocation_fingerprint is not None:
            session.convocation_sequence += 1
        session.state, session.convened_at = CONVENED, now
    session.convocation_fingerprint = fingerprint(session)
    _load_users(session)
    event = _event(session, "REQUEST")
    members = session.members if only is None else only
    return sum(_send(session, member, CONVOCATION, event, now) for member in members)


def cancel(session: CommitteeSession, now: datetime) -> int:
    """Tell the members convened that the session will not take place; their calendars drop the event."""
    session.convocation_sequence += 1
    _load_users(session)
    event = _event(session, "CANCEL")
    return sum(_send(session, member, CANCELLED, event, now) for member in session.members
               if member.convocation_sent_at is not None)


def _load_users(session: CommitteeSession) -> None:
    """The members' accounts in one query: each seat then finds its person without another."""
    db.session.execute(db.select(User).where(User.id.in_([member.user_id for member in session.members]))).all()


def _event(session: CommitteeSession, method: str) -> dict:
    """The invitation's content as plain values, kept on each mail until its delivery."""
    host = current_app.config["PUBLIC_URL"].split("://")[-1].split("/")[0].split(":")[0] or "localhost"
    return {"uid": f"comite-seance-{session.id}@{host}", "sequence": session.convocation_sequence, "method": method,
            "title": session.title, "starts_at": session.starts_at.isoformat(), "ends_at": session.ends_at.isoformat(),
            "place": session.place, "video_url": session.video_url, "call": str(session.call),
            "link": external_url("committee_sessions.show", session_id=session.id),
            "attendees": [[member.user.email, member.user.display_name] for member in session.members]}


def _send(session: CommitteeSession, member: SessionMember, template: str, event: dict, now: datetime) -> bool:
    user = member.user
    files = [attachment(INVITATION, "convocation.ics", f"text/calendar; method={event['method']}",
                        **event, locale=user.locale)]
    if template == CONVOCATION:
        files.append(attachment(AGENDA, "ordre-du-jour.pdf", "application/pdf", session_id=session.id,
                                user_id=user.id, locale=user.locale))
    notification = notify(user, template, link=event["link"], attachments=files,
                          key=f"{template}:{session.id}:{member.id}:{session.convocation_sequence}",
                          session_title=session.title, call=event["call"], starts_at=session.starts_at,
                          ends_at=session.ends_at, place=session.place, video_url=session.video_url,
                          updated=session.convocation_sequence > 0)
    if notification is not None and template == CONVOCATION:
        member.convocation_sent_at = now
    return notification is not None


@attachment_builder(INVITATION)
def invitation_ics(*, uid: str, sequence: int, method: str, title: str, starts_at: str, ends_at: str, place: str,
                   video_url: str, call: str, link: str, attendees: list, locale: str) -> bytes:
    """The RFC 5545 invitation: times in Europe/Paris with their VTIMEZONE, one ATTENDEE per member."""
    start, end = (datetime.fromisoformat(moment).astimezone(PARIS) for moment in (starts_at, ends_at))
    calendar = Calendar()
    calendar.add("prodid", "-//aap//Comite de projets//FR")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    for name, value in (("uid", uid), ("dtstamp", utcnow()), ("sequence", sequence), ("summary", title),
                        ("dtstart", start), ("dtend", end), ("location", place or video_url),
                        ("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")):
        if value not in ("", None):
            event.add(name, value)
    if video_url:
        event.add("url", video_url)
    with force_locale(locale):
        event.add("description", _description(call, video_url, link))
    name, address = parseaddr(current_app.config["MAIL_FROM"])
    event.add("organizer", _address(address, name))
    for email, display_name in attendees:
        event.add("attendee", _address(email, display_name, ROLE="REQ-PARTICIPANT", PARTSTAT="NEEDS-ACTION",
                                       RSVP="FALSE"))
    calendar.add_component(event)
    calendar.add_missing_timezones(first_date=date(start.year - 1, 1, 1), last_date=date(end.year + 1, 12, 31))
    return calendar.to_ical()


def _description(call: str, video_url: str, link: str) -> str:
    lines = [_("Comité de projets de l'appel « %(call)s ».", call=call)]
    if video_url:
        lines.append(_("Lien de visioconférence : %(url)s", url=video_url))
    lines.append(_("Page de la séance et ordre du jour : %(url)s", url=link))
    return "\n".join(lines)


def _address(email: str, name: str, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText("".join(char for char in name if char >= " ") or email)
    for key, value in params.items():
        address.params[key] = value
    return address


@attachment_builder(AGENDA)
def agenda_pdf(*, session_id: int, user_id: int, locale: str) -> bytes:
    """The agenda as it stands when the mail leaves, as its reader sees it: a dossier they are recused for keeps its
    place with the recusal alone."""
    session, reader = db.session.get(CommitteeSession, session_id), db.session.get(User, user_id)
    if session is None:
        raise ValueError("séance supprimée avant l'envoi de sa convocation")
    if reader is None:
        raise ValueError("destinataire supprimé avant l'envoi de sa convocation")
    with force_locale(locale):
        return agenda_document(session, reader)


def agenda_document(session: CommitteeSession, reader) -> bytes:
    return pdf_bytes("committee/agenda_pdf.html", session=session, items=agenda(session, reader), recused=RECUSED)


ATTACHMENT_BUILDERS = (invitation_ics, agenda_pdf)
