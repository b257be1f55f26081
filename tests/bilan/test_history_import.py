"""Importing past editions writes the application's own rows: calls, structures, dossiers at their final state,
released decisions, agreements, paid tranches, accepted reports, one audit record each; whole or not at all."""
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from aap.bilan.figures import snapshot
from aap.bilan.history_marks import IMPORTED
from aap.bilan.models import HistoryImport
from aap.calls.models import Call
from aap.decisions.grant_models import ACCEPTED, Agreement, FinalReport, PaymentTranche
from aap.decisions.models import Decision
from aap.dossiers.models import Dossier
from aap.dossiers.receipts import ReferenceCounter, next_reference
from aap.extensions import db
from aap.organisations.models import Organisation
from aap.workflow.audit import verify_all
from aap.workflow.models import AuditRecord
from tests import factories
from tests.bilan.history_world import (
    NOW,
    SIRET_A,
    SIRET_B,
    SIRET_C,
    csv_bytes,
    messages,
    refused,
    row,
    run,
    xlsx_bytes,
)


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def dossier(reference: str) -> Dossier:
    return db.session.execute(select(Dossier).where(Dossier.reference == reference)).scalar_one()


def test_a_paid_grant_becomes_a_closed_dossier_with_its_decision_agreement_payments_and_report(app, session):
    admin = factories.make_user(roles=("admin",))
    imported = run(csv_bytes([row()]), user=admin)
    assert imported.problems == [] and imported.record is not None
    db.session.commit()
    call = db.session.execute(select(Call).where(Call.edition == 6)).scalar_one()
    assert (call.title, call.year, call.state, call.total_envelope) == ("AAP ESS test — 6e édition", 2012, "archived",
                                                                        Decimal("40000.00"))
    assert [strand.name for strand in call.strands] == ["Création"] and call.funders == ["Plaine Commune"]
    imported_dossier = dossier("HT-2012-001")
    assert imported_dossier.call_id == call.id and imported_dossier.workflow_version_id == call.workflow_version_id
    assert imported_dossier.state == "closed" and imported_dossier.eligible is True
    assert imported_dossier.strand.name == "Création" and imported_dossier.publication_consent is True
    assert (imported_dossier.requested_amount, imported_dossier.project_budget, imported_dossier.jobs_planned) == (
        Decimal("8000.00"), Decimal("24000.00"), Decimal("1.50"))
    assert imported_dossier.public_summary == "Un atelier où chacun répare son vélo."
    assert imported_dossier.submitted_at.date() == date(2012, 5, 12)
    organisation = imported_dossier.organisation
    assert (organisation.name, organisation.siret, organisation.rna, organisation.commune_insee,
            organisation.in_qpv, organisation.creation_date) == ("Atelier Vélo test", SIRET_A, "W931000123", "93066",
                                                                 True, date(2009, 1, 15))
    decision = db.session.execute(select(Decision).where(Decision.dossier_id == imported_dossier.id)).scalar_one()
    assert decision.funder_id is None and decision.released and not decision.superseded
    assert (decision.outcome, decision.instrument, decision.amount, decision.deliberation_reference,
            decision.deliberation_date) == ("granted", "grant", Decimal("6000.00"), "DEL-2012-114", date(2012, 9, 28))
    assert decision.decided_by_id == admin.id and decision.unspent == 0
    assert db.session.execute(select(Agreement.signed_on).where(Agreement.decision_id == decision.id)
                              ).scalar_one() == date(2012, 10, 15)
    tranches = db.session.execute(select(PaymentTranche).where(PaymentTranche.decision_id == decision.id)
                                  .order_by(PaymentTranche.position)).scalars().all()
    assert [(t.paid_on, t.amount, t.share_percent, t.cancelled) for t in tranches] == [
        (date(2012, 11, 12), Decimal("4200.00"), Decimal("70.00"), False),
        (date(2013, 11, 20), Decimal("1800.00"), Decimal("30.00"), False)]
    report = db.session.execute(select(FinalReport).where(FinalReport.dossier_id == imported_dossier.id)).scalar_one()
    assert report.state == ACCEPTED and report.content["indicators"]["jobs_fte"] == "2.00"
    record = db.session.execute(select(AuditRecord).where(AuditRecord.dossier_id == imported_dossier.id)).scalar_one()
    assert (record.transition, record.from_state, record.to_state, record.actor_id) == (IMPORTED, None, "closed",
                                                                                       admin.id)
    assert "historique.csv" in record.comment and "ligne 2" in record.comment and not record.holder_visible
    assert verify_all()[1] == []
    assert imported.record.created["dossiers"] == 1 and imported.record.imported_by_label == admin.email


def test_each_outcome_ends_in_the_workflow_state_that_says_it(app, session):
    rows = [row(reference="HT-1", montant_versement_2="", date_versement_2=""),  # partly paid
            row(reference="HT-2", date_convention="", date_versement_1="", montant_versement_1="",
                date_versement_2="", montant_versement_2="", emplois_crees=""),  # granted, nothing paid yet
            refused(reference="HT-3"), refused(reference="HT-4", decision="ajourné"),
            refused(reference="HT-5", decision="", recevable="non", deliberation_reference="",
                    deliberation_date=""),
            refused(reference="HT-6", decision="", recevable="", deliberation_reference="", deliberation_date="")]
    assert run(csv_bytes(rows)).problems == []
    states = {reference: dossier(reference).state for reference in ("HT-1", "HT-2", "HT-3", "HT-4", "HT-5", "HT-6")}
    assert states == {"HT-1": "report_accepted", "HT-2": "granted", "HT-3": "refused", "HT-4": "abandoned",
                      "HT-5": "ineligible", "HT-6": "withdrawn"}
    assert dossier("HT-5").eligible is False and dossier("HT-6").eligible is None and dossier("HT-3").eligible
    assert count(Decision) == 4 and verify_all()[1] == []
    call = dossier("HT-1").call
    assert snapshot(call, NOW)["call"]["in_progress"] is False  # a past edition awaits nothing


