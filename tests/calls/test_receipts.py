import re

from aap.core.fingerprints import json_sha256
from aap.dossiers.receipts import Receipt
from aap.extensions import db
from aap.workflow import engine
from tests import factories


def submitted(world_call, holder, organisation, **fields):
    dossier = factories.make_dossier(world_call, organisation, holder, **fields)
    engine.apply_transition(dossier.id, "submit", holder)
    db.session.commit()
    return dossier


def receipts_of(dossier):
    return db.session.execute(db.select(Receipt).where(Receipt.dossier_id == dossier.id)
                              .order_by(Receipt.sequence)).scalars().all()


def setup():
    call = factories.make_open_call(year=2021)
    holder = factories.make_user(email="porteur@example.org")
    organisation = factories.make_organisation(members=[holder])
    return call, holder, organisation


def test_submission_gives_a_reference_a_time_and_a_checksum(session):
    call, holder, organisation = setup()
    first = submitted(call, holder, organisation)
    second = submitted(call, holder, organisation)
    assert (first.reference, second.reference) == ("AAP-2021-0001", "AAP-2021-0002")
    [receipt] = receipts_of(first)
    assert receipt.reference == "AAP-2021-0001" and receipt.content["title"] == "Épicerie solidaire"
    assert receipt.checksum == json_sha256(receipt.content) and re.fullmatch(r"[0-9a-f]{64}", receipt.checksum)


def test_a_resubmission_keeps_the_reference_and_issues_a_new_receipt(session):
    call, holder, organisation = setup()
    instructor = factories.make_user(roles=("instructor",), totp=True)
    dossier = submitted(call, holder, organisation)
    engine.apply_transition(dossier.id, "request_info", instructor, {"comment": "Précisez le budget."})
    dossier.summary = "Une épicerie solidaire, budget précisé."
    engine.apply_transition(dossier.id, "resubmit", holder)
    db.session.commit()
    first, second = receipts_of(dossier)
    assert first.reference == second.reference == dossier.reference
    assert first.checksum != second.checksum


def test_the_receipt_is_on_screen_by_mail_and_as_a_pdf(client, worker, mailbox):
    call, holder, organisation = setup()
    dossier = submitted(call, holder, organisation, title="<b>Épicerie</b>")
    client.login(holder)
    page = client.get(f"/dossiers/{dossier.id}")
    [receipt] = receipts_of(dossier)
    assert f"Dossier {receipt.reference} déposé le" in page.page and receipt.checksum in page.page
    worker.drain()
    [mail] = mailbox.to("porteur@example.org")
    assert mail["Subject"] == f"Accusé de réception AAP-2021-0001 : votre dossier n° {dossier.id} est déposé"
    assert receipt.checksum in mailbox.text(mail) and "&lt;b&gt;Épicerie&lt;/b&gt;" in mailbox.html(mail)
    pdf = client.get(f"/dossiers/{dossier.id}/accuses/{receipt.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    assert pdf.headers["Content-Disposition"] == 'attachment; filename="accuse-AAP-2021-0001.pdf"'


def test_the_pdf_source_escapes_what_the_holder_typed(app, session):
    from flask import render_template

    call, holder, organisation = setup()
    dossier = submitted(call, holder, organisation, title='<img src="http://evil.example/x.png">')
    [receipt] = receipts_of(dossier)
    from aap.dossiers.reading import build, receipt_source

    with app.test_request_context():
        html = render_template("dossiers/receipt_pdf.html", receipt=receipt, reading=build(receipt_source(receipt), False))
    assert "<img" not in html and "&lt;img" in html


def test_another_organisation_cannot_download_the_receipt(client):
    call, holder, organisation = setup()
    dossier = submitted(call, holder, organisation)
    [receipt] = receipts_of(dossier)
    client.login(factories.make_user())
    assert client.get(f"/dossiers/{dossier.id}/accuses/{receipt.id}.pdf").status_code == 404
    client.login(holder)
    other = submitted(call, holder, organisation)
    assert client.get(f"/dossiers/{other.id}/accuses/{receipt.id}.pdf").status_code == 404


def test_the_checksum_covers_the_questionnaire_answers(session):
    call, holder, organisation = setup()
    answers = {"objectives": "Créer du lien.", "budget": {"60": "5000", "74-call": "5000"}}
    dossier = factories.make_dossier(call, organisation, holder)
    dossier.answers = answers
    engine.apply_transition(dossier.id, "submit", holder)
    db.session.commit()
    [receipt] = receipts_of(dossier)
    assert receipt.content["answers"] == answers
    assert receipt.content["form_version"] == dossier.form_version_id
    assert receipt.checksum == json_sha256(receipt.content)
    other_answers = {**receipt.content, "answers": {**answers, "objectives": "Autre chose."}}
    assert json_sha256(other_answers) != receipt.checksum
