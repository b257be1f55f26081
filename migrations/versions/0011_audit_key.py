"""audit trail keyed by AUDIT_KEY, receipts sealed in it, records counted by signed checkpoints

Existing chains were sealed with plain sha256, which anyone who can write the tables can recompute. Each
dossier's chain is checked as it was, then sealed again with HMAC-SHA256 under AUDIT_KEY (and each receipt
that still matches its content is written into the record that issued it). A chain that no longer verifies
is left as it is, so that `aap audit verify` goes on naming it: re-sealing it would launder the tampering.
Marking records with their algorithm instead would let a forger mark a rewritten record as "old sha256".

Revision ID: 0011_audit_key
Revises: 0010_login_sessions
Create Date: 2026-11-23 09:00:00

"""
import hashlib
import hmac
import json
import logging
from datetime import timezone

import sqlalchemy as sa
from alembic import op
from flask import current_app

import aap.core.models


revision = '0011_audit_key'
down_revision = '0010_login_sessions'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
records = sa.table(
    "audit_records", sa.column("id", sa.Integer), sa.column("dossier_id", sa.Integer),
    sa.column("sequence", sa.Integer), sa.column("transition", sa.String), sa.column("from_state", sa.String),
    sa.column("to_state", sa.String), sa.column("actor_id", sa.Integer), sa.column("actor_label", sa.String),
    sa.column("at", aap.core.models.UTCDateTime()), sa.column("comment", sa.Text), sa.column("payload", sa.JSON),
    sa.column("holder_visible", sa.Boolean), sa.column("previous_hash", sa.String), sa.column("hash", sa.String))
dossiers = sa.table("dossiers", sa.column("id", sa.Integer), sa.column("audit_head", sa.String))
receipts = sa.table("receipts", sa.column("dossier_id", sa.Integer), sa.column("sequence", sa.Integer),
                    sa.column("reference", sa.String), sa.column("issued_at", aap.core.models.UTCDateTime()),
                    sa.column("checksum", sa.String), sa.column("content", sa.JSON))


def _canonical(row, payload, previous) -> bytes:
    """The record's content exactly as the app hashes it (frozen here: the migration must not drift)."""
    content = {
        "dossier": row.dossier_id, "sequence": row.sequence, "transition": row.transition, "from": row.from_state,
        "to": row.to_state, "actor": row.actor_id, "actor_label": row.actor_label,
        "at": row.at.astimezone(timezone.utc).isoformat(timespec="microseconds"), "comment": row.comment,
        "payload": payload, "holder_visible": bool(row.holder_visible), "previous": previous,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False).encode()


def _sha256(row, payload, previous) -> str:
    return hashlib.sha256(_canonical(row, payload, previous)).hexdigest()


def _keyed(row, payload, previous) -> str:
    return hmac.new(current_app.config["AUDIT_KEY"].encode(), _canonical(row, payload, previous),
                    hashlib.sha256).hexdigest()


def _intact(chain, seal) -> bool:
    previous = GENESIS
    for expected, row in enumerate(chain, 1):
        if row.sequence != expected or row.previous_hash != previous or seal(row, row.payload, previous) != row.hash:
            return False
        previous = row.hash
    return True


def _receipt_seals(connection, dossier_id, chain) -> dict:
    """Receipts whose content still gives their checksum, by the sequence of the record that issued them."""
    at = {row.sequence: row.at for row in chain}
    seals = {}
    for receipt in connection.execute(sa.select(receipts).where(receipts.c.dossier_id == dossier_id)):
        content_checksum = hashlib.sha256(json.dumps(receipt.content, sort_keys=True,
                                                     ensure_ascii=False).encode()).hexdigest()
        if content_checksum == receipt.checksum and at.get(receipt.sequence) == receipt.issued_at:
            seals[receipt.sequence] = {"reference": receipt.reference, "checksum": receipt.checksum}
    return seals


def _reseal(check, seal, payload_of) -> None:
    """Every chain that passes `check` is sealed again with `seal`, each record's payload given by `payload_of`."""
    connection = op.get_bind()
    left = []
    for (dossier_id,) in connection.execute(sa.select(dossiers.c.id).order_by(dossiers.c.id)).all():
        chain = connection.execute(sa.select(records).where(records.c.dossier_id == dossier_id)
                                   .order_by(records.c.sequence)).all()
        if not chain:
            continue
        if not _intact(chain, check):
            left.append(dossier_id)
            continue
        previous, seals = GENESIS, _receipt_seals(connection, dossier_id, chain)
        for row in chain:
            payload = payload_of(row, seals)
            digest = seal(row, payload, previous)
            connection.execute(records.update().where(records.c.id == row.id)
                               .values(payload=payload, previous_hash=previous, hash=digest))
            previous = digest
        connection.execute(dossiers.update().where(dossiers.c.id == dossier_id).values(audit_head=previous))
    if left:
        logging.getLogger("alembic.runtime.migration").warning(
            "Journal : chaîne(s) invalide(s) laissée(s) telle(s) quelle(s) pour les dossiers %s "
            "(aap audit verify les signale).", left)


def _with_receipt(row, seals) -> dict:
    payload = dict(row.payload or {})
    if row.sequence in seals:
        payload["receipt"] = seals[row.sequence]
    return payload


def _without_receipt(row, seals) -> dict:
    return {key: value for key, value in (row.payload or {}).items() if key != "receipt"}


def upgrade():
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checkpoint', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_records_checkpoint'), ['checkpoint'], unique=False)
    _reseal(_sha256, _keyed, _with_receipt)


def downgrade():
    _reseal(_keyed, _sha256, _without_receipt)
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_records_checkpoint'))
        batch_op.drop_column('checkpoint')
