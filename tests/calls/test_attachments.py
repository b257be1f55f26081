from io import BytesIO

import pytest

from aap.dossiers.attachments import Attachment
from aap.extensions import db
from aap.workflow import engine
from tests import factories
from tests.workflow.test_engine import PDF

REQUIRED = [{"key": "statuts", "label": "Statuts signés"}, {"key": "budget", "label": "Budget de la structure"}]


@pytest.fixture
def draft(session, client, app, tmp_path):
    previous, app.config["UPLOAD_FOLDER"] = app.config["UPLOAD_FOLDER"], str(tmp_path)
    call = factories.make_open_call(required_attachments=REQUIRED)
    holder = factories.make_user(email="porteur@example.org")
    organisation = factories.make_organisation(members=[holder])
    dossier = factories.make_dossier(call, organisation, holder)
    client.login(holder)
    yield dossier
    app.config["UPLOAD_FOLDER"] = previous


def upload(client, dossier, kind, content=PDF, name="statuts.pdf"):
    return client.post(f"/dossiers/{dossier.id}/pieces", data={"kind": kind, "file": (BytesIO(content), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def attachments(dossier):
    return db.session.execute(db.select(Attachment).where(Attachment.dossier_id == dossier.id)).scalars().all()


def test_the_checklist_links_each_missing_piece(client, draft):
    page = client.get(f"/dossiers/{draft.id}").text
    assert '<a href="#piece-statuts">Statuts signés</a>' in page and '<a href="#piece-budget">' in page
    [submit] = [o for o in engine.available(draft, draft.organisation.memberships[0].user)
                if o.transition.name == "submit"]
    assert submit.reasons == ["Le dossier est incomplet : Statuts signés, Budget de la structure manquants."]


def test_required_pieces_complete_the_dossier(client, draft, tmp_path):
    assert "« Statuts signés » est ajouté au dossier (statuts.pdf)." in upload(client, draft, "statuts").page
    upload(client, draft, "budget", name="budget.pdf")
    db.session.refresh(draft)
    assert draft.missing_items() == []
    assert "Le dossier est complet : vous pouvez le déposer." in client.get(f"/dossiers/{draft.id}").page
    [stored] = [p for p in tmp_path.rglob("*") if p.is_file() and p.read_bytes() == PDF][:1]
    assert stored.suffix == ""  # stored under a random key, outside the web root, never under the given name


def test_a_new_file_for_a_required_piece_replaces_the_old_one(client, draft):
    upload(client, draft, "statuts", name="v1.pdf")
    upload(client, draft, "statuts", name="v2.pdf")
    assert [a.file_name for a in attachments(draft)] == ["v2.pdf"]


@pytest.mark.parametrize("content, name, message", [
    (b"", "statuts.pdf", "Le fichier est vide."),
    (b"<script>alert(1)</script>", "statuts.pdf", "Ce type de fichier n'est pas accepté"),
    (b"GIF89a" + b"\x00" * 20, "statuts.gif", "Ce type de fichier n'est pas accepté"),
    (b"%PDF-" + b"0" * (10 * 1024 * 1024), "gros.pdf", "Le fichier dépasse la taille maximale de 10 Mo."),
])
def test_bad_files_are_refused_and_nothing_is_kept(client, draft, tmp_path, content, name, message):
    page = upload(client, draft, "statuts", content=content, name=name).page
    assert "« Statuts signés » n'a pas été ajouté : " + message in page
    assert attachments(draft) == [] and [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_path_in_the_file_name_is_dropped(client, draft):
    upload(client, draft, "statuts", name="../../etc/passwd")
    [attachment] = attachments(draft)
    assert attachment.file_name == "passwd.pdf"
    download = client.get(f"/dossiers/{draft.id}/pieces/{attachment.id}")
    assert download.data == PDF and download.headers["Content-Disposition"] == "attachment; filename=passwd.pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_an_unknown_piece_or_no_file_is_refused(client, draft):
    assert client.post(f"/dossiers/{draft.id}/pieces", data={"kind": "inconnu"}).status_code == 400
    page = client.post(f"/dossiers/{draft.id}/pieces", data={"kind": "budget"}, follow_redirects=True).page
    assert "Choisissez un fichier avant d'envoyer « Budget de la structure »." in page


def test_pieces_freeze_once_submitted_and_others_cannot_reach_them(client, draft):
    upload(client, draft, "statuts")
    upload(client, draft, "budget")
    holder = draft.organisation.memberships[0].user
    engine.apply_transition(draft.id, "submit", holder)
    db.session.commit()
    assert upload(client, draft, "autre").status_code == 403
    [first, _second] = attachments(draft)
    assert client.post(f"/dossiers/{draft.id}/pieces/{first.id}/supprimer").status_code == 403
    client.login(factories.make_user())
    assert client.get(f"/dossiers/{draft.id}/pieces/{first.id}").status_code == 404
    other = factories.make_dossier(draft.call, draft.organisation, holder)
    client.login(holder)
    assert client.get(f"/dossiers/{other.id}/pieces/{first.id}").status_code == 404


def test_the_receipt_lists_the_pieces_with_their_checksums(client, draft):
    upload(client, draft, "statuts")
    upload(client, draft, "budget", name="budget.pdf")
    engine.apply_transition(draft.id, "submit", draft.organisation.memberships[0].user)
    db.session.commit()
    from aap.dossiers.receipts import Receipt

    receipt = db.session.execute(db.select(Receipt)).scalar_one()
    assert [(a["kind"], a["name"]) for a in receipt.content["attachments"]] == [("statuts", "statuts.pdf"),
                                                                               ("budget", "budget.pdf")]
