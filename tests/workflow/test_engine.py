from datetime import timedelta
from io import BytesIO

import pytest

from aap.core.models import utcnow
from aap.core.storage import storage
from aap.extensions import db
from aap.workflow import engine
from aap.workflow.models import AuditRecord
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def records(dossier):
    return db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id == dossier.id)
                              .order_by(AuditRecord.sequence)).scalars().all()


def refused(code, *args, **kwargs) -> engine.TransitionRefused:
    with pytest.raises(engine.TransitionRefused) as raised:
        engine.apply_transition(*args, **kwargs)
    db.session.rollback()
    assert raised.value.code == code, raised.value.message
    return raised.value


def test_holder_sees_submit_and_withdraw_on_a_draft(world):
    dossier = factories.make_dossier(world.call, world.organisation, world.holder)
    options = {o.transition.name: o for o in engine.available(dossier, world.holder)}
    assert set(options) == {"submit", "withdraw"} and options["submit"].allowed
    assert engine.available(dossier, world.instructor) == []
    assert engine.available(dossier, world.other_holder) == []


def test_a_blocked_transition_says_why(world):
    dossier = factories.make_dossier(world.call, world.organisation, world.holder, complete=False)
    [submit] = [o for o in engine.available(dossier, world.holder) if o.transition.name == "submit"]
    assert submit.reasons == ["Le dossier est incomplet : titre du projet, description du projet, "
                              "montant demandé manquants."]
    error = refused("guard", dossier.id, "submit", world.holder)
    assert "Le dossier est incomplet" in error.message
    assert db.session.get(type(dossier), dossier.id).state == "draft"


def test_submission_after_the_deadline_is_refused(world):
    world.call.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    dossier = factories.make_dossier(world.call, world.organisation, world.holder)
    error = refused("guard", dossier.id, "submit", world.holder)
    assert error.message == "L'appel à projets est clos : la date limite de dépôt est passée."


def test_submit_changes_state_records_audit_and_writes_notifications(world, worker, mailbox):
    dossier = factories.make_dossier(world.call, world.organisation, world.holder)
    record = engine.apply_transition(dossier.id, "submit", world.holder)
    db.session.commit()
    assert dossier.state == "submitted" and record.sequence == 2
    assert [(r.transition, r.from_state, r.to_state) for r in records(dossier)] == [
        ("create", None, "draft"), ("submit", "draft", "submitted")]
    worker.drain()
    assert mailbox.to("porteur@example.org")[0]["Subject"] == \
        f"Accusé de réception AAP-2026-0001 : votre dossier n° {dossier.id} est déposé"
    assert mailbox.to("instructeur@example.org")[0]["Subject"] == f"Dossier à instruire : n° {dossier.id}"


def test_unknown_transition_wrong_role_and_wrong_state_are_refused(world):
    dossier = factories.make_dossier(world.call, world.organisation, world.holder)
    assert refused("unknown", dossier.id, "teleport", world.holder).message == \
        "Cette action n'existe pas pour ce dossier."
    assert refused("forbidden", dossier.id, "submit", world.instructor).message == \
        "Votre rôle ne permet pas « Déposer le dossier »."
    assert refused("forbidden", dossier.id, "submit", world.other_holder).code == "forbidden"
    assert refused("wrong_state", dossier.id, "declare_eligible", world.instructor).message == \
        "« Déclarer recevable » n'est pas possible quand le dossier est à l'état « Brouillon »."
    assert len(records(dossier)) == 1


def test_required_comment_and_amount(buttons_world):
    world = buttons_world
    dossier = factories.make_dossier(world.call, world.organisation, world.holder)
    engine.apply_transition(dossier.id, "submit", world.holder)
    db.session.commit()
    assert refused("missing", dossier.id, "request_info", world.instructor, {"comment": "   "}).field == "comment"
    engine.apply_transition(dossier.id, "declare_eligible", world.instructor)
    engine.apply_transition(dossier.id, "schedule_committee", world.instructor)
    engine.apply_transition(dossier.id, "record_opinion", world.committee, {"comment": "Avis favorable."})
    db.session.commit()
    assert refused("missing", dossier.id, "grant", world.admin, {}).message == \
        "Un montant est obligatoire pour cette action."
    for bad in ("douze mille", "-5", "0", "12,345", "1e9", "NaN"):
        assert refused("invalid", dossier.id, "grant", world.admin, {"amount": bad}).field == "amount"
    record = engine.apply_transition(dossier.id, "grant", world.admin, {"amount": "12 000,50 €"})
    db.session.commit()
    assert record.payload == {"amount": "12000.50"} and dossier.state == "granted"


