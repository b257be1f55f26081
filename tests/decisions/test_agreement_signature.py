"""Recording the agreement's signature: its date and signed scan, once, within the grant's life; the dossier follows,
the holder is told and downloads the scan. Every refusal says why and changes nothing."""
import io
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from aap.core.formatting import PARIS
from aap.core.models import utcnow
from aap.decisions.agreement_operations import AGREEMENT_SIGNATURE, agreement_of
from aap.extensions import db
from aap.notifications.models import Notification
from aap.workflow.models import AuditRecord
from tests import factories
from tests.decisions.documents_world import co_funder, granted, make_decision

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def today() -> date:
    return utcnow().astimezone(PARIS).date()


def sign(client, decision, day=None, content=PDF, name="convention-signee.pdf"):
    data = {"signed_on": (day or today()).isoformat()}
    if content is not None:
        data["file"] = (io.BytesIO(content), name)
    return client.post(f"/decisions/{decision.id}/convention/signature", data=data,
                       content_type="multipart/form-data")


def stored_files(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


@pytest.fixture
def generated(client, session, uploads):
    """A released grant above the threshold whose agreement is generated, the admin signed in."""
    world = granted("30000")
    client.login(world.admin)
    assert client.post(f"/decisions/{world.decision.id}/convention/generer").status_code == 302
    return world


def holder_notifications(world) -> list[Notification]:
    return list(db.session.execute(select(Notification).where(Notification.user_id == world.holder.id)).scalars())


def test_the_signature_is_recorded_the_dossier_follows_and_the_holder_downloads_the_scan(client, generated, uploads):
    world = generated
    response = sign(client, world.decision, today() - timedelta(days=1))
    assert response.status_code == 302
    assert "La signature de la convention est enregistrée" in client.get(response.location).page
    agreement = agreement_of(world.decision)
    assert agreement.signed_on == today() - timedelta(days=1) and agreement.signature_recorded_by_id == world.admin.id
    assert agreement.file_type == "application/pdf" and agreement.file_name == "convention-signee.pdf"
    db.session.refresh(world.dossier)
    assert world.dossier.state == "agreement_signed"
    record = db.session.execute(select(AuditRecord).where(AuditRecord.dossier_id == world.dossier.id)
                                .order_by(AuditRecord.sequence.desc()).limit(1)).scalar_one()
    assert record.transition == "sign_agreement" and record.holder_visible
    assert record.payload["file"]["key"] == agreement.file_key
    assert record.payload["agreement"] == {"decision": world.decision.id,
                                           "signed_on": (today() - timedelta(days=1)).isoformat()}
    assert "Convention signée le" in record.comment
    [notification] = holder_notifications(world)
    assert notification.event == "dossier_update"
    client.login(world.holder)
    page = client.get(f"/decisions/{world.decision.id}/convention").page
    assert "Signée le" in page and "Enregistrer la signature" not in page
    scan = client.get(f"/decisions/{world.decision.id}/convention/signee")
    assert scan.status_code == 200 and scan.data == PDF and scan.mimetype == "application/pdf"
    assert len(stored_files(uploads)) == 1


def test_a_photograph_of_the_pages_is_a_scan_too(client, generated):
    assert sign(client, generated.decision, content=PNG, name="page.png").status_code == 302
    assert agreement_of(generated.decision).file_type == "image/png"


def refused(response, status: int, message: str, world, uploads) -> None:
    assert response.status_code == status, response.status_code
    assert message in response.page.replace("\u202f", " ").replace("\u00a0", " ")
    agreement = agreement_of(world.decision)
    assert agreement is None or agreement.signed_on is None or agreement.signed_on == getattr(world, "first_day", None)
    assert not [path for path in stored_files(uploads) if path.name not in getattr(world, "kept", ())]
    db.session.refresh(world.dossier)
    assert world.dossier.state == getattr(world, "expected_state", "granted")


def test_twice_is_refused_and_the_second_scan_is_not_kept(client, generated, uploads):
    world = generated
    assert sign(client, world.decision).status_code == 302
    world.first_day, world.kept, world.expected_state = today(), {p.name for p in stored_files(uploads)}, \
        "agreement_signed"
    refused(sign(client, world.decision, today() - timedelta(days=1), content=PNG, name="autre.png"), 409,
            "La signature de cette convention est déjà enregistrée", world, uploads)
    assert agreement_of(world.decision).file_type == "application/pdf"


def test_a_future_date_or_one_before_the_release_is_refused(client, generated, uploads):
    refused(sign(client, generated.decision, today() + timedelta(days=1)), 400,
            "La date de signature ne peut pas être dans le futur.", generated, uploads)
    refused(sign(client, generated.decision, today() - timedelta(days=30)), 400,
            "La date de signature ne peut pas précéder la publication de la décision", generated, uploads)


def test_a_missing_date_or_file_is_refused(client, generated, uploads):
    refused(sign(client, generated.decision, content=None), 400,
            "Joignez le scan de la convention signée (PDF, JPEG ou PNG).", generated, uploads)
    response = client.post(f"/decisions/{generated.decision.id}/convention/signature",
                           data={"signed_on": "", "file": (io.BytesIO(PDF), "scan.pdf")},
                           content_type="multipart/form-data")
    refused(response, 400, "Indiquez la date de signature de la convention.", generated, uploads)
    response = client.post(f"/decisions/{generated.decision.id}/convention/signature",
                           data={"signed_on": "31/02/2026", "file": (io.BytesIO(PDF), "scan.pdf")},
                           content_type="multipart/form-data")
    refused(response, 400, "Saisissez une date qui existe, au format JJ/MM/AAAA (par exemple 15/03/2026).", generated,
            uploads)


def office_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.mark.parametrize("content, name, message", [
    (b"Ceci n'est pas un PDF", "scan.pdf", "Ce type de fichier n'est pas accepté"),
    (office_document(), "convention.docx", "Le scan de la convention signée doit être un PDF ou une image JPEG ou PNG."),
    (b"%PDF-" + b"0" * (10 * 1024 * 1024), "enorme.pdf", "Le fichier dépasse la taille maximale de 10 Mo."),
    (b"", "vide.pdf", "Le fichier est vide."),
])
def test_a_bad_file_is_refused_by_its_content(client, generated, uploads, content, name, message):
    refused(sign(client, generated.decision, content=content, name=name), 400, message, generated, uploads)


def test_too_late_once_the_dossier_is_closed(client, generated, uploads):
    generated.dossier.state, generated.expected_state = "closed", "closed"
    db.session.commit()
    refused(sign(client, generated.decision), 409, "Le dossier est clos : sa convention ne change plus.", generated,
            uploads)


def test_not_before_the_agreement_is_generated(client, session, uploads):
    world = granted("30000")
    client.login(world.admin)
    refused(sign(client, world.decision), 400, "Générez la convention avant d'enregistrer sa signature.", world,
            uploads)


def test_someone_elses_dossier_is_not_found_and_a_holder_may_not_record_it(client, generated, uploads):
    client.login(granted("1000").holder)
    assert sign(client, generated.decision).status_code == 404
    client.login(generated.holder)
    assert sign(client, generated.decision).status_code == 403
    client.login(factories.make_user(roles=("instructor",), totp=True))
    assert sign(client, generated.decision).status_code == 403
    assert agreement_of(generated.decision).signed_on is None and stored_files(uploads) == []


def test_a_co_funders_signature_is_in_the_history_and_the_holder_is_told(client, session, uploads):
    world = granted("30000")
    decider = factories.make_user(roles=("funder",), call=world.call, totp=True)
    own = make_decision(world.dossier, "25000", funder=co_funder(world.call, decider=decider), tranches=())
    client.login(decider)
    client.post(f"/decisions/{own.id}/convention/generer")
    assert sign(client, own).status_code == 302
    db.session.refresh(world.dossier)
    assert world.dossier.state == "granted"  # a co-funder's agreement does not move the workflow
    record = db.session.execute(select(AuditRecord).where(AuditRecord.dossier_id == world.dossier.id)
                                .order_by(AuditRecord.sequence.desc()).limit(1)).scalar_one()
    assert record.transition == AGREEMENT_SIGNATURE and record.holder_visible
    assert record.payload["file"]["key"] == agreement_of(own).file_key
    [notification] = holder_notifications(world)
    assert notification.link.endswith(f"/decisions/{own.id}/convention")
    client.login(world.holder)
    assert "Signature de la convention enregistrée" in client.get(f"/dossiers/{world.dossier.id}").page
