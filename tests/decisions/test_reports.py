"""The holder's final report: drafts, the actual budget beside the forecast, submission through the workflow, and
every bad input refused with its reason, nothing typed lost."""
from decimal import Decimal

import pytest

from aap.decisions.grant_models import DRAFT, SUBMITTED, FinalReport
from aap.extensions import db
from aap.notifications.models import Notification
from aap.workflow.models import AuditRecord
from tests import factories
from tests.decisions.reports_world import complete_report, granted_dossier


@pytest.fixture
def world(session):
    return granted_dossier()


def _url(world):
    return f"/dossiers/{world.dossier.id}/compte-rendu"


def _report(world) -> FinalReport:
    return db.session.execute(db.select(FinalReport).where(FinalReport.dossier_id == world.dossier.id)).scalar_one()


def test_the_page_shows_the_forecast_beside_each_line_and_the_due_day(client, world):
    client.login(world.holder)
    response = client.get(_url(world))
    assert response.status_code == 200
    assert "Compte-rendu financier" in response.page and "Cerfa n° 15059" in response.page
    assert "64 – Charges de personnel" in response.page and "12\u202f000\u00a0€" in response.page
    assert f"À déposer au plus tard le {_report(world).due_on:%d/%m/%Y}" in response.page


def test_a_draft_is_saved_with_french_amounts_and_comes_back(client, world):
    client.login(world.holder)
    response = client.post(_url(world), data=complete_report(b_61="5 200,50", actions="Première version"))
    assert response.status_code == 302
    report = _report(world)
    assert report.state == DRAFT
    assert report.content["budget"]["61"] == "5200.50" and report.content["indicators"]["jobs_fte"] == "1.5"
    assert report.content["qualitative"]["actions"] == "Première version"
    page = client.get(_url(world)).page
    assert "Première version" in page and 'value="5200,50"' in page
    assert "<td>200,50\u00a0€ (4,0 %)" in page  # the line's difference with the forecast


@pytest.mark.parametrize("field, value, message", [
    ("b_60", "12abc", "Saisissez un nombre, par exemple 12500 ou 12500,50."),
    ("b_60", "-300", "Saisissez un nombre positif ou nul."),
    ("b_60", "10,123", "Un montant s'écrit avec au plus deux décimales."),
    ("beneficiaries", "12,5", "Saisissez un nombre entier."),
    ("jobs_fte", "1e400", "Ce nombre est trop grand"),
    ("actions", "x" * 10_001, "Ce texte dépasse 10000 caractères : raccourcissez-le."),
    ("x_60", "y" * 2_001, "Ce texte dépasse 2000 caractères : raccourcissez-le."),
])
def test_a_bad_input_is_refused_next_to_its_field_and_nothing_typed_is_lost(client, world, field, value, message):
    client.login(world.holder)
    typed = complete_report(differences="Un texte qui ne doit pas se perdre.", **{field: value})
    response = client.post(_url(world), data=typed)
    assert response.status_code == 400
    assert message in response.page
    assert "Un texte qui ne doit pas se perdre." in response.page
    assert _report(world).content == {}


def test_a_line_far_from_the_forecast_must_be_explained_before_submission(client, world):
    client.login(world.holder)
    response = client.post(_url(world), data={**complete_report(b_61="9000"), "deposer": "1"})
    assert response.status_code == 409
    assert "Le compte-rendu ne peut pas encore être déposé" in response.page
    assert "Expliquez l'écart de la ligne « 61 – Services extérieurs » : 9\u202f000\u00a0€ réalisés pour " \
           "5\u202f000\u00a0€ prévus (plus de 20 % d'écart)." in response.page
    assert 'value="9000"' in response.page  # what was typed stays
    assert _report(world).state == DRAFT and _report(world).content == {}
    response = client.post(_url(world), data={**complete_report(b_61="9000", x_61="Loyer plus cher que prévu."),
                                              "deposer": "1"})
    assert response.status_code == 302
    assert _report(world).state == SUBMITTED


def test_a_line_within_twenty_percent_needs_no_explanation_and_a_new_line_does(client, world):
    client.login(world.holder)
    response = client.post(_url(world), data={**complete_report(b_61="6000", b_62="100"), "deposer": "1"})
    assert response.status_code == 409
    assert "« 61 – Services extérieurs »" not in response.page  # 20 % exactly
    assert "« 62 – Autres services extérieurs » : 100\u00a0€ réalisés pour 0\u00a0€ prévus" in response.page


