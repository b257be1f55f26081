"""Every write of the live meeting: opening, closing, the chair's steps and hand-over, votes. None commits.

Each one first takes the session's row lock (SQLite serialises every writing transaction already) and reads the
session again, so that two clicks made on pages showing the same state never both apply.
"""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from aap.auth.models import User
from aap.committee import live_queries as queries
from aap.committee.access import is_session_staff
from aap.committee.envelope import overruns
from aap.committee.models import (
    ABSENT,
    CLOSED,
    CONVENED,
    FAVORABLE,
    OPEN,
    PLANNED,
    POSTPONED,
    RECOMMENDATIONS,
    VOTES,
    AgendaItem,
    CommitteeSession,
    Recusal,
    Vote,
)
from aap.core.formatting import money
from aap.dossiers.models import Dossier
from aap.dossiers.reviewers import RECUSED
from aap.extensions import db
from aap.workflow import audit

#: the dossier's history names the committee's recommendation so (aap.dossiers.timeline labels it)
RECOMMENDATION_RECORDED = "committee_recommendation"
CENTS = Decimal("0.01")


class Refused(Exception):
    """A change refused, with the French reason shown; nothing was written. `field` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class NeedsConfirmation(Refused):
    """Allowed once the person ticks the box that says they know: the reason is shown beside it."""


def locked(meeting: CommitteeSession) -> CommitteeSession:
    """The session's row, locked until the commit and read again: what another request just changed is seen."""
    return db.session.execute(select(CommitteeSession).where(CommitteeSession.id == meeting.id).with_for_update()
                              .execution_options(populate_existing=True)).scalar_one()


def changed(meeting: CommitteeSession) -> None:
    """Members' screens follow the revision: every change they must show grows it."""
    meeting.revision += 1


def open_session(meeting: CommitteeSession, user, without_quorum: bool, now: datetime) -> CommitteeSession:
    """Open the session; below the quorum only when confirmed, and then recorded as such. The opener chairs."""
    meeting = locked(meeting)
    if meeting.state == OPEN:
        raise Refused(_("La séance est déjà ouverte."))
    if meeting.state not in (PLANNED, CONVENED):
        raise Refused(_("La séance est close : elle ne se rouvre pas."))
    if not queries.agenda(meeting):
        raise Refused(_("L'ordre du jour est vide : inscrivez au moins un dossier avant d'ouvrir la séance."))
    present = queries.present_count(meeting)
    if present < meeting.quorum and not without_quorum:
        raise NeedsConfirmation(ngettext(
            "Le quorum n'est pas atteint : %(num)d membre présent·e pour un quorum de %(quorum)d. Pour ouvrir quand "
            "même, cochez la case ; le procès-verbal dira « quorum non atteint ».",
            "Le quorum n'est pas atteint : %(num)d membres présent·es pour un quorum de %(quorum)d. Pour ouvrir quand "
            "même, cochez la case ; le procès-verbal dira « quorum non atteint ».", present, quorum=meeting.quorum),
            field="without_quorum")
    meeting.state, meeting.opened_at = OPEN, now
    meeting.present_at_opening, meeting.quorum_met = present, present >= meeting.quorum
    meeting.chair_id, meeting.chair_since = user.id, now
    changed(meeting)
    return meeting


def close_session(meeting: CommitteeSession, user, without_recommendation: bool, now: datetime) -> CommitteeSession:
    """Close the session once every item has its recommendation, or when the chair confirms those left without."""
    meeting = _open(locked(meeting))
    missing = [item for item in queries.agenda(meeting) if item.recommendation is None]
    if missing and not without_recommendation:
        raise NeedsConfirmation(ngettext(
            "%(num)d dossier n'a pas d'avis du comité : %(items)s. Pour clore quand même, cochez la case.",
            "%(num)d dossiers n'ont pas d'avis du comité : %(items)s. Pour clore quand même, cochez la case.",
            len(missing), items=", ".join(item_label(item) for item in missing)), field="without_recommendation")
    meeting.state, meeting.closed_at, meeting.current_item_id = CLOSED, now, None
    changed(meeting)
    return meeting