def test_required_file_is_stored_with_its_checksum(buttons_world, app):
    world = buttons_world
    dossier = factories.make_dossier(world.call, world.organisation, world.holder)
    for name, data in (("submit", None), ("declare_eligible", None), ("schedule_committee", None)):
        engine.apply_transition(dossier.id, name, world.holder if name == "submit" else world.instructor, data)
    engine.apply_transition(dossier.id, "record_opinion", world.committee, {"comment": "ok"})
    engine.apply_transition(dossier.id, "grant", world.admin, {"amount": "5000"})
    db.session.commit()
    assert refused("missing", dossier.id, "sign_agreement", world.admin, {}).field == "file"
    stored = storage().save(BytesIO(PDF), "convention signée.pdf")
    record = engine.apply_transition(dossier.id, "sign_agreement", world.admin, {"file": stored})
    db.session.commit()
    assert record.payload["file"]["name"] == "convention signée.pdf"
    assert record.payload["file"]["content_type"] == "application/pdf" and len(record.payload["file"]["sha256"]) == 64


def test_a_stale_form_is_refused_and_a_replay_is_told_it_is_done(world):
    dossier = factories.make_dossier(world.call, world.organisation, world.holder)
    seen_version = dossier.lock_version
    engine.apply_transition(dossier.id, "submit", world.holder, expected_version=seen_version)
    db.session.commit()
    replay = refused("already_done", dossier.id, "submit", world.holder, expected_version=seen_version)
    assert "« Déposer le dossier » a déjà été fait le" in replay.message and "rien n'a été refait" in replay.message
    stale = refused("stale", dossier.id, "withdraw", world.holder, expected_version=seen_version)
    assert stale.message.startswith("Le dossier a changé depuis l'ouverture de cette page.")
    assert dossier.state == "submitted" and len(records(dossier)) == 2


def test_a_second_attempt_without_a_version_is_also_told_it_is_done(world):
    dossier = factories.make_dossier(world.call, world.organisation, world.holder)
    engine.apply_transition(dossier.id, "submit", world.holder)
    db.session.commit()
    assert refused("already_done", dossier.id, "submit", world.holder).code == "already_done"


def test_withdraw_works_from_any_non_final_state_but_not_from_a_final_one(world):
    dossier = factories.make_dossier(world.call, world.organisation, world.holder)
    engine.apply_transition(dossier.id, "submit", world.holder)
    engine.apply_transition(dossier.id, "withdraw", world.holder)
    db.session.commit()
    assert dossier.state == "withdrawn"
    assert engine.available(dossier, world.holder) == []
    assert refused("already_done", dossier.id, "withdraw", world.holder).code == "already_done"


def test_reviewers_and_committee_only_act_on_their_own_call(world):
    other_call = factories.make_open_call(title="Autre appel")
    outsider = factories.make_user(roles=("committee",), call=other_call, totp=True)
    dossier = factories.make_dossier(world.call, world.organisation, world.holder)
    for name, actor in (("submit", world.holder), ("declare_eligible", world.instructor),
                        ("schedule_committee", world.instructor)):
        engine.apply_transition(dossier.id, name, actor)
    db.session.commit()
    assert refused("forbidden", dossier.id, "record_opinion", outsider, {"comment": "x"}).code == "forbidden"
    assert [o.transition.name for o in engine.available(dossier, world.committee)] == ["record_opinion"]


def test_internal_steps_are_hidden_from_the_holder_timeline(world, client):
    dossier = factories.make_dossier(world.call, world.organisation, world.holder)
    for name, actor, data in (("submit", world.holder, {}), ("declare_eligible", world.instructor, {}),
                              ("schedule_committee", world.instructor, {}),
                              ("record_opinion", world.committee, {"comment": "Projet fragile, à suivre."})):
        engine.apply_transition(dossier.id, name, actor, data)
    db.session.commit()
    client.login(world.holder)
    holder_history = history_of(client.get(f"/dossiers/{dossier.id}").page)
    assert "Inscrire au comité de projets" in holder_history
    assert "Enregistrer l'avis du comité" not in holder_history and "Projet fragile" not in holder_history
    client.login(world.instructor)
    staff_history = history_of(client.get(f"/dossiers/{dossier.id}").page)
    assert "Enregistrer l'avis du comité" in staff_history and "Projet fragile, à suivre." in staff_history


def history_of(page: str) -> str:
    return page.split('id="timeline-title"')[1].split('id="cycle-title"')[0]