def test_missing_parts_are_listed_at_submission(client, world):
    client.login(world.holder)
    response = client.post(_url(world), data={"deposer": "1"})
    assert response.status_code == 409
    for missing in ("Décrivez ce qui a été réalisé (bilan qualitatif).",
                    "Saisissez les charges réellement engagées (budget réalisé).",
                    "Indicateur à renseigner : emplois créés (ETP).",
                    "Indicateur à renseigner : nombre de bénéficiaires."):
        assert missing in response.page


def test_submission_moves_the_workflow_seals_the_report_and_tells_the_instructors(client, world):
    client.login(world.holder)
    response = client.post(_url(world), data={**complete_report(), "deposer": "1"})
    assert response.status_code == 302
    db.session.refresh(world.dossier)
    report = _report(world)
    assert report.state == SUBMITTED and report.submitted_by_id == world.holder.id
    assert world.dossier.state == "report_submitted"
    record = db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id == world.dossier.id)
                                .order_by(AuditRecord.sequence.desc()).limit(1)).scalar_one()
    assert record.transition == "submit_report" and len(record.payload["final_report"]["sha256"]) == 64
    told = db.session.execute(db.select(Notification).where(Notification.user_id == world.instructor.id)).scalars()
    assert [n.event for n in told] == ["dossier_submitted"]  # by the workflow's effect, once
    page = client.get(_url(world)).page
    assert "Le compte-rendu financier a été déposé le" in page and "Ouverture de l'épicerie" in page


def test_a_second_submission_is_refused_and_changes_nothing(client, world):
    client.login(world.holder)
    client.post(_url(world), data={**complete_report(), "deposer": "1"})
    submitted_at = _report(world).submitted_at
    response = client.post(_url(world), data={**complete_report(actions="Autre texte"), "deposer": "1"})
    assert response.status_code == 409
    assert "Ce compte-rendu financier a déjà été déposé le" in response.page and "rien n'a été refait" in response.page
    assert "Autre texte" in response.page
    assert _report(world).submitted_at == submitted_at
    assert _report(world).content["qualitative"]["actions"].startswith("Ouverture")


def test_a_report_not_yet_awaited_cannot_be_saved_nor_submitted(client, session):
    world = granted_dossier(pay_advance=False)  # still « Accordé »: the workflow waits for the advance first
    client.login(world.holder)
    page = client.get(_url(world)).page
    assert "n'est pas attendu à cette étape du dossier (« Accordé »)" in page
    response = client.post(_url(world), data={**complete_report(actions="Mon bilan"), "deposer": "1"})
    assert response.status_code == 409
    assert "n'est pas attendu à cette étape du dossier" in response.page and "Mon bilan" in response.page
    assert db.session.execute(db.select(FinalReport.state).where(FinalReport.dossier_id == world.dossier.id)) \
        .scalar() in (None, DRAFT)
    db.session.refresh(world.dossier)
    assert world.dossier.state == "granted"


@pytest.mark.parametrize("role", ["other_holder", "reviewer", "anonymous"])
def test_someone_elses_report_is_not_found(app, world, role):
    client = app.test_client()
    if role == "other_holder":
        client.login(factories.make_user())
    elif role == "reviewer":
        client.login(factories.make_user(roles=("reviewer",), call=world.call, totp=True))
    for method in ("get", "post"):
        response = getattr(client, method)(_url(world), data=complete_report())
        assert response.status_code == (302 if role == "anonymous" else 404)
    assert _report(world).content == {}


def test_no_report_without_a_released_granted_decision(client, world):
    world.decision.released_at = None  # staged: the holder knows nothing of it
    db.session.commit()
    client.login(world.holder)
    assert client.get(_url(world)).status_code == 404


def test_staff_are_sent_to_the_review_page(client, world):
    client.login(world.instructor)
    response = client.get(_url(world))
    assert response.status_code == 302 and response.location.endswith(_url(world) + "/examen")


def test_the_call_indicators_are_asked_and_required(client, world):
    world.call.report_indicators = [{"key": "personnes-accompagnees", "label": "Personnes accompagnées vers l'emploi"}]
    db.session.commit()
    client.login(world.holder)
    assert "Personnes accompagnées vers l'emploi" in client.get(_url(world)).page
    response = client.post(_url(world), data={**complete_report(), "deposer": "1"})
    assert "Indicateur à renseigner : Personnes accompagnées vers l'emploi." in response.page
    response = client.post(_url(world), data={**complete_report(i_personnes_accompagnees="14"), "deposer": "1"})
    assert response.status_code == 302
    assert _report(world).content["indicators"]["personnes-accompagnees"] == "14"
    assert _report(world).content["indicator_labels"] == {
        "personnes-accompagnees": "Personnes accompagnées vers l'emploi"}


