"""Signed checkpoints of the audit trail, kept outside the database: a file under instance/ and the admins' mail.

A record's seal cannot show that it was deleted together with its dossier, or that a chain was cut and the
dossier's count and head rolled back. A checkpoint counts, at its time, the dossiers, the records and the head
of every chain; `aap audit verify` compares the database with the last one. Each line of the file is signed
with AUDIT_KEY and carries the signature of the line before it.
"""
import contextlib
import hmac
import json
import logging
import os
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from hashlib import sha256
from pathlib import Path

import redis
from flask import current_app
from sqlalchemy import and_, func, update

from aap.auth.models import RoleGrant, User
from aap.core.models import utcnow
from aap.core.queue import get_redis
from aap.extensions import db
from aap.mail.outbox import queue_mail
from aap.workflow.audit import GENESIS, AuditProblem, keyed_hash, verify_all
from aap.workflow.models import AuditRecord

log = logging.getLogger(__name__)
#: a new checkpoint is written when the last one is this old and records were added since
EVERY = timedelta(days=1)
_LOCK = "aap:audit-checkpoint-lock"


@dataclass(frozen=True)
class Checkpoint:
    number: int
    #: when it was taken, ISO 8601 in UTC
    at: str
    dossiers: int
    records: int
    #: sha256 of each counted chain's dossier id, length and head, in dossier order
    digest: str
    #: signature of the checkpoint before it, so that a line removed from the file shows
    previous: str
    signature: str = ""

    def _fields(self) -> dict:
        return {key: value for key, value in asdict(self).items() if key != "signature"}

    def signed(self) -> "Checkpoint":
        return replace(self, signature=keyed_hash(self._fields()))

    def is_valid(self) -> bool:
        return hmac.compare_digest(keyed_hash(self._fields()), self.signature)

    def line(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @property
    def taken_at(self) -> datetime:
        return datetime.fromisoformat(self.at)


class Coverage:
    """The chains as checkpoint `number` counted them: each dossier's records marked with it or an earlier one."""

    def __init__(self, number: int):
        self.number, self.dossiers, self.records = number, 0, 0
        #: the highest checkpoint number found on a record, which the file must hold
        self.latest = 0
        self._digest = sha256()

    def add(self, dossier_id: int, records: list[AuditRecord]) -> None:
        marked = [record.checkpoint for record in records if record.checkpoint is not None]
        self.latest = max([self.latest, *marked])
        counted = [record for record in records if record.checkpoint is not None and record.checkpoint <= self.number]
        if counted:
            self.add_chain(dossier_id, len(counted), counted[-1].hash)

    def add_chain(self, dossier_id: int, count: int, head: str) -> None:
        self.dossiers, self.records = self.dossiers + 1, self.records + count
        self._digest.update(f"{dossier_id}:{count}:{head}\n".encode())

    @property
    def digest(self) -> str:
        return self._digest.hexdigest()


def checkpoint_file() -> Path:
    return Path(current_app.config["AUDIT_CHECKPOINT_FILE"])


def _problem(message: str) -> AuditProblem:
    return AuditProblem(None, None, f"points de contrôle : {message}")


def read(path: Path) -> tuple[list[Checkpoint], list[AuditProblem]]:
    """The valid checkpoints of the file, in order, and what is wrong with the file itself."""
    if not path.exists():
        return [], []
    checkpoints, problems = [], []
    for line_number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not text.strip():
            continue
        try:
            checkpoint = Checkpoint(**json.loads(text))
            valid = checkpoint.is_valid()
        except (ValueError, TypeError, AttributeError):
            valid = False
        if not valid:
            problems.append(_problem(f"ligne {line_number} de {path} modifiée (signature invalide)"))
            continue
        if checkpoints and checkpoint.number != checkpoints[-1].number + 1:
            problems.append(_problem(f"le n° {checkpoint.number} suit le n° {checkpoints[-1].number} dans {path} "
                                     "(points de contrôle retirés du fichier)"))
        elif checkpoint.previous != (checkpoints[-1].signature if checkpoints else GENESIS):
            problems.append(_problem(f"le n° {checkpoint.number} ne suit pas la ligne qui le précède dans {path} "
                                     "(ligne retirée, ajoutée ou déplacée)"))
        checkpoints.append(checkpoint)
    return checkpoints, problems


def _chains():
    """Each dossier's counted records: their number and the hash of the last one."""
    counted = (db.select(AuditRecord.dossier_id, func.count().label("count"),
                         func.max(AuditRecord.sequence).label("last"))
               .where(AuditRecord.checkpoint.is_not(None)).group_by(AuditRecord.dossier_id).subquery())
    return (db.select(counted.c.dossier_id, counted.c.count, AuditRecord.hash)
            .join(AuditRecord, and_(AuditRecord.dossier_id == counted.c.dossier_id,
                                    AuditRecord.sequence == counted.c.last))
            .order_by(counted.c.dossier_id))


def take(now: datetime | None = None, path: Path | None = None) -> Checkpoint:
    """Count every record not yet counted under a new number, append the signed line; the caller commits."""
    path, now = path or checkpoint_file(), now or utcnow()
    checkpoints, _problems = read(path)
    last = checkpoints[-1] if checkpoints else None
    in_database = db.session.execute(db.select(func.max(AuditRecord.checkpoint))).scalar() or 0
    number = max(last.number if last else 0, in_database) + 1
    db.session.execute(update(AuditRecord).where(AuditRecord.checkpoint.is_(None)).values(checkpoint=number)
                       .execution_options(synchronize_session=False))
    coverage = Coverage(number)
    for dossier_id, count, head in db.session.execute(_chains()):
        coverage.add_chain(dossier_id, count, head)
    checkpoint = Checkpoint(number, now.isoformat(timespec="seconds"), coverage.dossiers, coverage.records,
                            coverage.digest, last.signature if last else GENESIS).signed()
    _append(path, checkpoint.line())
    _mail_administrators(checkpoint)
    return checkpoint


def _mail_administrators(checkpoint: Checkpoint) -> None:
    """A copy of the line in each administrator's mailbox, which whoever holds the server cannot take back."""
    administrators = db.session.execute(
        db.select(User).join(RoleGrant).where(User.active.is_(True), RoleGrant.role == "admin",
                                              RoleGrant.call_id.is_(None)).distinct().order_by(User.id)).scalars()
    for administrator in administrators:
        queue_mail(administrator.email, "audit_checkpoint", user=administrator,
                   key=f"audit-checkpoint:{checkpoint.signature[:32]}:{administrator.id}",
                   number=checkpoint.number, taken_at=checkpoint.taken_at, dossiers=checkpoint.dossiers,
                   records=checkpoint.records, line=checkpoint.line())


def _append(path: Path, line: str) -> None:
    """Append and sync: the line must be on disk before the database says it exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, (line + "\n").encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def take_if_due(now: datetime | None = None) -> int:
    """Sweep of the periodic tick: a checkpoint (1) when the last one is a day old and records were added since."""
    now = now or utcnow()
    try:
        if not get_redis().set(_LOCK, "1", nx=True, ex=600):
            return 0  # another worker's tick is at it
    except redis.RedisError:
        return 0  # the next tick tries again
    try:
        checkpoints, _problems = read(checkpoint_file())  # read under the lock: a tick just before may have written
        if checkpoints and now - checkpoints[-1].taken_at < EVERY:
            return 0
        uncounted = db.select(AuditRecord.id).where(AuditRecord.checkpoint.is_(None)).limit(1)
        if db.session.execute(uncounted).first() is None:
            return 0
        checkpoint = take(now)
        db.session.commit()
    finally:
        with contextlib.suppress(redis.RedisError):
            get_redis().delete(_LOCK)
    log.info("audit checkpoint %s written: %s dossiers, %s records", checkpoint.number, checkpoint.dossiers,
             checkpoint.records)
    return 1


def compare(last: Checkpoint | None, coverage: Coverage, path: Path) -> list[AuditProblem]:
    """What the database lost (or gained) since the last checkpoint."""
    problems = []
    if coverage.latest > (last.number if last else 0):
        problems.append(_problem(f"la base mentionne le n° {coverage.latest}, absent de {path}"))
    if last is None:
        return problems
    when = last.taken_at.strftime("%d/%m/%Y %H:%M UTC")
    if (coverage.dossiers, coverage.records) != (last.dossiers, last.records):
        problems.append(_problem(f"le n° {last.number} du {when} comptait {last.dossiers} dossier(s) et "
                                 f"{last.records} enregistrement(s) ; la base en montre {coverage.dossiers} et "
                                 f"{coverage.records} pour la même période (dossiers ou enregistrements supprimés)"))
    elif coverage.digest != last.digest:
        problems.append(_problem(f"les fins de chaîne ne sont plus celles du n° {last.number} du {when} "
                                 "(enregistrements remplacés)"))
    return problems


def verify(path: Path | None = None, batch_size: int = 500):
    """Every chain, then the database against the last valid checkpoint: (dossiers checked, problems, checkpoint)."""
    path = path or checkpoint_file()
    checkpoints, problems = read(path)
    last = checkpoints[-1] if checkpoints else None
    coverage = Coverage(last.number if last else 0)
    checked, chain_problems = verify_all(batch_size, coverage=coverage)
    return checked, problems + chain_problems + compare(last, coverage, path), last
