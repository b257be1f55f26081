"""Chains sealed with plain sha256 before AUDIT_KEY existed, carried through the real migration."""
import hashlib
import json

import flask_migrate
from sqlalchemy import text
from sqlalchemy.orm import defer

from aap.dossiers.receipts import Receipt
from aap.extensions import db
from aap.workflow import engine
from aap.workflow.audit import record_content, verify_all
from aap.workflow.models import AuditRecord
from tests import factories

BEFORE = "0010_login_sessions"


def _legacy_hash(record) -> str:
    """How records were sealed before: plain sha256 of the same content, which anyone can recompute."""
    return hashlib.sha256(json.dumps(record_content(record), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _records_without_checkpoint_column():
    return db.session.execute(db.select(AuditRecord).options(defer(AuditRecord.checkpoint))
                              .order_by(AuditRecord.dossier_id, AuditRecord.sequence)).scalars().all()


def _submitted_dossiers(count: int) -> list[int]:
    holder = factories.make_user(email="porteur@example.org")
    instructor = factories.make_user(roles=("instructor",), totp=True)
    call = factories.make_open_call()
    organisation = factories.make_organisation(members=[holder])
    ids = []
    for _ in range(count):
        dossier = factories.make_dossier(call, organisation, holder)
        engine.apply_transition(dossier.id, "submit", holder)
        engine.apply_transition(dossier.id, "request_info", instructor, {"comment": "Il manque le budget."})
        db.session.commit()
        ids.append(dossier.id)
    return ids


def test_legacy_chains_verify_after_the_upgrade_and_a_tampered_one_stays_named(own_database_app):
    with own_database_app.app_context():
        intact, tampered = _submitted_dossiers(2)
        db.session.close()  # as an upgrade runs while the app is stopped
        flask_migrate.downgrade(revision=BEFORE)
        legacy = _records_without_checkpoint_column()
        assert len(legacy) == 6 and all(record.hash == _legacy_hash(record) for record in legacy)
        assert not any("receipt" in record.payload for record in legacy)
        db.session.execute(text("UPDATE audit_records SET comment = 'Dossier parfait.' "
                                "WHERE dossier_id = :id AND sequence = 3"), {"id": tampered})
        db.session.commit()
        db.session.close()

        flask_migrate.upgrade()
        checked, problems = verify_all()
        assert checked == 2
        assert [str(problem) for problem in problems if problem.dossier_id == intact] == []
        assert f"dossier {tampered}, enregistrement 3 : modifié après coup (empreinte invalide)" in map(str, problems)
        receipt = db.session.execute(db.select(Receipt).where(Receipt.dossier_id == intact)).scalar_one()
        sealed = db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id == intact,
                                                                 AuditRecord.sequence == receipt.sequence)).scalar_one()
        assert sealed.payload["receipt"] == {"reference": receipt.reference, "checksum": receipt.checksum}
        assert sealed.hash != _legacy_hash(sealed)
