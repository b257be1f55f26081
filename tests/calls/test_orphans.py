"""A stored file lives as long as the row that points to it: not less (a rolled-back change keeps it), not more."""
import os
import time
from io import BytesIO

import pytest

from aap.core.models import utcnow
from aap.core.storage import storage
from aap.dossiers.attachments import Attachment, attach
from aap.dossiers.operations import post_message
from aap.extensions import db
from aap.workflow import audit
from tests import factories
from tests.workflow.test_engine import PDF

REQUIRED = [{"key": "statuts", "label": "Statuts signés"}]


@pytest.fixture
def draft(session, client, uploads):
    holder = factories.make_user(email="porteur@example.org")
    call = factories.make_open_call(required_attachments=REQUIRED)
    dossier = factories.make_dossier(call, factories.make_organisation(members=[holder]), holder)
    client.login(holder)
    return dossier


def upload(client, dossier, kind, name):
    return client.post(f"/dossiers/{dossier.id}/pieces", data={"kind": kind, "file": (BytesIO(PDF), name)},
                       content_type="multipart/form-data")


def on_disk(folder) -> set[str]:
    return {p.name for p in folder.rglob("*") if p.is_file()}


def pieces(dossier):
    return db.session.execute(db.select(Attachment).where(Attachment.dossier_id == dossier.id)
                              .order_by(Attachment.id)).scalars().all()


def test_a_removed_piece_takes_its_file_with_it(client, draft, uploads):
    upload(client, draft, "autre", "annexe.pdf")
    upload(client, draft, "autre", "budget.pdf")
    annexe, budget = pieces(draft)
    assert on_disk(uploads) == {annexe.file_key, budget.file_key}
    client.post(f"/dossiers/{draft.id}/pieces/{annexe.id}/supprimer")
    assert on_disk(uploads) == {budget.file_key}


def test_a_replaced_required_piece_takes_its_file_with_it(client, draft, uploads):
    upload(client, draft, "statuts", "v1.pdf")
    [first_key] = [a.file_key for a in pieces(draft)]
    upload(client, draft, "statuts", "v2.pdf")
    [second] = pieces(draft)
    assert second.file_name == "v2.pdf" and on_disk(uploads) == {second.file_key} != {first_key}


def test_a_removal_rolled_back_keeps_the_file_and_a_new_file_rolled_back_goes(draft, uploads):
    holder = draft.organisation.memberships[0].user
    piece = attach(draft, "autre", storage().save(BytesIO(PDF), "annexe.pdf"), holder)
    db.session.commit()
    draft.attachments.remove(piece)
    db.session.flush()
    db.session.rollback()
    assert on_disk(uploads) == {piece.file_key}
    written = storage().save(BytesIO(PDF), "jamais enregistré.pdf")
    attach(draft, "autre", written, holder)
    assert on_disk(uploads) == {piece.file_key, written.key}
    db.session.rollback()
    assert on_disk(uploads) == {piece.file_key}
    assert [a.file_key for a in pieces(draft)] == [piece.file_key]


def check(app, *options):
    return app.test_cli_runner().invoke(args=["aap", "storage", "check", *options])


def test_storage_check_lists_the_orphans_and_deletes_them_on_request(app, draft, uploads):
    holder = draft.organisation.memberships[0].user
    piece = attach(draft, "autre", storage().save(BytesIO(PDF), "annexe.pdf"), holder)
    message = post_message(draft, holder, "Voici le budget.", storage().save(BytesIO(PDF), "budget.pdf"))
    action_file = storage().save(BytesIO(PDF), "convention.pdf")
    audit.append(draft, transition="sign", from_state="draft", to_state="draft", actor=holder, at=utcnow(),
                 payload={"file": action_file.as_dict()})
    orphan, recent = (storage().save(BytesIO(PDF), name) for name in ("perdu.pdf", "en cours.pdf"))
    db.session.commit()
    (uploads / "ab").mkdir(exist_ok=True)
    half_written = uploads / "ab" / ".partiel-x1y2"
    half_written.write_bytes(b"%PDF-")
    an_hour_ago = time.time() - 3700
    for path in (storage().path(orphan.key), half_written):
        os.utime(path, (an_hour_ago, an_hour_ago))
    listed = check(app)
    assert listed.exit_code == 1
    assert sorted(line for line in listed.stdout.splitlines()) == sorted(
        [f"orphelin : {storage().path(orphan.key)}", f"orphelin : {half_written}"])
    kept = {piece.file_key, message.file_key, action_file.key}
    assert on_disk(uploads) == kept | {orphan.key, recent.key, half_written.name}
    deleted = check(app, "--delete")
    assert deleted.exit_code == 0 and "2 orphelin(s) supprimé(s)" in deleted.stderr
    assert on_disk(uploads) == kept | {recent.key}  # a file younger than the grace period may be on its way
    assert check(app, "--delete", "--grace-minutes", "0").exit_code == 0 and on_disk(uploads) == kept


def test_storage_check_says_which_files_are_missing(app, draft, uploads):
    holder = draft.organisation.memberships[0].user
    piece = attach(draft, "autre", storage().save(BytesIO(PDF), "annexe.pdf"), holder)
    db.session.commit()
    storage().path(piece.file_key).unlink()
    result = check(app)
    assert result.exit_code == 1 and result.stdout == f"manquant : {piece.file_key}\n"
