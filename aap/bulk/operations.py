"""Bulk messages: choose an audience, hold one mail per recipient for review, then release or cancel.

The operations never commit. Every query here costs the same whatever the number of recipients.
"""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, insert, update
from sqlalchemy.orm import lazyload

from aap.auth.models import RoleGrant, User
from aap.bulk.models import BulkMessage
from aap.calls.models import Call
from aap.core.models import utcnow
from aap.core.queue import enqueue_after_commit
from aap.core.urls import external_url
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.mail.context import encode
from aap.mail.models import Mail
from aap.mail.rendering import render_parts
from aap.mail.tasks import deliver_mail
from aap.notifications.models import Notification
from aap.notifications.operations import channels_for
from aap.organisations.models import Membership

EVENT = TEMPLATE = "announcement"
ROLES = ("holders", "reviewers", "committee", "instructors")
#: the per-call grant that makes someone part of each partner audience
CALL_GRANTS = {"reviewers": "reviewer", "committee": "committee"}


class EmptyAudience(ValueError):
    """No active account matches the filter: nothing is written."""


@dataclass(frozen=True)
class Audience:
    role: str
    call_id: int | None = None
    #: holders only: keep organisations with a dossier in one of these workflow states
    states: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"role": self.role, "call_id": self.call_id, "states": list(self.states)}


@dataclass
class Preview:
    recipients: list
    mail_count: int
    subject: str
    text: str
    html: str


def _user_ids(audience: Audience):
    """A subquery of the user ids the audience names (duplicates are harmless: it feeds an IN)."""
    if audience.role == "holders":
        ids = db.select(Membership.user_id)
        if audience.call_id or audience.states:
            dossiers = db.select(Dossier.organisation_id)
            if audience.call_id:
                dossiers = dossiers.where(Dossier.call_id == audience.call_id)
            if audience.states:
                dossiers = dossiers.where(Dossier.state.in_(audience.states))
            ids = ids.where(Membership.organisation_id.in_(dossiers))
        return ids
    if audience.role == "instructors":
        return db.select(RoleGrant.user_id).where(RoleGrant.role == "instructor", RoleGrant.call_id.is_(None))
    if audience.role not in CALL_GRANTS:
        raise ValueError(f"audience inconnue : {audience.role}")
    grants = db.select(RoleGrant.user_id).where(RoleGrant.role == CALL_GRANTS[audience.role])
    return grants.where(RoleGrant.call_id == audience.call_id) if audience.call_id else grants


def recipients(audience: Audience) -> list[User]:
    """The active accounts the audience names, each once, sorted by email, in one query."""
    query = (db.select(User).options(lazyload(User.grants))
             .where(User.active.is_(True), User.id.in_(_user_ids(audience))).order_by(User.email, User.id))
    return list(db.session.execute(query).scalars())


def _resolve(audience: Audience) -> tuple[list[User], dict[int, str]]:
    people = recipients(audience)
    if not people:
        raise EmptyAudience(_("Aucun compte actif ne correspond à ces destinataires : aucun message n'a été "
                              "préparé. Élargissez le choix (rôle, appel ou états des dossiers)."))
    return people, channels_for([person.id for person in people], EVENT)


def _context(subject: str, body: str, author_name: str) -> dict:
    return {"heading": subject, "body": body, "author": author_name}


def _author_name(message: BulkMessage) -> str:
    return message.author.display_name if message.author else _("l'équipe des appels à projets")


def preview(author, subject: str, body: str, audience: Audience) -> Preview:
    """The mail as the first recipient will read it, and who receives it; writes nothing."""
    people, channels = _resolve(audience)
    first = people[0]
    parts = render_parts(TEMPLATE, first.locale, {"recipient": first,
                                                  **_context(subject, body, author.display_name)})
    mail_count = sum(1 for channel in channels.values() if channel == "immediate")
    return Preview(people, mail_count, *parts)


def sample(message: BulkMessage) -> Preview | None:
    """The held message rendered for its first recipient still active, to review before the release."""
    first = db.session.execute(db.select(User).options(lazyload(User.grants))
                               .where(User.id.in_(message.audience.get("user_ids", [])), User.active.is_(True))
                               .order_by(User.email, User.id).limit(1)).scalar_one_or_none()
    if first is None:
        return None
    parts = render_parts(TEMPLATE, first.locale, {"recipient": first, **_context(
        message.subject, message.body, _author_name(message))})
    return Preview([first], message.audience.get("mails", 0), *parts)


def _write_mails(message: BulkMessage, people: list[User], author_name: str) -> None:
    """One held mail per person, in a single multi-row INSERT."""
    context = encode(_context(message.subject, message.body, author_name))
    rows = [{"idempotency_key": f"bulk:{message.id}:{person.id}", "to_address": person.email,
             "template": TEMPLATE, "user_id": person.id, "for_user": True, "locale": person.locale,
             "context": context, "status": "held", "bulk_message_id": message.id} for person in people]
    if rows:
        db.session.execute(insert(Mail), rows)


