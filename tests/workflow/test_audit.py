import hashlib
import json
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import text

from aap.core.models import utcnow
from aap.dossiers.receipts import Receipt
from aap.extensions import db
from aap.mail.models import Mail
from aap.workflow import checkpoints, engine
from aap.workflow.audit import record_content, verify_all
from aap.workflow.models import AuditRecord
from tests import factories


@pytest.fixture(autouse=True)
def checkpoint_file(app, tmp_path, monkeypatch):
    """Each test keeps its own checkpoint file, as each has its own (rolled back) data."""
    path = tmp_path / "audit-checkpoints.log"
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_FILE", str(path))
    return path


def submitted_dossier(world):
    dossier = factories.make_dossier(world.call, world.organisation, world.holder)
    engine.apply_transition(dossier.id, "submit", world.holder)
    engine.apply_transition(dossier.id, "request_info", world.instructor, {"comment": "Il manque le budget."})
    db.session.commit()
    return dossier


def verify(app, *arguments):
    return app.test_cli_runner().invoke(args=["aap", "audit", "verify", *arguments])


def record(dossier, sequence):
    return db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id == dossier.id,
                                                           AuditRecord.sequence == sequence)).scalar_one()


def tamper(sql: str, **values) -> None:
    """What someone with write access to the database would do: plain SQL, committed."""
    db.session.execute(text(sql), values)
    db.session.commit()
    db.session.expire_all()


def test_records_are_chained(world):
    dossier = submitted_dossier(world)
    first, second, third = (record(dossier, n) for n in (1, 2, 3))
    assert first.previous_hash == "0" * 64
    assert second.previous_hash == first.hash and third.previous_hash == second.hash
    assert dossier.audit_count == 3 and dossier.audit_head == third.hash
    assert (third.actor_label, third.comment) == ("instructeur@example.org", "Il manque le budget.")


def test_verify_passes_on_an_untouched_trail(app, world):
    submitted_dossier(world)
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert verify_all() == (1, [])


def test_verify_names_a_tampered_record(app, world):
    dossier = submitted_dossier(world)
    db.session.execute(db.update(AuditRecord).where(AuditRecord.id == record(dossier, 3).id)
                       .values(comment="Dossier parfait."))
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert f"dossier {dossier.id}, enregistrement 3 : modifié après coup" in result.output


def test_verify_names_a_removed_record_in_the_middle(app, world):
    dossier = submitted_dossier(world)
    db.session.execute(db.delete(AuditRecord).where(AuditRecord.id == record(dossier, 2).id))
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1 and f"dossier {dossier.id}, enregistrement 2 : manquant (supprimé)" in result.output


def test_verify_names_a_removed_last_record(app, world):
    dossier = submitted_dossier(world)
    db.session.execute(db.delete(AuditRecord).where(AuditRecord.id == record(dossier, 3).id))
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1 and f"dossier {dossier.id}, enregistrement 3 : manquant" in result.output


def test_verify_names_a_state_changed_without_a_record(app, world):
    dossier = submitted_dossier(world)
    tamper("UPDATE dossiers SET state = 'granted' WHERE id = :id", id=dossier.id)
    result = verify(app)
    assert result.exit_code == 1
    assert (f"dossier {dossier.id}, enregistrement 3 : le dossier est à l'état « granted » mais son dernier "
            f"enregistrement le met à l'état « info_requested »") in result.output


def test_verify_names_a_last_record_removed_with_the_count_head_and_state_rolled_back(app, world):
    dossier = submitted_dossier(world)
    second = record(dossier, 2)
    checkpoints.take()
    db.session.commit()
    tamper("DELETE FROM audit_records WHERE dossier_id = :id AND sequence = 3", id=dossier.id)
    tamper("UPDATE dossiers SET audit_count = 2, audit_head = :head, state = 'submitted', timeout_at = NULL "
           "WHERE id = :id", head=second.hash, id=dossier.id)
    assert verify_all()[1] == []  # the chain left is whole: only the checkpoint knows it was longer
    result = verify(app)
    assert result.exit_code == 1
    assert "le n° 1 du" in result.output
    assert ("comptait 1 dossier(s) et 3 enregistrement(s) ; la base en montre 1 et 2 pour la même période"
            in result.output)


