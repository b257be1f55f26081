"""Hand-over to the decision: once a session is closed and its minutes locked, each recommendation moves its dossier
into the decision step through the transitions of the dossier's own (pinned) workflow.

The rule that finds the transition, the same for every workflow: a hand-over transition lists the `committee` role,
leads to a state that is not final (the committee gives its opinion; the decision comes after it, taken by whom
the workflow says) and follows no event (`when:`): a transition that follows an event, such as the release of a
decision, is applied only by the operation that fires it, never by a hand-over. For a dossier, the one leaving its
current state is taken:
- plaine-commune: `record_opinion`, « Inscrit au comité » → « Avis du comité rendu »;
- instruction-conjointe: `open_funder_decisions`, the joint committee → the funders' decisions;
- deux-temps has none: its committee transitions (grant, refuse) follow the release of the decision the committee
  takes on the decisions pages, so its dossiers stay where they are and the report says so, one by one.
When no hand-over transition leaves the current state but the workflow has exactly one, it is asked for anyway, so
that the engine gives its own reason (the dossier was withdrawn meanwhile, for instance). The engine checks the
person's role and the guards as for any transition; a refusal is listed with its French reason and the other dossiers
move. The comment carries the recommendation, its amount (also given to a transition that requires one), the notes
and the minutes' version. The transition's audit record is marked with the session, so that a second hand-over finds
the dossiers already moved and moves nothing twice. Nothing here commits.
"""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from aap.committee.agenda_operations import lock_session
from aap.committee.minutes_operations import MINUTES_LOCKED, stored_latest
from aap.committee.models import CLOSED, FAVORABLE, POSTPONED, RECOMMENDATIONS, AgendaItem, CommitteeSession
from aap.core.formatting import money, short_date
from aap.core.roles import COMMITTEE
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.workflow import audit, engine
from aap.workflow.definitions import Transition, Workflow
from aap.workflow.models import AuditRecord

#: the key of the mark left in the payload of the transition's audit record
MARK = "committee_handover"
#: notes longer than this are cut in the comment (the engine takes 5,000 characters): the minutes keep them whole
NOTES_IN_COMMENT = 3000
MOVED, ALREADY, REFUSED = "moved", "already", "refused"


class HandoverRefused(Exception):
    """The hand-over cannot start, or was undone whole; the French text says why."""


@dataclass(frozen=True)
class HandoverLine:
    reference: str
    title: str
    outcome: str
    reason: str = ""


def handover_transitions(workflow: Workflow, state: str | None = None) -> list[Transition]:
    """The workflow's hand-over transitions (leaving `state` if given), by the rule of this module."""
    return [transition for transition in workflow.transitions.values()
            if COMMITTEE in transition.roles and transition.when is None
            and not workflow.states[transition.target].final and (state is None or state in transition.sources)]


def _items(session_id: int):
    return db.session.execute(
        select(AgendaItem.dossier_id, AgendaItem.recommendation, AgendaItem.amount, AgendaItem.postponed_to,
               AgendaItem.notes, Dossier.reference, Dossier.title)
        .join(Dossier, Dossier.id == AgendaItem.dossier_id)
        .where(AgendaItem.session_id == session_id).order_by(AgendaItem.position, AgendaItem.id)).all()


def _already_moved(session: CommitteeSession, dossier_ids: list[int]) -> set[int]:
    """The dossiers whose chain holds this session's hand-over mark (records since the session closed)."""
    if not dossier_ids:
        return set()
    query = select(AuditRecord.dossier_id, AuditRecord.payload).where(
        AuditRecord.dossier_id.in_(dossier_ids), AuditRecord.transition != MINUTES_LOCKED)
    if session.closed_at is not None:
        query = query.where(AuditRecord.at >= session.closed_at)
    return {row.dossier_id for row in db.session.execute(query)
            if (row.payload or {}).get(MARK, {}).get("session") == session.id}


