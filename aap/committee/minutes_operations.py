"""Writes of the minutes: the draft's text, the lock (fingerprint, audit chains, mails), a correction as a new version.

Every write first takes the session's row lock, so that two people saving or locking take turns (SQLite's writers
are serial already): the second one reads what the first did and is told so. A locked version never changes: these
operations refuse, and so does the flush (a mapper event below), whoever calls it. Nothing here commits.
"""
import hashlib
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, inspect, select

from aap.auth.models import User
from aap.committee.agenda_operations import lock_session
from aap.committee.minutes import MAX_TEXT, fingerprint
from aap.committee.minutes_queries import generate
from aap.committee.models import CLOSED, AgendaItem, CommitteeSession, Minutes, SessionMember
from aap.core.formatting import date_time
from aap.core.urls import external_url
from aap.extensions import db
from aap.mail.labels import name_templates
from aap.mail.outbox import queue_mail
from aap.workflow import audit, engine

#: the record each dossier discussed gets in its audit chain when the minutes are locked
MINUTES_LOCKED = "minutes_locked"
#: the mail each member gets when a version is locked
LOCKED_MAIL = "minutes_locked"
name_templates({LOCKED_MAIL: _l("Procès-verbal de séance verrouillé")})


class MinutesRefused(Exception):
    """A write of the minutes that cannot be made; its text says why, in French, and nothing was written."""


class LockedMinutes(MinutesRefused):
    """The version is locked: it never changes again, a correction is a new version."""


class StaleMinutes(MinutesRefused):
    """The minutes changed since the page showed them."""


def text_digest(text: str) -> str:
    """What a form carries to tell whether the stored text changed since it was shown."""
    return hashlib.sha256(text.encode()).hexdigest()


def clean_text(text: str | None) -> str:
    """The text as kept: browsers' CRLF made plain line feeds, no blank space at the ends."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def stored_latest(session_id: int) -> Minutes | None:
    """The last version as stored now, read again after the session's lock was taken."""
    return db.session.execute(select(Minutes).where(Minutes.session_id == session_id)
                              .order_by(Minutes.version.desc()).limit(1)
                              .execution_options(populate_existing=True)).scalar_one_or_none()


def _locker(minutes: Minutes) -> str:
    user = db.session.get(User, minutes.locked_by_id) if minutes.locked_by_id else None
    return user.display_name if user else _("une personne dont le compte a été supprimé")


def locked_refusal(minutes: Minutes) -> LockedMinutes:
    return LockedMinutes(_("La version %(version)d du procès-verbal a été verrouillée le %(at)s par %(who)s : elle ne "
                           "change plus. Pour la corriger, créez une nouvelle version.", version=minutes.version,
                           at=date_time(minutes.locked_at), who=_locker(minutes)))


def _checked_text(text: str | None) -> str:
    text = clean_text(text)
    if len(text) > MAX_TEXT:
        raise MinutesRefused(_("Le texte du procès-verbal dépasse %(max)d caractères : raccourcissez-le.",
                               max=MAX_TEXT))
    return text


def save_text(session: CommitteeSession, text: str, based_on: str | None) -> Minutes:
    """Keep the draft's free text (creating version 1 at the first save); `based_on` is the text_digest shown."""
    session = lock_session(session)
    text = _checked_text(text)
    current = stored_latest(session.id)
    if current is not None and current.locked_at is not None:
        raise locked_refusal(current)
    if based_on is not None and based_on != text_digest(current.text if current else ""):
        raise StaleMinutes(_("Le texte du procès-verbal a été modifié par une autre personne depuis que vous avez "
                             "ouvert cette page : rien n'a été enregistré. Votre texte est ci-dessous ; comparez-le "
                             "au texte enregistré, puis enregistrez de nouveau."))
    if current is None:
        current = Minutes(session_id=session.id, version=1, text=text, content=generate(session))
        db.session.add(current)
    else:
        current.text, current.content = text, generate(session)
    db.session.flush()
    return current


def lock(session: CommitteeSession, user, version: int, seen: str, now: datetime) -> Minutes:
    """Lock the draft `version` as the person saw it (`seen`: its fingerprint then); seal it, mail the members."""
    session = lock_session(session)
    current = stored_latest(session.id)
    seen_version = current if current is None or current.version == version else _version(session.id, version)
    if seen_version is not None and seen_version.locked_at is not None:
        raise locked_refusal(seen_version)
    if session.state != CLOSED:
        raise MinutesRefused(_("La séance n'est pas close : le procès-verbal se verrouille une fois la séance "
                               "terminée, quand plus rien ne change."))
    number, text = (current.version, current.text) if current is not None else (1, "")
    content = generate(session)
    sealed = fingerprint(content, text, number, session.id)
    if number != version or sealed != seen:
        raise StaleMinutes(_("Le procès-verbal a changé depuis que vous l'avez affiché (une présence, un avis ou le "
                             "texte) : rien n'a été verrouillé. Relisez-le ci-dessous, puis verrouillez-le."))
    if current is None:
        current = Minutes(session_id=session.id, version=1, text=text)
        db.session.add(current)
    current.content, current.fingerprint, current.locked_at, current.locked_by_id = content, sealed, now, user.id
    db.session.flush()
    _seal(session, current, user, now)
    _mail_members(session, current)
    return current


