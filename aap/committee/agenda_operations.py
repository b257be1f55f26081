"""Writes of a session's agenda: add the dossiers ready for committee, remove, move, order by strand then score.

The agenda is set before the session opens; once it is open only the chair's steps move it on. Nothing commits.
"""
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from aap.calls.models import Strand
from aap.committee.agenda_queries import by_strand_then_score, elsewhere_on_an_agenda, ready_condition
from aap.committee.models import CLOSED, OPEN, AgendaItem, CommitteeSession
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.review.models import ReviewStanding

#: the most dossiers one agenda holds: a long day of committee, and a bound on every page and PDF built from it
MAX_ITEMS = 300


class AgendaRefused(Exception):
    """A change of the agenda that cannot be made; its text says why, in French."""


def lock_session(session: CommitteeSession) -> CommitteeSession:
    """The session's row lock, so that two people editing its agenda take turns (SQLite's writers are serial)."""
    return db.session.execute(select(CommitteeSession).where(CommitteeSession.id == session.id)
                              .with_for_update().execution_options(populate_existing=True)).scalar_one()


def _editable(session: CommitteeSession) -> None:
    if session.state == OPEN:
        raise AgendaRefused(_("La séance est ouverte : l'ordre du jour ne change plus, le ou la président·e passe "
                              "d'un point à l'autre."))
    if session.state == CLOSED:
        raise AgendaRefused(_("La séance est close : son ordre du jour ne change plus."))


def add_dossiers(session: CommitteeSession, dossier_ids: list[int]) -> int:
    """Put these dossiers at the end of the agenda, in the committee's usual order; returns how many were added."""
    session = lock_session(session)
    _editable(session)
    wanted = sorted(set(dossier_ids))
    if not wanted:
        raise AgendaRefused(_("Cochez au moins un dossier à inscrire à l'ordre du jour."))
    present = set(db.session.execute(select(AgendaItem.dossier_id).where(AgendaItem.session_id == session.id)
                                     ).scalars())
    ready = db.session.execute(
        select(Dossier.id, Dossier.reference).outerjoin(Strand, Strand.id == Dossier.strand_id)
        .outerjoin(ReviewStanding, ReviewStanding.dossier_id == Dossier.id)
        .where(Dossier.id.in_(wanted), ready_condition(session.call_id), ~elsewhere_on_an_agenda(session))
        .order_by(*by_strand_then_score())).all()
    refused = set(wanted) - {row.id for row in ready} - present
    if refused:
        raise AgendaRefused(ngettext(
            "%(num)d dossier ne peut pas être inscrit : il n'est pas prêt pour le comité, appartient à un autre appel "
            "ou attend déjà à l'ordre du jour d'une autre séance. Rien n'a été inscrit.",
            "%(num)d dossiers ne peuvent pas être inscrits : ils ne sont pas prêts pour le comité, appartiennent à un "
            "autre appel ou attendent déjà à l'ordre du jour d'une autre séance. Rien n'a été inscrit.",
            len(refused)))
    added = [row.id for row in ready if row.id not in present]
    if len(present) + len(added) > MAX_ITEMS:
        raise AgendaRefused(_("Un ordre du jour compte %(max)d dossiers au plus : prévoyez une autre séance pour les "
                              "suivants. Rien n'a été inscrit.", max=MAX_ITEMS))
    start = len(present)
    db.session.add_all(AgendaItem(session_id=session.id, dossier_id=dossier_id, position=start + offset + 1)
                       for offset, dossier_id in enumerate(added))
    _changed(session)
    return len(added)


def remove_item(session: CommitteeSession, item_id: int) -> None:
    session = lock_session(session)
    _editable(session)
    item = _item(session, item_id)
    db.session.delete(item)
    db.session.flush()
    _renumber(session)


def move_item(session: CommitteeSession, item_id: int, step: int) -> None:
    """Move an item one place up (step −1) or down (+1); at either end it stays where it is."""
    session = lock_session(session)
    _editable(session)
    items = _items(session)
    index = next((i for i, item in enumerate(items) if item.id == item_id), None)
    if index is None:
        raise AgendaRefused(_("Ce point n'est pas (ou plus) à l'ordre du jour de cette séance."))
    other = index + step
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
        _number(items)
        _changed(session)


def order_by_strand_and_score(session: CommitteeSession) -> None:
    session = lock_session(session)
    _editable(session)
    ordered = db.session.execute(
        select(AgendaItem).join(Dossier, Dossier.id == AgendaItem.dossier_id)
        .outerjoin(Strand, Strand.id == Dossier.strand_id)
        .outerjoin(ReviewStanding, ReviewStanding.dossier_id == Dossier.id)
        .where(AgendaItem.session_id == session.id).order_by(*by_strand_then_score())).scalars().all()
    _number(ordered)
    _changed(session)


def _item(session: CommitteeSession, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.session_id != session.id:
        raise AgendaRefused(_("Ce point n'est pas (ou plus) à l'ordre du jour de cette séance."))
    return item


def _items(session: CommitteeSession) -> list[AgendaItem]:
    return list(db.session.execute(select(AgendaItem).where(AgendaItem.session_id == session.id)
                                   .order_by(AgendaItem.position, AgendaItem.id)).scalars())


def _renumber(session: CommitteeSession) -> None:
    _number(_items(session))
    _changed(session)


def _number(items: list[AgendaItem]) -> None:
    """Positions 1, 2, 3… in the given order."""
    for position, item in enumerate(items, start=1):
        item.position = position
    db.session.flush()


def _changed(session: CommitteeSession) -> None:
    session.revision += 1
    db.session.flush()