def test_a_structure_is_found_by_siret_then_by_rna_and_applies_again_in_later_editions(app, session):
    known = factories.make_organisation(name="Déjà là", siret=SIRET_B, rna=None)
    by_rna = factories.make_organisation(name="Connue par son RNA", siret=None, rna="W931000999")
    rows = [row(reference="R-1", siret=SIRET_B, rna=""),
            row(reference="R-2", siret="", rna="W931000999", structure="Autre nom"),
            row(reference="R-3", siret=SIRET_C, rna="", structure="Nouvelle"),
            row(reference="R-4", annee="2013", numero_edition="7", intitule_appel="AAP 7", volet="Développement",
                siret=SIRET_C, date_depot="10/05/2013", deliberation_date="01/10/2013", date_convention="",
                date_versement_1="02/12/2013", date_versement_2="03/12/2014")]
    before = count(Organisation)
    imported = run(csv_bytes(rows))
    assert imported.problems == []
    assert count(Organisation) == before + 1
    assert dossier("R-1").organisation_id == known.id and dossier("R-2").organisation_id == by_rna.id
    assert dossier("R-3").organisation_id == dossier("R-4").organisation_id
    assert db.session.get(Organisation, by_rna.id).name == "Connue par son RNA"  # a known structure is left as it is
    assert imported.record.created["organisations"] == 1 and imported.record.created["known_organisations"] == 2


def test_the_same_file_again_changes_nothing_and_says_so(app, session):
    data = csv_bytes([row(), refused(reference="HT-2012-002")])
    first = run(data)
    db.session.commit()
    counts = [count(model) for model in (Call, Organisation, Dossier, Decision, PaymentTranche, AuditRecord)]
    again = run(data)
    assert again.problems == [] and again.record is None and again.reading.earlier.id == first.record.id
    assert "déjà été importé" in again.message and "rien n'a changé" in again.message
    assert [count(model) for model in (Call, Organisation, Dossier, Decision, PaymentTranche, AuditRecord)] == counts
    assert count(HistoryImport) == 1


def test_a_new_file_repeating_imported_dossiers_adds_only_the_new_ones(app, session):
    run(csv_bytes([row()]))
    db.session.commit()
    same_rows = run(csv_bytes([row()], delimiter=","))  # other bytes, same dossier
    assert same_rows.record is None and "étaient déjà importés" in same_rows.message
    more = run(csv_bytes([row(), refused(reference="HT-2012-002", volet="Coopération")]))
    assert more.problems == [] and more.record.created["dossiers"] == 1 and more.record.created["unchanged"] == 1
    assert more.record.created["calls"] == 0
    call = db.session.execute(select(Call).where(Call.edition == 6)).scalar_one()
    assert [strand.name for strand in call.strands] == ["Création", "Coopération"]
    assert count(Call) == 1 and count(Dossier) == 2


def test_one_bad_row_imports_nothing(app, session):
    rows = [row(reference=f"OK-{n}") for n in range(1, 6)] + [row(reference="BAD", siret="12345678901234")]
    before = [count(model) for model in (Call, Organisation, Dossier, Decision, HistoryImport, AuditRecord)]
    imported = run(csv_bytes(rows))
    db.session.rollback()
    assert messages(imported.problems) == [
        "ligne 7, colonne siret (G) : Le SIRET 12345678901234 n'est pas valide (sa clé de contrôle est fausse) : "
        "vérifiez-le sur l'annuaire des entreprises."]
    assert [count(model) for model in (Call, Organisation, Dossier, Decision, HistoryImport, AuditRecord)] == before


def test_an_xlsx_file_with_numbers_and_dates_as_cells_imports_the_same(app, session):
    from aap.bilan.history_template import template_header

    header = template_header(1)
    values = row(annee=2012, numero_edition=6, enveloppe=40000, montant_demande=8000, budget_projet=24000.5,
                 emplois_prevus=1.5, montant_accorde=6000, date_depot=date(2012, 5, 12),
                 deliberation_date=date(2012, 9, 28), date_convention=date(2012, 10, 15),
                 date_versement_1=date(2012, 11, 12), montant_versement_1=6000, qpv="Oui", decision="Accordé")
    imported = run(xlsx_bytes([header, [values.get(name) for name in header]]), name="historique.xlsx")
    assert imported.problems == []
    imported_dossier = dossier("HT-2012-001")
    assert imported_dossier.state == "closed" and imported_dossier.project_budget == Decimal("24000.50")
    assert imported_dossier.organisation.in_qpv is True


def test_references_in_the_application_s_format_move_its_counter_past_them(app, session):
    run(csv_bytes([row(reference="AAP-2012-0041"), refused(reference="AAP-2012-0007")]))
    assert db.session.get(ReferenceCounter, 2012).last == 41
    assert next_reference(2012) == "AAP-2012-0042"


def test_an_imported_dossier_reads_like_any_other_on_its_pages(app, client, session):
    admin = factories.make_user(roles=("admin",), totp=True)
    run(csv_bytes([row()]), user=admin)
    db.session.commit()
    imported = dossier("HT-2012-001")
    client.login(admin)
    page = client.get(f"/dossiers/{imported.id}")
    assert page.status_code == 200 and "Dossier importé d'une édition passée" in page.page
    assert "Soldé" in page.page
    board = client.get(f"/decisions/appels/{imported.call_id}")
    assert board.status_code == 200 and "Atelier de réparation" in board.page
    assert client.get("/appels").status_code == 200