def test_verify_names_a_dossier_whose_records_were_all_deleted(app, world):
    dossier = submitted_dossier(world)
    checkpoints.take()
    db.session.commit()
    tamper("DELETE FROM audit_records WHERE dossier_id = :id", id=dossier.id)
    tamper("UPDATE dossiers SET audit_count = 0, audit_head = '' WHERE id = :id", id=dossier.id)
    result = verify(app)
    assert result.exit_code == 1
    assert f"dossier {dossier.id}, enregistrement 1 : aucun enregistrement" in result.output
    assert "comptait 1 dossier(s) et 3 enregistrement(s) ; la base en montre 0 et 0" in result.output


def test_verify_names_a_deleted_dossier(app, world):
    submitted_dossier(world)
    deleted = submitted_dossier(world).id
    checkpoints.take()
    db.session.commit()
    tamper("DELETE FROM dossiers WHERE id = :id", id=deleted)
    assert db.session.execute(db.select(db.func.count()).select_from(AuditRecord)
                              .where(AuditRecord.dossier_id == deleted)).scalar() == 0
    assert verify_all() == (1, [])  # what is left is consistent: only the checkpoint shows the loss
    result = verify(app)
    assert result.exit_code == 1
    assert "comptait 2 dossier(s) et 6 enregistrement(s) ; la base en montre 1 et 3" in result.output


def _receipt(dossier) -> Receipt:
    return db.session.execute(db.select(Receipt).where(Receipt.dossier_id == dossier.id)).scalar_one()


def _sha256(content) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def test_the_issuing_record_seals_the_receipt(world):
    dossier = submitted_dossier(world)
    receipt = _receipt(dossier)
    assert record(dossier, receipt.sequence).payload["receipt"] == {"reference": receipt.reference,
                                                                    "checksum": receipt.checksum}


@pytest.mark.parametrize("change, message", [
    ("content recomputed", "ne correspond pas au journal (modifié)"),
    ("content only", "le contenu de l'accusé de réception {reference} a été modifié"),
    ("reference", "ne correspond pas au journal (modifié)"),
    ("issued_at", "ne correspond pas au journal (modifié)"),
    ("deleted", "l'accusé de réception de cet enregistrement a été supprimé"),
])
def test_verify_names_an_altered_receipt(app, world, change, message):
    dossier = submitted_dossier(world)
    receipt = _receipt(dossier)
    reference, sequence, content = receipt.reference, receipt.sequence, dict(receipt.content)
    forged = {**content, "requested_amount": "95000.00"}
    if change == "content recomputed":
        tamper("UPDATE receipts SET content = :content, checksum = :checksum WHERE id = :id",
               content=json.dumps(forged), checksum=_sha256(forged), id=receipt.id)
    elif change == "content only":
        tamper("UPDATE receipts SET content = :content WHERE id = :id", content=json.dumps(forged), id=receipt.id)
    elif change == "reference":
        tamper("UPDATE receipts SET reference = 'AAP-2021-9999' WHERE id = :id", id=receipt.id)
    elif change == "issued_at":
        tamper("UPDATE receipts SET issued_at = :at WHERE id = :id", at=receipt.issued_at - timedelta(days=2),
               id=receipt.id)
    else:
        tamper("DELETE FROM receipts WHERE id = :id", id=receipt.id)
    result = verify(app)
    assert result.exit_code == 1
    prefix = f"dossier {dossier.id}, enregistrement {sequence} : "
    assert [line for line in result.output.splitlines()
            if line.startswith(prefix) and message.format(reference=reference) in line], result.output