def _version(session_id: int, number: int) -> Minutes | None:
    return db.session.execute(select(Minutes).where(Minutes.session_id == session_id, Minutes.version == number)
                              ).scalar_one_or_none()


def _seal(session: CommitteeSession, minutes: Minutes, user, now: datetime) -> None:
    """The fingerprint enters the audit chain of each dossier on the agenda, in its internal history."""
    dossier_ids = db.session.execute(select(AgendaItem.dossier_id).where(AgendaItem.session_id == session.id)
                                     .order_by(AgendaItem.dossier_id)).scalars().all()
    with force_locale("fr"):  # the audit trail is the authority's record: written in French whoever acts
        comment = _("Procès-verbal de la séance « %(session)s », version %(version)d, verrouillé ; empreinte "
                    "SHA-256 %(fingerprint)s.", session=session.title, version=minutes.version,
                    fingerprint=minutes.fingerprint)
    for dossier_id in dossier_ids:
        dossier = engine.lock(dossier_id)  # its row lock: no transition appends to its chain meanwhile
        audit.append(dossier, transition=MINUTES_LOCKED, from_state=dossier.state, to_state=dossier.state,
                     actor=user, at=now, comment=comment, holder_visible=False,
                     payload={"minutes": minutes.id, "session": session.id, "version": minutes.version,
                              "fingerprint": minutes.fingerprint})
    db.session.flush()


def _mail_members(session: CommitteeSession, minutes: Minutes) -> int:
    """Each member is told, once per version (the mail's key), with the links to the version and its PDF."""
    members = db.session.execute(select(User).join(SessionMember, SessionMember.user_id == User.id)
                                 .where(SessionMember.session_id == session.id, User.active.is_(True))
                                 .order_by(User.id)).scalars().all()
    context = minutes_mail_context(session, minutes)
    for member in members:
        queue_mail(member.email, LOCKED_MAIL, user=member, key=f"{LOCKED_MAIL}:{minutes.id}:{member.id}", **context)
    return len(members)


def minutes_mail_context(session: CommitteeSession, minutes: Minutes) -> dict:
    """Plain values the mail is rendered from at delivery; `minutes_id` lets a later builder attach the PDF."""
    return {"minutes_id": minutes.id, "session_title": session.title, "call": str(session.call),
            "starts_at": session.starts_at, "version": minutes.version, "fingerprint": minutes.fingerprint,
            "replaces": minutes.version - 1 if minutes.version > 1 else None,
            "pdf_link": external_url("committee_minutes.pdf", session_id=session.id, version=minutes.version),
            "link": external_url("committee_minutes.version", session_id=session.id, version=minutes.version)}


def correct(session: CommitteeSession) -> Minutes:
    """A new draft version after the last locked one: content generated again, the previous text to start from."""
    session = lock_session(session)
    current = stored_latest(session.id)
    if current is None or current.locked_at is None:
        raise MinutesRefused(_("Seule une version verrouillée se corrige : la version %(version)d est encore un "
                               "brouillon, modifiez-la directement.", version=current.version if current else 1))
    draft = Minutes(session_id=session.id, version=current.version + 1, text=current.text, content=generate(session))
    db.session.add(draft)
    db.session.flush()
    return draft


_WATCHED = ("session_id", "version", "content", "text", "locked_at", "locked_by_id", "fingerprint")


@event.listens_for(Minutes, "before_update")
def _locked_version_never_changes(_mapper, connection, target: Minutes) -> None:
    """Whatever the caller, a flush that would change a locked version is refused (the stored row is asked)."""
    state = inspect(target)
    if not any(state.attrs[name].history.has_changes() for name in _WATCHED):
        return
    stored = connection.execute(select(Minutes.locked_at).where(Minutes.id == target.id)).scalar()
    if stored is not None:
        raise LockedMinutes(_("Cette version du procès-verbal est verrouillée : elle ne change plus. Pour la "
                              "corriger, créez une nouvelle version."))


@event.listens_for(Minutes, "before_delete")
def _locked_version_stays(_mapper, connection, target: Minutes) -> None:
    stored = connection.execute(select(Minutes.locked_at).where(Minutes.id == target.id)).scalar()
    if stored is not None:
        raise LockedMinutes(_("Cette version du procès-verbal est verrouillée : elle ne se supprime pas."))