def test_a_returned_report_is_edited_and_submitted_again(client, world):
    from aap.core.models import utcnow
    from aap.decisions.reports_review import return_to_holder

    client.login(world.holder)
    client.post(_url(world), data={**complete_report(), "deposer": "1"})
    return_to_holder(world.dossier, world.instructor, utcnow(), "Joignez les factures.")
    db.session.commit()
    page = client.get(_url(world)).page
    assert "L'équipe vous demande de reprendre le compte-rendu" in page and "Joignez les factures." in page
    response = client.post(_url(world), data={**complete_report(b_60="3100"), "deposer": "1"})
    assert response.status_code == 302
    db.session.refresh(world.dossier)
    assert _report(world).state == SUBMITTED and world.dossier.state == "report_submitted"
    assert _report(world).content["budget"]["60"] == "3100"
    assert Decimal(_report(world).content["budget"]["64"]) == Decimal(12000)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def _with_file(fields: dict, content: bytes, name: str) -> dict:
    from io import BytesIO

    return {**fields, "piece": (BytesIO(content), name)}


def test_files_are_joined_checked_by_their_bytes_and_removed(client, world, uploads):
    from aap.decisions.reports_models import ReportAttachment

    client.login(world.holder)
    response = client.post(_url(world), data=_with_file(complete_report(), PDF, "factures.pdf"),
                           content_type="multipart/form-data")
    assert response.status_code == 302
    [attachment] = db.session.execute(db.select(ReportAttachment)).scalars().all()
    assert attachment.file_name == "factures.pdf" and attachment.file_type == "application/pdf"
    download = client.get(f"{_url(world)}/pieces/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF
    response = client.post(_url(world), data=_with_file(complete_report(actions="Texte gardé"), b"MZ not a pdf",
                                                        "faux.pdf"), content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Ce type de fichier n'est pas accepté" in response.page and "Texte gardé" in response.page
    assert db.session.execute(db.select(db.func.count(ReportAttachment.id))).scalar_one() == 1
    response = client.post(f"{_url(world)}/pieces/{attachment.id}/retirer")
    assert response.status_code == 302
    assert db.session.execute(db.select(ReportAttachment)).scalars().all() == []
    assert not any(path.is_file() for path in uploads.rglob("*"))


def test_the_number_of_files_is_bounded(client, world, uploads, monkeypatch):
    from aap.decisions import reports_operations

    monkeypatch.setattr(reports_operations, "MAX_PIECES", 1)
    client.login(world.holder)
    client.post(_url(world), data=_with_file(complete_report(), PDF, "a.pdf"), content_type="multipart/form-data")
    response = client.post(_url(world), data=_with_file(complete_report(), PDF, "b.pdf"),
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Un compte-rendu compte au plus 1 pièces jointes" in response.page


def test_the_files_of_a_submitted_report_stay_and_are_read_by_staff_only(app, client, world, uploads):
    from aap.decisions.reports_models import ReportAttachment

    client.login(world.holder)
    client.post(_url(world), data=_with_file({**complete_report(), "deposer": "1"}, PDF, "bilan.pdf"),
                content_type="multipart/form-data")
    [attachment] = db.session.execute(db.select(ReportAttachment)).scalars().all()
    response = client.post(f"{_url(world)}/pieces/{attachment.id}/retirer")
    assert response.status_code == 302
    assert "il ne se modifie plus" in client.get(response.location).page
    assert db.session.get(ReportAttachment, attachment.id) is not None
    staff = app.test_client()
    staff.login(world.instructor)
    assert staff.get(f"{_url(world)}/pieces/{attachment.id}").status_code == 200
    stranger = app.test_client()
    stranger.login(factories.make_user())
    assert stranger.get(f"{_url(world)}/pieces/{attachment.id}").status_code == 404
    other = granted_dossier(title="Autre projet")
    stranger.login(other.holder)  # a file of another dossier's report, through one's own report's address
    assert stranger.get(f"/dossiers/{other.dossier.id}/compte-rendu/pieces/{attachment.id}").status_code == 404


def test_a_file_sent_with_a_mistyped_form_is_not_kept_and_the_holder_is_told(client, world, uploads):
    from aap.decisions.reports_models import ReportAttachment

    client.login(world.holder)
    response = client.post(_url(world), data=_with_file(complete_report(b_60="abc"), PDF, "facture.pdf"),
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Le fichier choisi n'a pas été joint : choisissez-le de nouveau." in response.page
    assert db.session.execute(db.select(ReportAttachment)).scalars().all() == []
    assert not any(path.is_file() for path in uploads.rglob("*"))
