"""The calls whose decisions a person reads, with what is left to decide, staged and released, in three statements."""
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, func, select

from aap.calls.models import Call
from aap.decisions.access import seated_calls, sees_call_decisions
from aap.decisions.deciding import deciding_states
from aap.decisions.models import GRANTED, Decision
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.workflow.engine import workflow_of_version


@dataclass(frozen=True)
class CallDecisions:
    call: Call
    to_decide: int
    staged: int
    released: int
    granted: Decimal


def _figures(call_ids: list[int]) -> dict[int, tuple[int, int, Decimal]]:
    released = Decision.released_at.is_not(None)
    query = (select(Dossier.call_id, func.count(case((~released, 1))), func.count(case((released, 1))),
                    func.coalesce(func.sum(case(((Decision.outcome == GRANTED) & Decision.funder_id.is_(None),
                                                 Decision.amount))), 0))
             .join(Dossier, Dossier.id == Decision.dossier_id)
             .where(Dossier.call_id.in_(call_ids), Decision.superseded.is_(False)).group_by(Dossier.call_id))
    return {call_id: (staged, done, Decimal(granted)) for call_id, staged, done, granted in db.session.execute(query)}


def _states(call_ids: list[int]) -> dict[int, Counter]:
    counts: dict[int, Counter] = {}
    query = (select(Dossier.call_id, Dossier.state, func.count()).where(Dossier.call_id.in_(call_ids))
             .group_by(Dossier.call_id, Dossier.state))
    for call_id, state, count in db.session.execute(query):
        counts.setdefault(call_id, Counter())[state] = count
    return counts


def calls_with_decisions(user) -> list[CallDecisions]:
    seated = seated_calls(user)
    calls = [call for call in db.session.execute(
        select(Call).where(Call.workflow_version_id.is_not(None)).order_by(Call.year.desc(), Call.title)).scalars()
        if sees_call_decisions(user, call, seated)]
    ids = [call.id for call in calls]
    figures, states = _figures(ids), _states(ids)
    rows = []
    for call in calls:
        deciding = deciding_states(workflow_of_version(call.workflow_version))
        staged, released, granted = figures.get(call.id, (0, 0, Decimal(0)))
        waiting = sum(count for state, count in states.get(call.id, Counter()).items() if state in deciding)
        rows.append(CallDecisions(call, waiting, staged, released, granted))
    return rows

