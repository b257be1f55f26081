"""Each shipped workflow, from the first state to a final one, with the mails it sends."""
from io import BytesIO

from aap.core.storage import storage
from aap.extensions import db
from aap.workflow import engine
from tests import factories
from tests.workflow.test_engine import PDF


def run(dossier, steps):
    """Apply each step; one that follows a domain's event (`when:`) is applied as that event applies it."""
    for name, actor, data in steps:
        event = engine.workflow_of(dossier).transitions[name].when
        engine.apply_transition(dossier.id, name, actor, data, event=event)
        db.session.commit()
    return dossier


def pdf():
    return storage().save(BytesIO(PDF), "piece.pdf")


def test_plaine_commune_from_draft_to_balance(world, worker, mailbox):
    w = world
    dossier = factories.make_dossier(w.call, w.organisation, w.holder)
    run(dossier, [
        ("submit", w.holder, {}),
        ("request_info", w.instructor, {"comment": "Merci de préciser le budget."}),
        ("resubmit", w.holder, {}),
        ("declare_eligible", w.instructor, {}),
        ("schedule_committee", w.instructor, {}),
        ("record_opinion", w.committee, {"comment": "Favorable."}),
        ("postpone", w.admin, {"comment": "À revoir en mars."}),
        ("reschedule", w.instructor, {}),
        ("record_opinion", w.committee, {"comment": "Favorable."}),
        ("grant", w.admin, {"amount": "15000"}),
        ("sign_agreement", w.admin, {"file": pdf()}),
        ("pay_advance", w.admin, {"amount": "9000"}),
        ("submit_report", w.holder, {"file": pdf()}),
        ("request_report_changes", w.instructor, {"comment": "Il manque les factures."}),
        ("submit_report", w.holder, {"file": pdf()}),
        ("accept_report", w.instructor, {}),
        ("pay_balance", w.admin, {"amount": "6000"}),
    ])
    assert dossier.state == "closed" and dossier.audit_count == 18
    assert engine.available(dossier, w.admin) == [] and engine.available(dossier, w.holder) == []
    worker.drain()
    subjects = [m["Subject"] for m in mailbox.to("porteur@example.org")]
    # a subject never carries what a holder typed: the dossier is named by its number
    assert subjects[0] == f"Accusé de réception AAP-2026-0001 : votre dossier n° {dossier.id} est déposé"
    assert f"Compléments demandés pour votre dossier n° {dossier.id}" in subjects
    assert f"Votre dossier n° {dossier.id} : Soldé" in subjects


def test_plaine_commune_refusal_and_ineligibility(world):
    w = world
    refused = run(factories.make_dossier(w.call, w.organisation, w.holder), [
        ("submit", w.holder, {}), ("declare_eligible", w.instructor, {}), ("schedule_committee", w.instructor, {}),
        ("record_opinion", w.committee, {"comment": "Défavorable."}), ("refuse", w.admin, {"comment": "Hors cible."})])
    ineligible = run(factories.make_dossier(w.call, w.organisation, w.holder), [
        ("submit", w.holder, {}), ("declare_ineligible", w.instructor, {"comment": "Structure hors territoire."})])
    assert (refused.state, ineligible.state) == ("refused", "ineligible")


def test_two_stage_call_from_preapplication_to_grant(world_for):
    w = world_for("deux-temps")
    dossier = run(factories.make_dossier(w.call, w.organisation, w.holder), [
        ("submit_preapplication", w.holder, {}),
        ("invite_full_application", w.instructor, {}),
        ("submit_full_application", w.holder, {}),
        ("request_info", w.instructor, {"comment": "Précisez le calendrier."}),
        ("resubmit", w.holder, {}),
        ("start_review", w.instructor, {}),
        ("grant", w.committee, {"amount": "8000"}),
    ])
    assert dossier.state == "granted"
    declined = run(factories.make_dossier(w.call, w.organisation, w.holder), [
        ("submit_preapplication", w.holder, {}), ("decline_preapplication", w.instructor, {"comment": "Hors cible."})])
    assert declined.state == "not_invited"


def test_joint_instruction_each_funder_decides_its_share(world_for, worker, mailbox):
    w = world_for("instruction-conjointe")
    first, second = w.funders
    dossier = run(factories.make_dossier(w.call, w.organisation, w.holder), [
        ("submit", w.holder, {}),
        ("declare_eligible", w.instructor, {}),
        ("present_to_committee", w.instructor, {}),
        ("open_funder_decisions", w.committee, {"comment": "Avis favorable du comité technique."}),
        ("record_funder_decision", first, {"amount": "10000", "comment": "Région : accord."}),
    ])
    [close] = [o for o in engine.available(dossier, w.instructor) if o.transition.name == "close_decisions"]
    assert close.reasons == [f"Décision encore attendue de : {second.display_name}."]
    [again] = [o for o in engine.available(dossier, first) if o.transition.name == "record_funder_decision"]
    assert again.reasons == ["Vous avez déjà enregistré la décision de votre financeur pour ce dossier."]
    run(dossier, [("record_funder_decision", second, {"amount": "5000", "comment": "Département : accord."}),
                  ("close_decisions", w.instructor, {})])
    assert dossier.state == "decided"
    worker.drain()
    assert mailbox.to("financeur1@example.org") and mailbox.to("financeur2@example.org")


def test_a_funder_of_another_call_cannot_decide(world_for):
    w = world_for("instruction-conjointe")
    stranger = factories.make_user(roles=("funder",), call=factories.make_open_call("instruction-conjointe"), totp=True)
    dossier = run(factories.make_dossier(w.call, w.organisation, w.holder), [
        ("submit", w.holder, {}), ("declare_eligible", w.instructor, {}), ("present_to_committee", w.instructor, {}),
        ("open_funder_decisions", w.committee, {"comment": "ok"})])
    assert [o.transition.name for o in engine.available(dossier, stranger)] == []
