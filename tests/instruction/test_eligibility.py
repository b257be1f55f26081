"""The eligibility checklist: configured per call, ticked by the instructor, sealed in the decision, told to the holder."""
import pytest

from aap.calls.operations import DEFAULT_CHECKLIST
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.instruction.models import EligibilityTick
from aap.workflow import engine
from aap.workflow.audit import verify_dossier
from aap.workflow.models import AuditRecord
from tests import factories
from tests.instruction.helpers import ITEMS, act, submitted, tick, version_of


def ticks(dossier) -> dict:
    rows = db.session.execute(db.select(EligibilityTick).where(EligibilityTick.dossier_id == dossier.id)).scalars()
    return {row.item: row for row in rows}


def last_record(dossier) -> AuditRecord:
    return db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id == dossier.id)
                              .order_by(AuditRecord.sequence.desc()).limit(1)).scalar_one()


def test_a_new_call_offers_the_default_checklist_and_each_call_edits_its_own(client, login_as):
    login_as("admin")
    page = client.get("/admin/appels/nouveau").page
    assert all(item in page for item in DEFAULT_CHECKLIST) and "Points de recevabilité" in page
    call = factories.make_call(title="Appel 2027")
    form = {"title": "Appel 2027", "year": "2027", "workflow_name": "plaine-commune", "opens_on": "2027-01-10",
            "opens_time": "09:00", "closes_on": "2027-03-10", "closes_time": "12:00", "strands-0-name": "Création"}
    saved = client.post(f"/admin/appels/{call.id}/modifier",
                        data={**form, "eligibility_checklist": "Structure de l'ESS\n\n  Budget équilibré  \n"})
    assert saved.status_code == 302
    assert db.session.get(type(call), call.id).eligibility_checklist == ["Structure de l'ESS", "Budget équilibré"]
    assert "Structure de l'ESS\nBudget équilibré" in client.get(f"/admin/appels/{call.id}/modifier").page
    twice = client.post(f"/admin/appels/{call.id}/modifier", data={**form, "eligibility_checklist": "A\na"})
    assert twice.status_code == 400 and "Un point de recevabilité est écrit deux fois." in twice.page
    long = client.post(f"/admin/appels/{call.id}/modifier", data={**form, "eligibility_checklist": "x" * 201})
    assert long.status_code == 400 and "Un point de recevabilité dépasse 200 caractères." in long.page
    assert db.session.get(type(call), call.id).eligibility_checklist == ["Structure de l'ESS", "Budget équilibré"]


def test_the_instructor_ticks_points_and_the_page_says_who_and_when(client):
    w = submitted()
    client.login(w.instructor)
    page = client.get(f"/dossiers/{w.dossier.id}").page
    assert "Recevabilité" in page and all(item in page for item in ITEMS)
    response = tick(client, w.dossier, ITEMS[:2])
    assert response.status_code == 302 and response.location.endswith("#eligibility-title")
    saved = ticks(w.dossier)
    assert set(saved) == set(ITEMS[:2]) and all(t.ticked_by_id == w.instructor.id for t in saved.values())
    page = client.get(f"/dossiers/{w.dossier.id}").page
    assert "La recevabilité est enregistrée." in page and page.count("coché par Inès Tructrice le") == 2
    assert tick(client, w.dossier, ITEMS[:1]).status_code == 302  # unticking removes the point
    assert set(ticks(w.dossier)) == {ITEMS[0]}