def item_label(item: AgendaItem) -> str:
    return f"{item.dossier.reference or _('sans référence')} {item.dossier.title}".strip()


def _open(meeting: CommitteeSession) -> CommitteeSession:
    if meeting.state != OPEN:
        raise Refused(_("La séance est close.") if meeting.state == CLOSED else
                      _("La séance n'est pas encore ouverte."))
    return meeting


def not_chair_message(meeting: CommitteeSession) -> str:
    if meeting.chair_id is None:
        return _("Personne ne préside cette séance pour l'instant.")
    name = db.session.get(User, meeting.chair_id).display_name
    return _("C'est %(name)s qui préside la séance : seule la personne qui préside mène l'ordre du jour, enregistre "
             "les avis et passe la présidence.", name=name)


def _chaired_by(meeting: CommitteeSession, user) -> CommitteeSession:
    meeting = _open(locked(meeting))
    if meeting.chair_id != user.id:
        raise Refused(not_chair_message(meeting))
    return meeting


def _unchanged(meeting: CommitteeSession, shown_item_id: int | None) -> None:
    """The chair acts on the item their page showed: a click made before another change is not applied."""
    if meeting.current_item_id != shown_item_id:
        raise Refused(_("Le point en cours a changé depuis l'affichage de cette page : rien n'a été fait. Voici "
                        "la séance à jour."))


def step(meeting: CommitteeSession, user, forward: bool, shown_item_id: int | None, now: datetime) -> AgendaItem:
    """« Point suivant » or « Point précédent » from the item the chair's page showed."""
    meeting = _chaired_by(meeting, user)
    _unchanged(meeting, shown_item_id)
    items = queries.agenda(meeting)
    ids = [item.id for item in items]
    if meeting.current_item_id in ids:
        index = ids.index(meeting.current_item_id) + (1 if forward else -1)
    else:
        index = 0 if forward else -1
    if not 0 <= index < len(items):
        raise Refused(_("C'est le dernier point de l'ordre du jour.") if forward else
                      _("C'est le premier point de l'ordre du jour."))
    return make_current(meeting, items[index], now)


def open_item(meeting: CommitteeSession, user, item: AgendaItem, shown_item_id: int | None,
              now: datetime) -> AgendaItem:
    """Bring any item of the agenda up, from the item the chair's page showed."""
    meeting = _chaired_by(meeting, user)
    _unchanged(meeting, shown_item_id)
    if meeting.current_item_id == item.id:
        raise Refused(_("Ce point est déjà en cours."))
    return make_current(meeting, item, now)


def make_current(meeting: CommitteeSession, item: AgendaItem, now: datetime) -> AgendaItem:
    """The item every screen now shows; its convened members in conflict are recorded as recused, once."""
    meeting.current_item_id = item.id
    if item.opened_at is None:
        item.opened_at = now
    record_recusals(meeting, item)
    changed(meeting)
    return item


def record_recusals(meeting: CommitteeSession, item: AgendaItem) -> list[Recusal]:
    convened = [member.user for member in queries.members(meeting)]
    already = queries.recused_ids(item)
    recusals = [Recusal(item_id=item.id, user_id=user_id)
                for user_id in sorted(queries.stepping_aside(convened, item.dossier) - already)]
    db.session.add_all(recusals)
    db.session.flush()
    return recusals


def hand_over(meeting: CommitteeSession, user, next_chair_id: int, now: datetime) -> User:
    """The chair names the next one: a staff person, or a convened member present."""
    meeting = _chaired_by(meeting, user)
    if next_chair_id == user.id:
        raise Refused(_("Vous présidez déjà la séance : choisissez une autre personne."), field="next_chair")
    person = db.session.get(User, next_chair_id)
    member = queries.member_of(meeting, next_chair_id) if person is not None else None
    eligible = person is not None and person.active and (
        is_session_staff(person) or (member is not None and member.attendance in queries.PRESENT))
    if not eligible:
        raise Refused(_("La présidence passe à une personne de la collectivité (administration, instruction) ou "
                        "à un membre convoqué présent à la séance : choisissez dans la liste."), field="next_chair")
    meeting.chair_id, meeting.chair_since = person.id, now
    changed(meeting)
    return person


