"""How an imported dossier is known: the first record of its audit trail says it was imported, and by which file.

A call is an imported edition when its dossiers were imported; a call entered in the application never is.
"""
from sqlalchemy import select

from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.workflow.models import AuditRecord

#: the audit record every imported dossier starts with
IMPORTED = "history_import"
#: SQLite and PostgreSQL both take this many values in an IN list comfortably
CHUNK = 500


def chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _first_record_is_import():
    return (AuditRecord.dossier_id == Dossier.id) & (AuditRecord.sequence == 1) \
        & (AuditRecord.transition == IMPORTED)


def imported_call_ids(call_ids: list[int]) -> set[int]:
    """Those of the calls whose dossiers were imported."""
    found: set[int] = set()
    for part in chunks(sorted(set(call_ids))):
        found.update(db.session.execute(
            select(Dossier.call_id).join(AuditRecord, _first_record_is_import())
            .where(Dossier.call_id.in_(part)).distinct()).scalars())
    return found


def calls_by_reference(references: list[str]) -> dict[str, tuple[int, bool]]:
    """The references already given to a dossier: its call, and whether the dossier was imported."""
    found = {}
    for part in chunks(sorted(set(references))):
        rows = db.session.execute(
            select(Dossier.reference, Dossier.call_id, AuditRecord.id).outerjoin(AuditRecord, _first_record_is_import())
            .where(Dossier.reference.in_(part)))
        for reference, call_id, record_id in rows:
            found[reference] = (call_id, record_id is not None)
    return found
