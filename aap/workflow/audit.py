"""The audit trail: one record per transition, each sealed with a keyed hash that includes the one before.

The key (AUDIT_KEY) is not in the database, so whoever can write the tables cannot recompute a seal.
"""
import hashlib
import hmac
from dataclasses import dataclass
from datetime import timezone

from flask import current_app
from sqlalchemy.orm import lazyload

from aap.core.fingerprints import canonical_json
from aap.core.signals import audit_chains_checked
from aap.extensions import db
from aap.workflow.models import AuditRecord
from aap.workflow.subject import subject_model

GENESIS = "0" * 64


def keyed_hash(value) -> str:
    """HMAC-SHA256 of the canonical JSON of a value, under AUDIT_KEY."""
    return hmac.new(current_app.config["AUDIT_KEY"].encode(), canonical_json(value), hashlib.sha256).hexdigest()


def record_content(record: AuditRecord) -> dict:
    return {
        "dossier": record.dossier_id, "sequence": record.sequence, "transition": record.transition,
        "from": record.from_state, "to": record.to_state, "actor": record.actor_id, "actor_label": record.actor_label,
        "at": record.at.astimezone(timezone.utc).isoformat(timespec="microseconds"), "comment": record.comment,
        "payload": record.payload, "holder_visible": record.holder_visible, "previous": record.previous_hash,
    }


def record_hash(record: AuditRecord) -> str:
    return keyed_hash(record_content(record))


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


def attach(dossier, record: AuditRecord, **values) -> None:
    """Add values to the payload of the dossier's last record (in the same transaction) and seal it again."""
    if record.sequence != dossier.audit_count:
        raise ValueError("only the last record of a chain may be completed")
    record.payload = {**record.payload, **values}
    record.hash = record_hash(record)
    dossier.audit_head = record.hash


@dataclass(frozen=True)
class AuditProblem:
    dossier_id: int | None
    sequence: int | None
    message: str

    def __str__(self) -> str:
        if self.dossier_id is None:
            return self.message
        return f"dossier {self.dossier_id}, enregistrement {self.sequence} : {self.message}"


def verify_dossier(dossier, records: list[AuditRecord]) -> list[AuditProblem]:
    if not records:
        return [AuditProblem(dossier.id, 1, "aucun enregistrement : le journal du dossier a été effacé")]
    problems, previous, expected = [], GENESIS, 1
    for record in records:
        if record.sequence != expected:
            problems.append(AuditProblem(dossier.id, expected, "manquant (supprimé)"))
            expected = record.sequence
        elif record.previous_hash != previous:
            problems.append(AuditProblem(dossier.id, record.sequence, "ne suit pas l'enregistrement précédent"))
        if not hmac.compare_digest(record_hash(record), record.hash):
            problems.append(AuditProblem(dossier.id, record.sequence, "modifié après coup (empreinte invalide)"))
        previous, expected = record.hash, expected + 1
    if dossier.audit_count >= expected:
        problems.append(AuditProblem(dossier.id, expected, f"manquant (supprimé) : le dossier en compte "
                                                           f"{dossier.audit_count}"))
    elif dossier.audit_head != previous:
        problems.append(AuditProblem(dossier.id, records[-1].sequence, "ne correspond pas au dernier enregistrement "
                                                                       "connu du dossier"))
    last = records[-1]
    if dossier.state != last.to_state:
        problems.append(AuditProblem(dossier.id, last.sequence,
                                     f"le dossier est à l'état « {dossier.state} » mais son dernier enregistrement "
                                     f"le met à l'état « {last.to_state} » (état modifié hors du journal)"))
    return problems


def _companion_problems(records: dict[int, list]) -> list[AuditProblem]:
    """What other domains seal in the chain (receipts) and find changed, in one query per batch each."""
    answers = audit_chains_checked.send(None, records=records)
    return [AuditProblem(*problem) for _receiver, found in answers for problem in found or ()]


def verify_all(batch_size: int = 500, coverage=None) -> tuple[int, list[AuditProblem]]:
    """Check every dossier's chain, its state and what the chain seals, reading them in batches.

    `coverage`, if given, is told each dossier's records, to be compared with a checkpoint afterwards.
    """
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
            if coverage is not None:
                coverage.add(dossier.id, records[dossier.id])
        problems.extend(_companion_problems(records))
        checked += len(dossiers)
        last_id = ids[-1]
