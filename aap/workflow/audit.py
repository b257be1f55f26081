"""The audit trail: one record per transition, each holding the hash of the one before."""
from dataclasses import dataclass
from datetime import timezone

from sqlalchemy.orm import lazyload

from aap.core.fingerprints import json_sha256
from aap.extensions import db
from aap.workflow.models import AuditRecord
from aap.workflow.subject import subject_model

GENESIS = "0" * 64


def record_hash(record: AuditRecord) -> str:
    content = {
        "dossier": record.dossier_id, "sequence": record.sequence, "transition": record.transition,
        "from": record.from_state, "to": record.to_state, "actor": record.actor_id, "actor_label": record.actor_label,
        "at": record.at.astimezone(timezone.utc).isoformat(timespec="microseconds"), "comment": record.comment,
        "payload": record.payload, "holder_visible": record.holder_visible, "previous": record.previous_hash,
    }
    return json_sha256(content)


def append(dossier, *, transition: str, from_state: str | None, to_state: str, actor, at, comment: str = "",
           payload: dict | None = None, holder_visible: bool = True) -> AuditRecord:
    record = AuditRecord(dossier_id=dossier.id, sequence=dossier.audit_count + 1, transition=transition,
                         from_state=from_state, to_state=to_state, actor_id=actor.id if actor else None,
                         actor_label=actor.email if actor else "system", at=at,
                         comment=comment, payload=payload or {}, holder_visible=holder_visible,
                         previous_hash=dossier.audit_head or GENESIS)
    record.hash = record_hash(record)
    dossier.audit_count, dossier.audit_head = record.sequence, record.hash
    db.session.add(record)
    return record


@dataclass(frozen=True)
class AuditProblem:
    dossier_id: int
    sequence: int
    message: str

    def __str__(self) -> str:
        return f"dossier {self.dossier_id}, enregistrement {self.sequence} : {self.message}"


def verify_dossier(dossier, records: list[AuditRecord]) -> list[AuditProblem]:
    problems, previous, expected = [], GENESIS, 1
    for record in records:
        if record.sequence != expected:
            problems.append(AuditProblem(dossier.id, expected, "manquant (supprimé)"))
            expected = record.sequence
        elif record.previous_hash != previous:
            problems.append(AuditProblem(dossier.id, record.sequence, "ne suit pas l'enregistrement précédent"))
        if record_hash(record) != record.hash:
            problems.append(AuditProblem(dossier.id, record.sequence, "modifié après coup (empreinte invalide)"))
        previous, expected = record.hash, expected + 1
    if dossier.audit_count >= expected:
        problems.append(AuditProblem(dossier.id, expected, f"manquant (supprimé) : le dossier en compte "
                                                           f"{dossier.audit_count}"))
    elif records and dossier.audit_head != previous:
        problems.append(AuditProblem(dossier.id, records[-1].sequence, "ne correspond pas au dernier enregistrement "
                                                                       "connu du dossier"))
    return problems


def verify_all(batch_size: int = 500) -> tuple[int, list[AuditProblem]]:
    """Check every dossier's chain; reads dossiers and records in batches, not one query per dossier."""
    model = subject_model()
    problems, checked, last_id = [], 0, 0
    while True:
        dossiers = list(db.session.execute(db.select(model).where(model.id > last_id).options(lazyload("*"))
                                           .order_by(model.id).limit(batch_size)).scalars())
        if not dossiers:
            return checked, problems
        ids = [d.id for d in dossiers]
        records: dict[int, list] = {i: [] for i in ids}
        for record in db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id.in_(ids))
                                         .order_by(AuditRecord.dossier_id, AuditRecord.sequence)).scalars():
            records[record.dossier_id].append(record)
        for dossier in dossiers:
            problems.extend(verify_dossier(dossier, records[dossier.id]))
        checked += len(dossiers)
        last_id = ids[-1]