def take_chair(meeting: CommitteeSession, user, confirmed: bool, now: datetime) -> None:
    """A staff person takes the chair from one who left or cannot act: explicitly, and the screens say so."""
    meeting = _open(locked(meeting))
    if meeting.chair_id == user.id:
        raise Refused(_("Vous présidez déjà la séance."))
    if not confirmed:
        raise NeedsConfirmation(_("Cochez la case pour prendre la présidence à la place de %(name)s.",
                                  name=meeting.chair.display_name if meeting.chair else _("personne")),
                                field="confirm")
    meeting.chair_id, meeting.chair_since = user.id, now
    changed(meeting)


def cast_vote(meeting: CommitteeSession, item: AgendaItem, user, choice: str | None) -> Vote:
    """A convened member's vote on the current item: once, never when recused."""
    meeting = locked(meeting)
    if meeting.state != OPEN:
        raise Refused(_("Les votes ont lieu pendant la séance, une fois celle-ci ouverte.") if meeting.state != CLOSED
                      else _("La séance est close : les votes sont terminés."))
    member = queries.member_of(meeting, user.id)
    if member is None:
        raise Refused(_("Seul·es les membres convoqué·es à la séance votent : vous n'en faites pas partie."))
    if member.attendance == ABSENT:
        raise Refused(_("Vous êtes noté·e absent·e à cette séance : votre vote n'est pas possible. Demandez à "
                        "l'équipe d'instruction de corriger votre présence."))
    if meeting.current_item_id != item.id:
        raise Refused(_("Ce dossier n'est plus le point en cours : le vote porte seulement sur le point en cours."))
    if user.id in queries.recused_ids(item) or access_recused(user, item):
        raise Refused(_("%(recused)s Vous ne votez pas sur ce point.", recused=RECUSED))
    if choice not in VOTES:
        raise Refused(_("Choisissez votre vote : favorable, défavorable ou abstention."))
    existing = queries.own_vote(item, user.id)
    if existing is not None:
        raise Refused(already_voted(existing.choice))
    vote = Vote(item_id=item.id, user_id=user.id, choice=choice)
    db.session.add(vote)
    db.session.flush()
    changed(meeting)
    return vote


def already_voted(choice: str) -> str:
    return _("Vous avez déjà voté sur ce point (%(choice)s) : un vote est définitif.",
             choice=str(VOTES[choice]).lower())


def access_recused(user, item: AgendaItem) -> bool:
    return bool(queries.stepping_aside([user], item.dossier))


def locked_dossier(dossier_id: int) -> Dossier:
    """The dossier's row, locked and read again, before its audit chain grows."""
    return db.session.execute(select(Dossier).where(Dossier.id == dossier_id).with_for_update()
                              .execution_options(populate_existing=True)).scalar_one()


@dataclass(frozen=True)
class RecommendationInput:
    recommendation: str | None
    amount: Decimal | None
    notes: str
    postponed_to: str
    #: the chair confirmed an amount beyond what remains of an envelope
    over_envelope: bool = False


def record_recommendation(meeting: CommitteeSession, item: AgendaItem, user, typed: RecommendationInput,
                          now: datetime) -> AgendaItem:
    """The committee's recommendation on the current item, by its chair; recorded again, it replaces the last one."""
    meeting = _chaired_by(meeting, user)
    if meeting.current_item_id != item.id:
        raise Refused(_("L'avis s'enregistre sur le point en cours : ce dossier ne l'est plus. Rien n'a été "
                        "enregistré."))
    if access_recused(user, item):
        raise Refused(_("%(recused)s Passez la présidence à une autre personne le temps de ce point.",
                        recused=RECUSED))
    dossier = locked_dossier(item.dossier_id)
    typed = _checked(dossier, typed)
    if typed.recommendation == FAVORABLE and not typed.over_envelope:
        _within_envelopes(meeting, item, dossier, typed.amount)
    previous = _recorded(item) if item.recommendation else None
    item.recommendation, item.amount, item.notes = typed.recommendation, typed.amount, typed.notes
    item.postponed_to, item.recorded_by_id, item.recorded_at = typed.postponed_to, user.id, now
    audit.append(dossier, transition=RECOMMENDATION_RECORDED, from_state=dossier.state, to_state=dossier.state,
                 actor=user, at=now, comment=_summary(item), holder_visible=False,
                 payload={**_recorded(item), "session_id": meeting.id, "item_id": item.id, "replaces": previous})
    changed(meeting)
    return item