def test_verify_names_a_comment_changed_and_its_chain_recomputed_with_plain_sha256(app, world):
    dossier = submitted_dossier(world)
    last = record(dossier, 3)
    last.comment = "Dossier parfait."
    forged = hashlib.sha256(json.dumps(record_content(last), sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    db.session.rollback()
    tamper("UPDATE audit_records SET comment = 'Dossier parfait.', hash = :hash WHERE id = :id", hash=forged,
           id=last.id)
    tamper("UPDATE dossiers SET audit_head = :hash WHERE id = :id", hash=forged, id=dossier.id)
    result = verify(app)
    assert result.exit_code == 1
    assert f"dossier {dossier.id}, enregistrement 3 : modifié après coup (empreinte invalide)" in result.output


def test_a_key_other_than_audit_key_does_not_verify(app, world, monkeypatch):
    submitted_dossier(world)
    monkeypatch.setitem(app.config, "AUDIT_KEY", "another-key-that-an-intruder-would-have-to-guess")
    assert len(verify_all()[1]) == 3


def test_a_checkpoint_is_a_signed_line_chained_to_the_one_before_and_mailed_to_the_admins(app, world,
                                                                                      checkpoint_file):
    submitted_dossier(world)
    first = checkpoints.take()
    db.session.commit()
    submitted_dossier(world)
    second = checkpoints.take()
    db.session.commit()
    lines = checkpoint_file.read_text().splitlines()
    assert [json.loads(line)["number"] for line in lines] == [1, 2]
    assert (first.dossiers, first.records, second.dossiers, second.records) == (1, 3, 2, 6)
    assert second.previous == first.signature and checkpoints.read(checkpoint_file) == ([first, second], [])
    assert checkpoint_file.stat().st_mode & 0o777 == 0o600
    mails = db.session.execute(db.select(Mail).where(Mail.template == "audit_checkpoint")
                               .order_by(Mail.id)).scalars().all()
    assert [mail.to_address for mail in mails] == ["admin@example.org"] * 2
    assert mails[1].context["line"] == lines[1] and mails[1].context["records"] == 6


def test_verify_names_an_altered_or_truncated_checkpoint_file(app, world, checkpoint_file):
    submitted_dossier(world)
    checkpoints.take()
    db.session.commit()
    submitted_dossier(world)
    checkpoints.take()
    db.session.commit()
    first, second = checkpoint_file.read_text().splitlines()
    checkpoint_file.write_text(first.replace('"records": 3', '"records": 2') + "\n" + second + "\n")
    altered = verify(app)
    assert altered.exit_code == 1
    assert "ligne 1 de" in altered.output and "modifiée (signature invalide)" in altered.output
    checkpoint_file.write_text(first + "\n")
    truncated = verify(app)
    assert truncated.exit_code == 1 and "la base mentionne le n° 2, absent de" in truncated.output


def test_verify_can_compare_with_a_copy_of_the_file(app, world, checkpoint_file, tmp_path):
    dossier = submitted_dossier(world).id
    checkpoints.take()
    db.session.commit()
    copy = tmp_path / "copie.log"
    copy.write_text(checkpoint_file.read_text())
    checkpoint_file.unlink()  # the intruder removed the server's file as well
    tamper("DELETE FROM dossiers WHERE id = :id", id=dossier)
    result = verify(app, "--checkpoint-file", str(copy))
    assert result.exit_code == 1 and "la base en montre 0 et 0" in result.output


def test_the_periodic_tick_writes_a_checkpoint_once_a_day_when_records_were_added(app, world, checkpoint_file):
    from aap.core.periodic import periodic_tick

    submitted_dossier(world)
    periodic_tick()
    periodic_tick()
    assert len(checkpoint_file.read_text().splitlines()) == 1
    submitted_dossier(world)
    with time_machine.travel(utcnow() + timedelta(hours=23), tick=False):
        periodic_tick()
    assert len(checkpoint_file.read_text().splitlines()) == 1
    with time_machine.travel(utcnow() + timedelta(hours=25), tick=False):
        periodic_tick()
        periodic_tick()
    assert [json.loads(line)["records"] for line in checkpoint_file.read_text().splitlines()] == [3, 6]
    assert verify(app).exit_code == 0


def test_verify_reads_dossiers_in_batches(world, count_queries):
    for _ in range(5):
        submitted_dossier(world)
    with count_queries() as counted:
        checked, problems = verify_all(batch_size=2)
    assert (checked, problems) == (5, [])
    assert counted.n == 10  # three batches of dossiers, records and receipts, then the empty batch that ends the loop
