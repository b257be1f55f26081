"""Zip bombs and zips of many entries, built here for real and posted by a holder through the upload routes.

Type detection reads a few hundred bytes of an archive at most: the refusal comes in well under a second,
and the memory it takes (measured with tracemalloc around the request) stays a few MB, whatever the
bomb inflates to.
"""
import io
import struct
import time
import tracemalloc
import zipfile

import pytest

from aap.dossiers.attachments import Attachment
from aap.dossiers.messages import Message
from aap.extensions import db
from tests import factories
from tests.workflow.test_engine import PDF

INFLATED = 64 * 1024 * 1024
#: what the request may allocate at its peak while refusing a bomb; inflating it would take INFLATED or more
PEAK_LIMIT = 4 * 1024 * 1024
NOT_ODF = "Ce fichier compressé n'a pas la forme d'un document ODT ou ODS : il n'est pas accepté."
TOO_MANY = "Ce fichier compressé contient plus de 1000 éléments : ce n'est pas un document accepté."


def bomb(compression: int) -> bytes:
    """An OpenDocument-looking zip whose `mimetype` inflates to INFLATED bytes of zeros, written in chunks."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression, compresslevel=1 if compression == 8 else 9) as archive:
        with archive.open("mimetype", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(INFLATED // len(chunk)):
                member.write(chunk)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def many_entries(count: int = 5000) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for index in range(count):
            archive.writestr(f"word/media/image{index:05d}.xml", "")
    return buffer.getvalue()


def lying_count(data: bytes) -> bytes:
    """The same archive, whose end record claims a single entry: zipfile reads the directory by its size."""
    end = data.rfind(b"PK\x05\x06")
    return data[:end + 8] + struct.pack("<HH", 1, 1) + data[end + 12:]


@pytest.fixture(scope="session")
def bombs():
    return {"bzip2": bomb(zipfile.ZIP_BZIP2), "deflate": bomb(zipfile.ZIP_DEFLATED),
            "many": many_entries(), "lying": lying_count(many_entries())}


@pytest.fixture
def holder_dossier(session, client, uploads):
    holder = factories.make_user(email="porteur@example.org")
    dossier = factories.make_dossier(factories.make_open_call(), factories.make_organisation(members=[holder]), holder)
    client.login(holder)
    return dossier


def post_piece(client, dossier, content: bytes, name: str):
    return client.post(f"/dossiers/{dossier.id}/pieces", data={"kind": "autre", "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def post_message(client, dossier, content: bytes, name: str):
    return client.post(f"/dossiers/{dossier.id}/messages", content_type="multipart/form-data",
                       data={"message-body": "Voici le document.", "message-file": (io.BytesIO(content), name)})


def measured(send):
    """The response, the seconds it took and the peak of memory allocated while it was made."""
    tracemalloc.start()
    try:
        started = time.perf_counter()
        response = send()
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return response, elapsed, peak


@pytest.mark.parametrize("kind, message", [("bzip2", NOT_ODF), ("deflate", NOT_ODF), ("many", TOO_MANY),
                                           ("lying", TOO_MANY)])
def test_a_bomb_posted_as_a_piece_is_refused_at_once_in_little_memory(client, holder_dossier, uploads, bombs,
                                                                      kind, message):
    assert len(bombs[kind]) < 10 * 1024 * 1024
    post_piece(client, holder_dossier, PDF, "avant.pdf")  # the first request warms the caches up
    response, elapsed, peak = measured(lambda: post_piece(client, holder_dossier, bombs[kind], "budget.odt"))
    assert elapsed < 1 and peak < PEAK_LIMIT, (elapsed, peak)
    assert "n'a pas été ajouté : " + message in client.get(response.location).page
    [kept] = db.session.execute(db.select(Attachment).where(Attachment.dossier_id == holder_dossier.id)).scalars()
    assert kept.file_name == "avant.pdf"
    assert [p.name for p in uploads.rglob("*") if p.is_file()] == [kept.file_key]


def test_a_bomb_attached_to_a_message_is_refused_and_the_message_kept_on_screen(client, holder_dossier, bombs):
    response, elapsed, peak = measured(lambda: post_message(client, holder_dossier, bombs["bzip2"], "budget.ods"))
    assert elapsed < 1 and peak < PEAK_LIMIT, (elapsed, peak)
    assert response.status_code == 400 and NOT_ODF in response.page and "Voici le document.</textarea>" in response.text
    assert db.session.execute(db.select(Message)).first() is None


def test_real_office_documents_are_still_recognised(client, holder_dossier):
    odt = io.BytesIO()
    with zipfile.ZipFile(odt, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>" * 1000)
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for index in range(900):  # a large document, under the limit on entries
            archive.writestr(f"word/media/image{index}.xml", "<x/>")
    post_piece(client, holder_dossier, odt.getvalue(), "statuts.odt")
    post_piece(client, holder_dossier, docx.getvalue(), "budget.docx")
    stored = db.session.execute(db.select(Attachment.file_name, Attachment.file_type)
                                .where(Attachment.dossier_id == holder_dossier.id).order_by(Attachment.id)).all()
    assert stored == [("statuts.odt", "application/vnd.oasis.opendocument.text"),
                      ("budget.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