def _summary(item: AgendaItem) -> str:
    """The recommendation in words for the dossier's history (its amount is the record's own)."""
    words = str(RECOMMENDATIONS[item.recommendation])
    if item.postponed_to:
        words = _("%(recommendation)s, reporté à : %(when)s", recommendation=words, when=item.postponed_to)
    return f"{words}\n\n{item.notes}" if item.notes.strip() else words


def _recorded(item: AgendaItem) -> dict:
    amount = None if item.amount is None else str(Decimal(item.amount).quantize(CENTS))
    return {"recommendation": item.recommendation, "amount": amount,
            "postponed_to": item.postponed_to}


def _checked(dossier: Dossier, typed: RecommendationInput) -> RecommendationInput:
    """The recommendation as it will be kept, or the reason it is refused, on its field."""
    if typed.recommendation not in RECOMMENDATIONS:
        raise Refused(_("Choisissez l'avis du comité : favorable, défavorable ou ajourné."), field="recommendation")
    if typed.recommendation != FAVORABLE:
        postponed_to = typed.postponed_to.strip() if typed.recommendation == POSTPONED else ""
        if typed.recommendation == POSTPONED and not postponed_to:
            raise Refused(_("Indiquez à quelle séance ou édition le dossier est reporté."), field="postponed_to")
        return RecommendationInput(typed.recommendation, None, typed.notes, postponed_to, typed.over_envelope)
    if typed.amount is None:
        raise Refused(_("Indiquez le montant proposé par le comité pour un avis favorable."), field="amount")
    if typed.amount <= 0:
        raise Refused(_("Le montant proposé doit être supérieur à 0 €."), field="amount")
    requested = dossier.requested_amount
    if requested is not None and typed.amount > requested:
        raise Refused(_("Le montant proposé (%(amount)s) dépasse le montant demandé par le dossier (%(requested)s) : "
                        "saisissez au plus %(requested)s.", amount=money(typed.amount), requested=money(requested)),
                      field="amount")
    return RecommendationInput(FAVORABLE, typed.amount, typed.notes, "", typed.over_envelope)


def _within_envelopes(meeting: CommitteeSession, item: AgendaItem, dossier: Dossier, amount: Decimal) -> None:
    """Beyond what remains of the strand's envelope or the call's, the chair must confirm (a warning, no refusal)."""
    others = queries.favorable_amounts(meeting.call_id, item.id)
    strand = dossier.strand
    envelopes = [("call", meeting.call.total_envelope, [value for _strand, value in others])]
    if strand is not None:
        envelopes.insert(0, ("strand", strand.envelope, [value for key, value in others if key == strand.id]))
    found = overruns(amount, envelopes)
    if not found:
        return
    lines = [_("Ce montant (%(amount)s) dépasse ce qui reste de l'enveloppe du volet « %(strand)s » : %(remaining)s "
               "sur %(envelope)s.", amount=money(amount), strand=strand.name, remaining=money(over.remaining),
               envelope=money(over.envelope)) if over.scope == "strand" else
             _("Ce montant (%(amount)s) dépasse ce qui reste de l'enveloppe totale de l'appel : %(remaining)s sur "
               "%(envelope)s.", amount=money(amount), remaining=money(over.remaining), envelope=money(over.envelope))
             for over in found]
    raise NeedsConfirmation(" ".join([*lines, _("Cochez la case pour confirmer ce montant malgré tout.")]),
                            field="over_envelope")
