from aap.extensions import db
from aap.workflow import engine
from aap.workflow.audit import verify_all
from aap.workflow.models import AuditRecord
from tests import factories


def submitted_dossier(world):
    dossier = factories.make_dossier(world.call, world.organisation, world.holder)
    engine.apply_transition(dossier.id, "submit", world.holder)
    engine.apply_transition(dossier.id, "request_info", world.instructor, {"comment": "Il manque le budget."})
    db.session.commit()
    return dossier


def verify(app):
    return app.test_cli_runner().invoke(args=["aap", "audit", "verify"])


def record(dossier, sequence):
    return db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id == dossier.id,
                                                           AuditRecord.sequence == sequence)).scalar_one()


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


def test_verify_reads_dossiers_in_batches(world, count_queries):
    for _ in range(5):
        submitted_dossier(world)
    with count_queries() as counted:
        checked, problems = verify_all(batch_size=2)
    assert (checked, problems) == (5, [])
    assert counted.n == 7  # three batches of dossiers and records, then the empty batch that ends the loop