def hold(author, subject: str, body: str, audience: Audience) -> BulkMessage:
    """Write the message and a held mail for each recipient who wants these by mail at once."""
    people, channels = _resolve(audience)
    immediate = [person for person in people if channels[person.id] == "immediate"]
    call = db.session.get(Call, audience.call_id) if audience.call_id else None
    message = BulkMessage(author_id=author.id, subject=subject, body=body, status="held",
                          audience={**audience.as_dict(), "call_title": str(call) if call else None,
                                    "recipients": len(people), "mails": len(immediate),
                                    "user_ids": [person.id for person in people]})
    db.session.add(message)
    db.session.flush()
    _write_mails(message, immediate, author.display_name)
    return message


def _refuse_unless_held(message: BulkMessage, releasing: bool) -> None:
    if message.status == "held":
        return
    if releasing and message.status == "sent":
        raise ValueError(_("Ce message a déjà été envoyé : il ne peut pas partir une seconde fois."))
    if releasing:
        raise ValueError(_("Ce message a été annulé : il ne peut plus être envoyé. Rédigez-en un nouveau "
                           "si besoin."))
    if message.status == "sent":
        raise ValueError(_("Ce message a déjà été envoyé : il ne peut plus être annulé."))
    raise ValueError(_("Ce message est déjà annulé."))


def _claim(message: BulkMessage, **values) -> None:
    """Leave the held state once: a second admin acting at the same moment is refused."""
    done = db.session.execute(update(BulkMessage).where(BulkMessage.id == message.id,
                                                        BulkMessage.status == "held").values(**values))
    if done.rowcount != 1:
        raise ValueError(_("Ce message vient d'être envoyé ou annulé par une autre personne : rechargez la "
                           "page pour voir son état."))


def release(message: BulkMessage, admin) -> int:
    """Send the held mails and write everyone's in-app notification; returns the number of mails sent."""
    _refuse_unless_held(message, releasing=True)
    _claim(message, status="sent", released_at=utcnow(), released_by_id=admin.id)
    user_ids = db.session.execute(db.select(User.id).where(
        User.id.in_(message.audience.get("user_ids", [])), User.active.is_(True))).scalars().all()
    channels = channels_for(user_ids, EVENT)
    title = " ".join(message.subject.split())  # as the mail's subject line reads
    link = external_url("bulk.announcement", message_id=message.id)
    _follow_preferences(message, channels)
    mail_ids = db.session.execute(db.select(Mail.id).where(
        Mail.bulk_message_id == message.id, Mail.status == "held").order_by(Mail.id)).scalars().all()
    db.session.execute(update(Mail).where(Mail.bulk_message_id == message.id, Mail.status == "held")
                       .values(status="pending").execution_options(synchronize_session=False))
    for mail_id in mail_ids:
        enqueue_after_commit(db.session(), deliver_mail, mail_id)
    if channels:
        db.session.execute(insert(Notification), [
            {"user_id": user_id, "event": EVENT, "template": TEMPLATE, "title": title[:300],
             "link": link, "channel": channel} for user_id, channel in channels.items()])
    return len(mail_ids)


def _follow_preferences(message: BulkMessage, channels: dict[int, str]) -> None:
    """Apply preferences changed since the hold: drop mails no longer wanted, add the newly wanted ones."""
    held = dict(db.session.execute(db.select(Mail.user_id, Mail.id).where(
        Mail.bulk_message_id == message.id, Mail.status == "held")).all())
    unwanted = [mail_id for user_id, mail_id in held.items() if channels.get(user_id) != "immediate"]
    if unwanted:
        db.session.execute(update(Mail).where(Mail.id.in_(unwanted)).values(
            status="failed", last_error=_("Envoi annulé : le destinataire ne reçoit plus ces messages par "
                                          "courriel (ou son compte est désactivé).")
        ).execution_options(synchronize_session=False))
    wanted = [user_id for user_id, channel in channels.items() if channel == "immediate" and user_id not in held]
    if wanted:
        people = db.session.execute(db.select(User).options(lazyload(User.grants))
                                    .where(User.id.in_(wanted))).scalars().all()
        _write_mails(message, list(people), _author_name(message))


def cancel(message: BulkMessage) -> int:
    """Drop the held mails (returns how many): nobody receives anything; the message stays listed as cancelled."""
    _refuse_unless_held(message, releasing=False)
    _claim(message, status="cancelled")
    return db.session.execute(delete(Mail).where(Mail.bulk_message_id == message.id, Mail.status == "held")
                              .execution_options(synchronize_session=False)).rowcount
