"""Moving a call's dossiers to a newer version of its workflow, state by state, checked before anything moves."""
from flask_babel import gettext as _
from flask_babel import ngettext

from aap.core.models import utcnow
from aap.core.queue import enqueue_after_commit
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.workflow import audit
from aap.workflow.engine import workflow_of_version
from aap.workflow.models import WorkflowMigration, WorkflowVersion
from aap.workflow.timers import fire_timeout


def call_dossier_states(call) -> dict[str, int]:
    rows = db.session.execute(db.select(Dossier.state, db.func.count()).where(Dossier.call_id == call.id)
                              .group_by(Dossier.state)).all()
    return dict(rows)


def migration_problems(call, target: WorkflowVersion, mapping: dict[str, str]) -> list[str]:
    """Everything wrong with a state mapping, checked before a single dossier moves."""
    new = workflow_of_version(target)
    problems = []
    if call.workflow_version_id == target.id:
        problems.append(_("Les dossiers suivent déjà cette version."))
    if target.name != call.workflow_version.name:
        problems.append(_("La nouvelle version doit être celle du cycle de traitement « %(name)s ».",
                          name=call.workflow_version.name))
    for state, count in sorted(call_dossier_states(call).items()):
        destination = mapping.get(state)
        if not destination:
            problems.append(ngettext("L'état « %(state)s » (%(num)d dossier) n'a pas d'état d'arrivée.",
                                     "L'état « %(state)s » (%(num)d dossiers) n'a pas d'état d'arrivée.",
                                     count, state=state))
        elif destination not in new.states:
            problems.append(_("L'état d'arrivée « %(state)s » n'existe pas dans la version %(version)d.",
                              state=destination, version=new.version))
    return problems


def migrate_call(call, target: WorkflowVersion, mapping: dict[str, str], actor) -> WorkflowMigration:
    problems = migration_problems(call, target, mapping)
    if problems:
        raise ValueError(" ".join(problems))
    new, now, source = workflow_of_version(target), utcnow(), call.workflow_version
    dossiers = db.session.execute(db.select(Dossier).where(Dossier.call_id == call.id)
                                  .order_by(Dossier.id).with_for_update()).scalars().all()
    for dossier in dossiers:
        old_state, new_state = dossier.state, mapping[dossier.state]
        dossier.workflow_version, dossier.state = target, new_state
        timeout = new.states[new_state].timeout
        if old_state != new_state or timeout is None:
            dossier.timeout_at = now + timeout.after if timeout else None
        audit.append(dossier, transition="migrate", from_state=old_state, to_state=new_state, actor=actor, at=now,
                     payload={"from_version": f"{source.name} v{source.version}",
                              "to_version": f"{target.name} v{target.version}"}, holder_visible=False)
        if dossier.timeout_at:
            enqueue_after_commit(db.session(), fire_timeout, dossier.id, dossier.audit_count, at=dossier.timeout_at)
    call.workflow_version = target
    migration = WorkflowMigration(call_id=call.id, from_version_id=source.id, to_version_id=target.id,
                                  mapping=mapping, dossier_count=len(dossiers), actor_id=actor.id if actor else None)
    db.session.add(migration)
    db.session.flush()
    return migration
