"""A full disk, and the limits that keep one dossier from filling it.

The full disk is real: a 1 MiB tmpfs mounted for the test (root is needed, as in CI; elsewhere the test
is skipped with the reason printed, or fails when AAP_REQUIRE_TMPFS=1).
"""
from io import BytesIO

import pytest

from aap.dossiers.attachments import Attachment
from aap.dossiers.messages import Message
from aap.extensions import db
from tests import factories
from tests.services import small_file_system
from tests.workflow.test_engine import PDF

MIB = 1024 * 1024
NOT_STORED = ("Le fichier n'a pas pu être enregistré pour le moment. Réessayez dans quelques minutes ; "
              "si cela continue, prévenez l'équipe.")


def pdf_of(size: int) -> bytes:
    return PDF + b"%" * (size - len(PDF))


@pytest.fixture
def holder_dossier(session, client):
    holder = factories.make_user(email="porteur@example.org")
    call = factories.make_open_call(required_attachments=[{"key": "statuts", "label": "Statuts signés"}])
    dossier = factories.make_dossier(call, factories.make_organisation(members=[holder]), holder)
    client.login(holder)
    return dossier


@pytest.fixture
def limits(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_PIECES_PER_DOSSIER", 3)
    monkeypatch.setitem(app.config, "MAX_DOSSIER_BYTES", 3 * MIB)


def upload(client, dossier, content, kind="autre", name="piece.pdf"):
    return client.post(f"/dossiers/{dossier.id}/pieces", data={"kind": kind, "file": (BytesIO(content), name)},
                       content_type="multipart/form-data")


def files_in(folder):
    return sorted(p for p in folder.rglob("*") if p.is_file())


def pieces(dossier):
    return db.session.execute(db.select(Attachment).where(Attachment.dossier_id == dossier.id)
                              .order_by(Attachment.id)).scalars().all()


def test_a_full_disk_refuses_the_file_in_french_leaves_nothing_and_later_uploads_work(app, client, holder_dossier,
                                                                                       monkeypatch):
    with small_file_system("1m") as disk:
        monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(disk))
        response = upload(client, holder_dossier, pdf_of(2 * MIB), name="gros.pdf")
        assert response.status_code == 302
        assert "« Autre pièce » n'a pas été ajouté : " + NOT_STORED in client.get(response.location).page
        assert files_in(disk) == [] and pieces(holder_dossier) == []
        message = client.post(f"/dossiers/{holder_dossier.id}/messages", content_type="multipart/form-data",
                              data={"message-body": "Le budget", "message-file": (BytesIO(pdf_of(2 * MIB)), "b.pdf")})
        assert message.status_code == 400 and NOT_STORED in message.page and "Le budget</textarea>" in message.text
        assert files_in(disk) == [] and db.session.execute(db.select(Message)).first() is None
        assert upload(client, holder_dossier, pdf_of(100 * 1024), name="petit.pdf").status_code == 302
        [kept] = pieces(holder_dossier)
        assert kept.file_name == "petit.pdf" and [p.name for p in files_in(disk)] == [kept.file_key]


def test_a_dossier_has_at_most_so_many_pieces(client, holder_dossier, uploads, limits):
    upload(client, holder_dossier, PDF, kind="statuts")
    for _ in range(2):
        upload(client, holder_dossier, PDF)
    refused = upload(client, holder_dossier, PDF)
    assert ("« Autre pièce » n'a pas été ajouté : Un dossier compte au plus 3 pièces : retirez-en une avant "
            "d'en ajouter une autre.") in client.get(refused.location).page
    assert len(pieces(holder_dossier)) == 3 and len(files_in(uploads)) == 3
    replaced = upload(client, holder_dossier, PDF, kind="statuts", name="statuts v2.pdf")
    assert "« Statuts signés » est ajouté au dossier (statuts v2.pdf)." in client.get(replaced.location).page
    client.post(f"/dossiers/{holder_dossier.id}/pieces/{pieces(holder_dossier)[0].id}/supprimer")
    upload(client, holder_dossier, PDF, name="de nouveau.pdf")
    assert [a.file_name for a in pieces(holder_dossier)] == ["piece.pdf", "statuts v2.pdf", "de nouveau.pdf"]


def test_a_dossier_s_pieces_have_a_total_size(client, holder_dossier, uploads, limits):
    upload(client, holder_dossier, pdf_of(2 * MIB), kind="statuts")
    refused = upload(client, holder_dossier, pdf_of(2 * MIB), name="annexe.pdf")
    assert ("« Autre pièce » n'a pas été ajouté : Les pièces d'un dossier ne peuvent pas dépasser 3 Mo au "
            "total : retirez une pièce ou envoyez un fichier plus léger.") in client.get(refused.location).page
    assert [a.file_name for a in pieces(holder_dossier)] == ["piece.pdf"] and len(files_in(uploads)) == 1
    upload(client, holder_dossier, pdf_of(int(2.5 * MIB)), kind="statuts", name="statuts v2.pdf")
    [replaced] = pieces(holder_dossier)  # a replaced piece leaves its room to the new file
    assert replaced.file_name == "statuts v2.pdf" and replaced.file_size == int(2.5 * MIB)
    assert [p.name for p in files_in(uploads)] == [replaced.file_key]