def test_declaring_eligible_with_unticked_points_is_refused_and_names_them(client):
    w = submitted()
    client.login(w.instructor)
    tick(client, w.dossier, ITEMS[:1])
    refused = act(client, w.dossier, "declare_eligible")
    assert refused.status_code == 409
    assert ("2 points de recevabilité ne sont pas cochés : Le siège est sur le territoire ; Le budget est équilibré. "
            "Cochez-les une fois vérifiés, ou déclarez le dossier irrecevable.") in refused.page
    assert db.session.get(Dossier, w.dossier.id).state == "submitted"
    tick(client, w.dossier, ITEMS)
    assert act(client, w.dossier, "declare_eligible").status_code == 302
    dossier = db.session.get(Dossier, w.dossier.id)
    assert dossier.state == "in_review"
    sealed = last_record(dossier).payload["eligibility"]
    assert sealed["decision"] == "eligible" and [e["item"] for e in sealed["checklist"] if e["ticked"]] == ITEMS
    assert sealed["checklist"][0]["by"] == w.instructor.email
    assert verify_dossier(dossier, list(db.session.execute(db.select(AuditRecord).where(
        AuditRecord.dossier_id == dossier.id).order_by(AuditRecord.sequence)).scalars())) == []
    page = client.get(f"/dossiers/{dossier.id}").page
    assert "Vérifié :" in page and 'name="eligibility-ticked"' not in page  # read once decided


@pytest.mark.parametrize("workflow, steps, eligible", [
    ("plaine-commune", (("submit", None),), "declare_eligible"),
    ("instruction-conjointe", (("submit", None),), "declare_eligible"),
    ("deux-temps", (("submit_preapplication", None), ("invite_full_application", "instructor"),
                    ("submit_full_application", None)), "start_review"),
])
def test_every_shipped_workflow_guards_its_eligibility_decision(session, workflow, steps, eligible):
    w = submitted(workflow, steps=steps)
    with pytest.raises(engine.TransitionRefused, match="3 points de recevabilité ne sont pas cochés") as refusal:
        engine.apply_transition(w.dossier.id, eligible, w.instructor)
    assert refusal.value.code == "guard"
    ineligible = engine.apply_transition(w.dossier.id, "declare_ineligible", w.instructor, {"comment": "Hors objet."})
    assert ineligible.payload["reasons"] == ITEMS


def test_an_ineligibility_sends_its_reasons_to_the_holder(client, worker, mailbox):
    w = submitted()
    client.login(w.instructor)
    tick(client, w.dossier, [ITEMS[0], ITEMS[2]])
    response = act(client, w.dossier, "declare_ineligible", comment="Le siège est à Lyon, hors du territoire.")
    assert response.status_code == 302
    dossier = db.session.get(Dossier, w.dossier.id)
    record = last_record(dossier)
    assert dossier.state == "ineligible" and record.payload["reasons"] == [ITEMS[1]]
    assert record.payload["eligibility"]["decision"] == "ineligible"
    worker.drain()
    [mail] = [m for m in mailbox.to(w.holder.email) if "Décision" in m["Subject"]]
    text = mailbox.text(mail)
    assert "Conditions de recevabilité non remplies :\n- Le siège est sur le territoire" in text
    assert "Le siège est à Lyon, hors du territoire." in text
    client.login(w.holder)
    page = client.get(f"/dossiers/{dossier.id}").page
    reasons = page.split("Motifs de l'irrecevabilité")[1].split("</section>")[0]
    assert "Le siège est sur le territoire" in reasons and "Le siège est à Lyon" in reasons
    assert ITEMS[0] not in reasons and "coché par" not in page  # the holder reads the reasons, not who ticked
    history = page.split("Historique")[1]
    assert "Conditions de recevabilité non remplies :" in history and "Le siège est sur le territoire" in history


def test_an_ineligibility_without_reason_is_refused(client):
    w = submitted()
    client.login(w.instructor)
    no_comment = act(client, w.dossier, "declare_ineligible", comment="  ")
    assert no_comment.status_code == 400 and "Un commentaire est obligatoire pour cette action." in no_comment.page
    tick(client, w.dossier, ITEMS)
    all_met = act(client, w.dossier, "declare_ineligible", comment="Pas convaincu.")
    assert all_met.status_code == 409
    assert "Tous les points de recevabilité sont cochés : décochez ceux que le dossier ne remplit pas" in all_met.page
    assert "Pas convaincu." in all_met.page  # what was typed is given back
    assert db.session.get(Dossier, w.dossier.id).state == "submitted"