def hand_over(session: CommitteeSession, user, now: datetime) -> list[HandoverLine]:
    """Move each dossier of the agenda on; returns what happened to each, in the agenda's order."""
    session = lock_session(session)  # two hand-overs at once take turns: the second finds the marks of the first
    if session.state != CLOSED:
        raise HandoverRefused(_("La séance n'est pas close : les avis se transmettent à la décision une fois la "
                                "séance terminée et son procès-verbal verrouillé."))
    minutes = stored_latest(session.id)
    if minutes is None or minutes.locked_at is None:
        raise HandoverRefused(_("Verrouillez d'abord le procès-verbal : les avis transmis à la décision sont ceux "
                                "qu'il consigne."))
    items = _items(session.id)
    if not items:
        raise HandoverRefused(_("Aucun dossier n'est inscrit à l'ordre du jour de cette séance : rien à transmettre."))
    moved = _already_moved(session, [item.dossier_id for item in items])
    lines = []
    for item in items:
        if item.dossier_id in moved:
            lines.append(HandoverLine(item.reference or "", item.title, ALREADY))
        elif item.recommendation is None:
            lines.append(HandoverLine(item.reference or "", item.title, REFUSED,
                                      _("Le comité n'a pas rendu d'avis sur ce dossier : il n'est pas transmis.")))
        else:
            lines.append(_move(session, minutes, item, user, now))
    return lines


def _move(session, minutes, item, user, now) -> HandoverLine:
    dossier = db.session.get(Dossier, item.dossier_id)
    workflow = engine.workflow_of(dossier)
    candidates = handover_transitions(workflow, dossier.state) or handover_transitions(workflow)
    if len(candidates) != 1:
        return HandoverLine(item.reference or "", item.title, REFUSED, _no_step(workflow, dossier.state, candidates))
    transition = candidates[0]
    data = {"comment": _comment(session, minutes, item)}
    if "amount" in transition.requires and item.recommendation == FAVORABLE and item.amount:
        data["amount"] = str(item.amount)
    savepoint = db.session.begin_nested()
    try:
        record = engine.apply_transition(dossier.id, transition.name, user, data, now=now)
    except engine.TransitionRefused as refusal:
        if refusal.code == "conflict":  # the engine rolled the whole transaction back: nothing moved
            raise HandoverRefused(_("Une autre personne vient d'agir sur l'un des dossiers : rien n'a été transmis. "
                                    "Recommencez.")) from None
        savepoint.rollback()
        return HandoverLine(item.reference or "", item.title, REFUSED, refusal.message)
    _mark(dossier, record, {"session": session.id, "minutes": minutes.id, "version": minutes.version}, user, now)
    savepoint.commit()
    return HandoverLine(item.reference or "", item.title, MOVED)


def _no_step(workflow: Workflow, state: str, candidates: list[Transition]) -> str:
    if not candidates:
        return _("Le circuit « %(workflow)s » n'a pas d'étape d'avis du comité avant la décision : le dossier reste "
                 "à l'état « %(state)s », et la décision s'enregistre sur sa page.", workflow=workflow.label,
                 state=workflow.state_label(state))
    return _("Aucune étape d'avis du comité ne part de l'état « %(state)s » de ce dossier : il y reste.",
             state=workflow.state_label(state))


def _mark(dossier, record, mark: dict, user, now) -> None:
    """The mark goes into the transition's own record; if an effect wrote another record after it, into its own."""
    if record.sequence == dossier.audit_count:
        audit.attach(dossier, record, **{MARK: mark})
    else:
        audit.append(dossier, transition=MARK, from_state=dossier.state, to_state=dossier.state, actor=user, at=now,
                     payload={MARK: mark}, holder_visible=False)


def _comment(session: CommitteeSession, minutes, item) -> str:
    """The recommendation in words, in French: the audit trail is the authority's record, whoever acts."""
    with force_locale("fr"):
        opinion = str(RECOMMENDATIONS[item.recommendation])
        if item.recommendation == FAVORABLE and item.amount is not None:
            opinion = _("%(opinion)s, pour un montant de %(amount)s", opinion=opinion,
                        amount=money(Decimal(item.amount)))
        elif item.recommendation == POSTPONED and item.postponed_to:
            opinion = _("%(opinion)s, reporté à : %(later)s", opinion=opinion, later=item.postponed_to)
        text = _("Avis du comité de projets (séance « %(session)s » du %(day)s) : %(opinion)s. Procès-verbal, "
                 "version %(version)d.", session=session.title, day=short_date(session.starts_at), opinion=opinion,
                 version=minutes.version)
        notes = (item.notes or "").strip()
        if notes:
            cut = notes if len(notes) <= NOTES_IN_COMMENT else notes[:NOTES_IN_COMMENT].rstrip() + "…"
            text += "\n" + _("Observations : %(notes)s", notes=cut)
    return text
