"""Reads of the workflow domain: the pinned versions, for the administrators' workflow pages."""
from sqlalchemy.orm import defer

from aap.extensions import db
from aap.workflow.models import WorkflowVersion


def pinned_versions() -> list[WorkflowVersion]:
    """Every pinned version, by workflow name then newest version first."""
    return db.session.execute(db.select(WorkflowVersion).options(defer(WorkflowVersion.source))
                              .order_by(WorkflowVersion.name, WorkflowVersion.version.desc())).scalars().all()
