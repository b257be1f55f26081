"""A dossier's eligibility checklist: the call's points, those ticked, and who may tick them now."""
import hashlib

from sqlalchemy.orm import joinedload

from aap.extensions import db
from aap.instruction.models import EligibilityTick
from aap.workflow import engine

#: the guards that workflow files put on the eligibility decisions; a state they leave is one where points are ticked
ELIGIBLE_GUARD, INELIGIBLE_GUARD = "eligibility_is_checked", "ineligibility_is_explained"
CHECKLIST_GUARDS = frozenset({ELIGIBLE_GUARD, INELIGIBLE_GUARD})


def items_of(dossier) -> list[str]:
    return list(dossier.call.eligibility_checklist or [])


def ticks_of(dossier) -> dict[str, EligibilityTick]:
    """The ticks of the points the call still lists, by point, with who ticked each; one query."""
    items = set(items_of(dossier))
    ticks = db.session.execute(db.select(EligibilityTick).where(EligibilityTick.dossier_id == dossier.id)
                               .options(joinedload(EligibilityTick.ticked_by))).scalars()
    return {tick.item: tick for tick in ticks if tick.item in items}


def unticked(dossier) -> list[str]:
    ticked = ticks_of(dossier)
    return [item for item in items_of(dossier) if item not in ticked]


def deciding_transitions(dossier, user=None) -> list:
    """The eligibility decisions that leave the dossier's state, and among them those this person may take."""
    transitions = [t for t in engine.workflow_of(dossier).transitions_from(dossier.state)
                   if CHECKLIST_GUARDS & set(t.guards)]
    if user is None:
        return transitions
    roles = engine.roles_of(user, dossier)
    return [t for t in transitions if roles & set(t.roles)]


def is_open(dossier) -> bool:
    """Points are ticked while an eligibility decision may leave the state: once submitted, before deciding."""
    return bool(deciding_transitions(dossier))


def fingerprint(ticks: dict[str, EligibilityTick]) -> str:
    """Changes whenever someone ticks or unticks a point: a form showing an older one is stale."""
    content = "\n".join(f"{item}\t{tick.id}" for item, tick in sorted(ticks.items()))
    return hashlib.sha256(content.encode()).hexdigest()[:16]
