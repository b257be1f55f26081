"""Writes of the bilan: the draft's texts, and publishing a version that never changes afterwards.

Every write first takes the call's row lock, so that two administrators saving or publishing take turns (SQLite's
writers are serial already): the second one reads what the first did and is told so. A published version never
changes: a mapper event below refuses the flush, whoever calls it. Nothing here commits: the view does.
"""
import hashlib
import json
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import event, func, inspect, select

from aap.auth.models import User
from aap.bilan import queries
from aap.bilan.models import Bilan, BilanVersion
from aap.bilan.pdf_tasks import queue_version_pdf
from aap.calls.models import Call
from aap.core.formatting import date_time
from aap.extensions import db

#: the longest introduction or commentary, in characters
MAX_TEXT = 20_000
#: the longest note of a correction
MAX_NOTE = 2_000

class BilanRefused(Exception):
    """A write of the bilan that cannot be made; `message` says why in French, `field` where; nothing was written."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


class StaleBilan(BilanRefused):
    """Someone else saved the texts since the page showed them."""


class EditionInProgress(BilanRefused):
    """The call is still open, or a received dossier still awaits its decision."""


class PublishedVersionFixed(BilanRefused):
    """A published version never changes; a correction is the next version."""


def clean_text(text: str | None) -> str:
    """The text as kept: browsers' CRLF made plain line feeds, no blank space at the ends."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def texts_digest(introduction: str, commentary: str) -> str:
    """What a form carries to tell whether the stored texts changed since the page showed them."""
    return hashlib.sha256(json.dumps([introduction or "", commentary or ""]).encode()).hexdigest()


def _checked(text: str | None, field: str, limit: int = MAX_TEXT) -> str:
    text = clean_text(text)
    if len(text) > limit:
        raise BilanRefused(_("Ce texte dépasse %(max)d caractères : raccourcissez-le.", max=limit), field)
    return text


def lock_bilan(call: Call) -> Bilan:
    """The call's row lock, then its bilan as stored now (created at the first write)."""
    db.session.execute(select(Call.id).where(Call.id == call.id).with_for_update())
    bilan = db.session.execute(select(Bilan).where(Bilan.call_id == call.id)
                               .execution_options(populate_existing=True)).scalar_one_or_none()
    if bilan is None:
        bilan = Bilan(call_id=call.id, introduction="", commentary="")
        db.session.add(bilan)
        db.session.flush()
    return bilan


def _stale(bilan: Bilan) -> StaleBilan:
    author = db.session.get(User, bilan.updated_by_id) if bilan.updated_by_id else None
    who = author.display_name if author else _("une autre personne")
    return StaleBilan(_("Les textes du bilan ont été modifiés par %(who)s depuis que vous avez ouvert cette page : "
                        "rien n'a été enregistré. Vos textes sont ci-dessous ; comparez-les aux textes enregistrés "
                        "(dans l'aperçu), puis enregistrez de nouveau.", who=who))


def save_texts(call: Call, introduction: str, commentary: str, based_on: str, user) -> Bilan:
    """Keep the draft's introduction and commentary; `based_on` is the texts_digest the page showed."""
    introduction, commentary = _checked(introduction, "introduction"), _checked(commentary, "commentary")
    bilan = lock_bilan(call)
    if based_on != texts_digest(bilan.introduction, bilan.commentary):
        raise _stale(bilan)
    bilan.introduction, bilan.commentary, bilan.updated_by_id = introduction, commentary, user.id
    db.session.flush()
    return bilan


def what_remains(call: Call, snapshot: dict, now: datetime) -> str | None:
    """What keeps the edition in progress, in French, from the figures; None once it is over."""
    facts = snapshot["call"]
    if not facts.get("in_progress"):
        return None
    remains = []
    if call.is_open(now):
        remains.append(_("l'appel est ouvert jusqu'au %(moment)s", moment=date_time(call.closes_at))
                       if call.closes_at else _("l'appel est ouvert, sans date de clôture"))
    awaiting = facts.get("awaiting") or 0
    if awaiting:
        remains.append(ngettext("%(num)d dossier reçu attend encore sa décision",
                                "%(num)d dossiers reçus attendent encore leur décision", awaiting))
    elif not remains:
        remains.append(_("des dossiers reçus attendent encore leur décision"))
    return _("L'édition est encore en cours : %(remains)s. Le bilan se publie une fois l'appel clos et chaque "
             "dossier reçu décidé.", remains=" ; ".join(remains))


def _check_turn(bilan: Bilan, number: int) -> int:
    """The number of the last version; refuses a publication that is not the next one (a second click, a colleague)."""
    last = db.session.execute(select(func.max(BilanVersion.number))
                              .where(BilanVersion.bilan_id == bilan.id)).scalar() or 0
    if number <= last:
        raise BilanRefused(_("La version %(number)d de ce bilan est déjà publiée : elle ne l'est pas une seconde "
                             "fois. Relisez la page, elle montre la dernière version.", number=last))
    if number != last + 1:
        raise BilanRefused(_("Ce formulaire ne correspond plus au bilan : rechargez la page, puis recommencez."))
    return last


def _checked_note(number: int, note: str | None) -> str:
    if number == 1:
        return ""
    note = _checked(note, "correction_note", MAX_NOTE)
    if not note:
        raise BilanRefused(_("Dites ce que corrige la version %(number)d : la note est affichée sur les versions "
                             "qu'elle remplace.", number=number), "correction_note")
    return note


def publish(call: Call, user, now: datetime, number: int, seen: str, correction_note: str = "") -> BilanVersion:
    """Freeze the saved texts and the figures as they are now into version `number` (the next one, or refused).

    `seen` is the texts_digest the preview showed: what is published is what was read. Its PDF is queued, to be
    printed once this transaction commits.
    """
    bilan = lock_bilan(call)
    _check_turn(bilan, number)
    note = _checked_note(number, correction_note)
    if seen != texts_digest(bilan.introduction, bilan.commentary):
        raise _stale(bilan)
    if call.state == "draft":
        raise BilanRefused(_("L'appel n'a pas encore été publié : il n'a pas de bilan à publier."))
    snapshot = queries.live_figures(call, now)
    remains = what_remains(call, snapshot, now)
    if remains:
        raise EditionInProgress(remains)
    version = BilanVersion(bilan_id=bilan.id, number=number, introduction=bilan.introduction,
                           commentary=bilan.commentary, correction_note=note, snapshot=snapshot, published_at=now,
                           published_by_id=user.id, published_by_label=user.display_name)
    db.session.add(version)
    db.session.flush()
    queue_version_pdf(version)
    return version


#: what a published version froze; its PDF's state and file are written afterwards, by the job that makes it
_FROZEN = ("bilan_id", "number", "introduction", "commentary", "correction_note", "snapshot", "published_at")


@event.listens_for(BilanVersion, "before_update")
def _published_version_never_changes(_mapper, _connection, target: BilanVersion) -> None:
    state = inspect(target)
    if any(state.attrs[name].history.has_changes() for name in _FROZEN):
        raise PublishedVersionFixed(_("Une version publiée du bilan ne change plus : une correction se publie comme "
                                      "une nouvelle version."))

