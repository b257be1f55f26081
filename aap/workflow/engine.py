"""available() and apply_transition(): the state machine of a dossier, with roles, guards, requirements and audit."""
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from aap.core.formatting import date_time as format_paris
from aap.core.models import utcnow
from aap.core.signals import transition_applied
from aap.extensions import db
from aap.workflow import audit, schema
from aap.workflow.context import TransitionContext
from aap.workflow.definitions import SYSTEM, Transition, Workflow
from aap.workflow.models import AuditRecord
from aap.workflow.registry import EFFECTS, EVENTS, GUARDS
from aap.workflow.subject import WorkflowSubject, subject_model

MAX_COMMENT = 5000
MAX_AMOUNT = Decimal("1000000000")


class TransitionRefused(Exception):
    """A transition that did not happen; the message is shown as is, the state is unchanged."""

    def __init__(self, message: str, code: str, field: str | None = None):
        super().__init__(message)
        self.message, self.code, self.field = message, code, field


@dataclass
class Option:
    transition: Transition
    reasons: list[str] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.reasons


#: pinned versions never change once stored: parsed once per process, by their digest
_PARSED: dict[str, Workflow] = {}


def workflow_of_version(version) -> Workflow:
    """The parsed workflow; its source (a deferred column on lists) is read only the first time."""
    parsed = _PARSED.get(version.digest)
    if parsed is None:
        parsed = _PARSED.setdefault(version.digest,
                                    schema.load_text(version.source, f"<pinned version {version.digest[:12]}>"))
    return parsed


def workflow_of(dossier: WorkflowSubject) -> Workflow:
    return workflow_of_version(dossier.workflow_version)


def roles_of(user, dossier: WorkflowSubject) -> frozenset[str]:
    """The roles a transition is checked against: the subject's answer, or "system" for the timers."""
    if user is None:
        return frozenset({SYSTEM})
    return dossier.workflow_roles(user)


def available(dossier: WorkflowSubject, user, now: datetime | None = None) -> list[Option]:
    """Transitions this user may see now; those blocked by a guard carry the reasons why."""
    workflow, roles, now = workflow_of(dossier), roles_of(user, dossier), now or utcnow()
    options = []
    for transition in workflow.transitions_from(dossier.state):
        if transition.when is None and roles & set(transition.roles):
            context = TransitionContext(dossier, user, transition, workflow, now)
            options.append(Option(transition, [r for g in transition.guards if (r := GUARDS[g](context))]))
    return options


def lock(dossier_id: int) -> WorkflowSubject:
    """Row lock on PostgreSQL; on SQLite the version column refuses a concurrent write at flush."""
    model = subject_model()
    query = db.select(model).where(model.id == dossier_id).execution_options(populate_existing=True)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    dossier = db.session.execute(query).scalar_one_or_none()
    if dossier is None:
        raise TransitionRefused(_("Ce dossier n'existe pas."), "unknown")
    return dossier


CONFLICT = _l("Une autre personne vient d'agir sur ce dossier : rien n'a été fait. "
              "Rechargez la page pour voir son état actuel.")


def apply_transition(dossier_id: int, name: str, user, data: dict | None = None, expected_version: int | None = None,
          now: datetime | None = None, event: str | None = None) -> AuditRecord:
    """Apply one transition in the current transaction; the caller commits.

    A transition with `when:` is applied only by the operation that fires its event (`event`), never on its own.
    """
    try:
        return _apply(dossier_id, name, user, data, expected_version, now, event)
    except (StaleDataError, OperationalError) as error:
        # a concurrent writer won: PostgreSQL's row lock makes this rare, SQLite reports it as "locked"
        if isinstance(error, OperationalError) and "locked" not in str(error):
            raise
        db.session.rollback()
        raise TransitionRefused(str(CONFLICT), "conflict") from None


def _apply(dossier_id, name, user, data, expected_version, now, event) -> AuditRecord:
    dossier, now, data = lock(dossier_id), now or utcnow(), dict(data or {})
    workflow = workflow_of(dossier)
    transition = workflow.transitions.get(name)
    if transition is None:
        raise TransitionRefused(_("Cette action n'existe pas pour ce dossier."), "unknown")
    if transition.when != event:
        raise TransitionRefused(_("« %(action)s » ne se fait pas ici : elle suit %(event)s.", action=transition.label,
                                  event=EVENTS.get(transition.when, transition.when)), "elsewhere")
    _check_not_done(dossier, transition, expected_version)
    if dossier.state not in transition.sources:
        raise TransitionRefused(_("« %(action)s » n'est pas possible quand le dossier est à l'état « %(state)s ».",
                                  action=transition.label, state=workflow.state_label(dossier.state)), "wrong_state")
    _check_role(dossier, transition, workflow, user)
    payload = _check_requirements(transition, data)
    context = TransitionContext(dossier, user, transition, workflow, now, data)
    reasons = [reason for g in transition.guards if (reason := GUARDS[g](context))]
    if reasons:
        raise TransitionRefused(" ".join(reasons), "guard")
    return _enter(dossier, workflow, transition, context, payload)


