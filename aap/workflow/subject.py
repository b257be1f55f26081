"""What the engine needs of the thing a workflow moves: a dossier, registered by the domain that owns it.

The engine reads and writes these attributes and asks the subject for a person's roles on it; it knows
nothing else of dossiers.
"""
from datetime import datetime
from typing import Protocol


class WorkflowSubject(Protocol):
    id: int
    state: str
    state_entered_at: datetime | None
    #: when the current state's timeout fires, if it has one
    timeout_at: datetime | None
    audit_count: int
    audit_head: str
    lock_version: int
    workflow_version: object

    def workflow_roles(self, user) -> frozenset[str]:
        """The roles this person holds on this subject, as the workflow file names them."""


_registered: list[type] = []


def register_subject(model: type) -> None:
    _registered[:] = [model]


def subject_model() -> type:
    if not _registered:
        raise RuntimeError("no workflow subject registered: the dossiers domain registers its model")
    return _registered[0]