def test_points_are_not_ticked_on_a_draft_nor_on_a_decided_dossier(client):
    w = submitted(steps=())
    client.login(w.instructor)
    assert tick(client, w.dossier, ITEMS[:1]).status_code == 404  # a draft is its organisation's
    engine.apply_transition(w.dossier.id, "submit", w.holder)
    engine.apply_transition(w.dossier.id, "declare_ineligible", w.instructor, {"comment": "Hors territoire."})
    db.session.commit()
    final = tick(client, w.dossier, ITEMS[:1])
    assert final.status_code == 409
    assert "La recevabilité ne se coche plus : le dossier est à l'état « Irrecevable »." in final.page
    assert ticks(w.dossier) == {}


def test_only_the_instruction_team_ticks_someone_elses_dossier_is_not_found(client):
    w = submitted()
    for stranger in (factories.make_user(), w.holder, factories.make_user(roles=("reviewer",), call=w.dossier.call,
                                                                          totp=True)):
        client.login(stranger)
        assert tick(client, w.dossier, ITEMS[:1]).status_code == 404
        assert "Recevabilité" not in client.get(f"/dossiers/{w.dossier.id}").page
    committee = factories.make_user(roles=("committee",), call=w.dossier.call, totp=True)
    client.login(committee)
    refused = tick(client, w.dossier, ITEMS[:1])
    assert refused.status_code == 403
    assert "Votre rôle ne permet pas de vérifier la recevabilité de ce dossier." in refused.page
    assert 'name="eligibility-ticked"' not in client.get(f"/dossiers/{w.dossier.id}").page
    assert ticks(w.dossier) == {}


def test_the_same_form_sent_twice_ticks_once(client):
    w = submitted()
    client.login(w.instructor)
    version = version_of(w.dossier)
    assert tick(client, w.dossier, ITEMS[:2], version).status_code == 302
    first = {item: row.id for item, row in ticks(w.dossier).items()}
    again = tick(client, w.dossier, ITEMS[:2], version)
    assert again.status_code == 302
    assert "Ces coches étaient déjà enregistrées : rien n'a changé." in client.get(again.location).page
    assert {item: row.id for item, row in ticks(w.dossier).items()} == first


def test_a_stale_form_is_refused_and_gives_back_what_was_ticked(client):
    w = submitted()
    colleague = factories.make_user(roles=("instructor",), totp=True)
    stale = version_of(w.dossier)
    client.login(colleague)
    tick(client, w.dossier, [ITEMS[0]], stale)
    client.login(w.instructor)
    refused = tick(client, w.dossier, [ITEMS[2]], stale)
    assert refused.status_code == 409
    assert "Quelqu'un a modifié la recevabilité de ce dossier depuis que vous avez ouvert la page" in refused.page
    assert set(ticks(w.dossier)) == {ITEMS[0]}
    form = refused.text.split('id="eligibility-title"')[1].split("</form>")[0]
    assert 'checked id="eligibility-ticked-2"' in form and 'checked id="eligibility-ticked-0"' not in form
    resent = form.split('name="eligibility-version" type="hidden" value="')[1].split('"')[0]
    assert tick(client, w.dossier, [ITEMS[2]], resent).status_code == 302  # sent again on purpose, it applies
    assert set(ticks(w.dossier)) == {ITEMS[2]}


def test_a_point_the_call_does_not_list_is_refused(client):
    w = submitted()
    client.login(w.instructor)
    refused = tick(client, w.dossier, ["Point inventé"])
    assert refused.status_code == 400
    assert "Ce point ne fait pas partie de la liste de recevabilité de l'appel : Point inventé." in refused.page
    assert ticks(w.dossier) == {}