def transition_on(dossier: WorkflowSubject, event: str) -> Transition | None:
    """The transition the event applies from the dossier's state, if its workflow has one."""
    return next((t for t in workflow_of(dossier).transitions_from(dossier.state) if t.when == event), None)


def fire(dossier_id: int, event: str, user, data: dict | None = None,
         now: datetime | None = None) -> AuditRecord | None:
    """Move the dossier by the transition its workflow takes on this event; None when it takes none from here."""
    transition = transition_on(lock(dossier_id), event)
    if transition is None:
        return None
    return apply_transition(dossier_id, transition.name, user, data, now=now, event=event)


def _last_record(dossier) -> AuditRecord | None:
    return db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id == dossier.id)
                              .order_by(AuditRecord.sequence.desc()).limit(1)).scalar_one_or_none()


def _check_not_done(dossier, transition, expected_version) -> None:
    """A second click, a second tab or a replayed request is told the action is done, not done twice."""
    stale = expected_version is not None and expected_version != dossier.lock_version
    if not stale and dossier.state in transition.sources:
        return
    last = _last_record(dossier)
    if last is not None and last.transition == transition.name:
        raise TransitionRefused(_("« %(action)s » a déjà été fait le %(at)s par %(actor)s : rien n'a été refait.",
                                  action=transition.label, at=format_paris(last.at), actor=last.actor_label),
                                "already_done")
    if stale:
        raise TransitionRefused(_("Le dossier a changé depuis l'ouverture de cette page. Rechargez-la pour voir "
                                  "son état actuel avant d'agir."), "stale")


def _check_role(dossier, transition, workflow, user) -> None:
    roles = roles_of(user, dossier)
    is_timer = user is None and any(s.timeout and s.timeout.transition == transition.name
                                    for s in workflow.states.values())
    if not (roles & set(transition.roles) or is_timer):
        raise TransitionRefused(_("Votre rôle ne permet pas « %(action)s ».", action=transition.label), "forbidden")


def _check_requirements(transition: Transition, data: dict) -> dict:
    payload = {}
    if "comment" in transition.requires:
        comment = (data.get("comment") or "").strip()
        if not comment:
            raise TransitionRefused(_("Un commentaire est obligatoire pour cette action."), "missing", "comment")
        if len(comment) > MAX_COMMENT:
            raise TransitionRefused(_("Le commentaire dépasse %(n)d caractères.", n=MAX_COMMENT), "invalid", "comment")
    if "amount" in transition.requires:
        payload["amount"] = str(_amount(data.get("amount")))
    if "file" in transition.requires:
        stored = data.get("file")
        if stored is None:
            raise TransitionRefused(_("Un fichier est obligatoire pour cette action."), "missing", "file")
        payload["file"] = stored.as_dict()
    return payload


def _amount(raw) -> Decimal:
    text = str(raw or "").replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace("€", "")
    if not text:
        raise TransitionRefused(_("Un montant est obligatoire pour cette action."), "missing", "amount")
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise TransitionRefused(_("Le montant doit être un nombre, par exemple 12 500 ou 12 500,50."),
                                "invalid", "amount") from None
    if not value.is_finite() or value <= 0 or value >= MAX_AMOUNT or value != value.quantize(Decimal("0.01")):
        raise TransitionRefused(_("Le montant doit être positif, en euros, avec au plus deux décimales."),
                                "invalid", "amount")
    return value


def _enter(dossier, workflow: Workflow, transition: Transition, context, payload: dict) -> AuditRecord:
    from_state, now = dossier.state, context.now
    timeout = workflow.states[transition.target].timeout
    if transition.target != from_state:  # a loop on the same state keeps its clock running
        dossier.state, dossier.state_entered_at = transition.target, now
        dossier.timeout_at = now + timeout.after if timeout else None
    context.record = audit.append(dossier, transition=transition.name, from_state=from_state,
                                  to_state=transition.target, actor=context.user, at=now,
                                  comment=(context.data.get("comment") or "").strip(), payload=payload,
                                  holder_visible=not transition.internal)
    for effect in transition.effects:
        EFFECTS[effect.name].run(context, **effect.params)
    db.session.flush()
    transition_applied.send(dossier, workflow=workflow, transition=transition, from_state=from_state)
    return context.record
