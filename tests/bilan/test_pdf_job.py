"""A published version's PDF is printed by the worker, its progress committed as it goes, stored once, and a
failure is kept with its reason until an administrator has it printed again."""
from sqlalchemy import text

from aap.bilan.models import PDF_FAILED, PDF_QUEUED, PDF_READY, BilanVersion
from aap.bilan.pdf import render_document as render
from aap.bilan.pdf_tasks import build_version_pdf, queue_version_pdf, regenerate_pdf
from aap.core.periodic import run_sweeps
from aap.core.queue import get_queue
from aap.core.storage import storage
from aap.extensions import db
from tests import factories
from tests.bilan.pdf_world import published_version
from tests.bilan.test_pdf import text_of
from tests.threads import APPLIED, at_once


def queued_version(call=None, **fields) -> BilanVersion:
    version = published_version(call or factories.make_call(title="Appel PDF job", year=2021), **fields)
    queue_version_pdf(version)
    db.session.commit()
    return version


def stored_text(version: BilanVersion) -> str:
    with storage().open(version.file_key) as handle:
        return text_of(handle.read())


def test_a_queued_version_is_printed_by_the_worker_and_stored(session, uploads, worker):
    version = queued_version(number=3)
    assert (version.pdf_state, version.pdf_done, version.pdf_total) == (PDF_QUEUED, 0, 9)
    assert worker.drain() == 1
    db.session.refresh(version)
    assert (version.pdf_state, version.pdf_done, version.pdf_total, version.pdf_error) == (PDF_READY, 9, 9, "")
    assert version.file_type == "application/pdf" and version.file_name == "bilan-2021-appel-pdf-job-v3.pdf"
    text = stored_text(version)
    assert "Version 3, publiée le 20/01/2022" in text and "90 000 € accordés" in text
    assert "Le bilan de l'édition." in text and "Une année de croissance." in text


def test_nothing_leaves_before_the_publication_commits(session, uploads, worker):
    version = published_version(factories.make_call(title="Appel PDF annulé", year=2021))
    queue_version_pdf(version)
    db.session.rollback()
    assert worker.drain() == 0


def test_the_progress_is_committed_section_by_section(app, committed, uploads, monkeypatch):
    """Another connection, as the page that waits, reads each step while the job runs."""
    version_id = queued_version(introduction="", commentary="").id
    seen = []

    def watched(html):
        with db.engine.connect() as other:
            seen.append(tuple(other.execute(text("SELECT pdf_state, pdf_done, pdf_total FROM bilan_versions "
                                                 "WHERE id = :id"), {"id": version_id}).one()))
        return render(html)

    monkeypatch.setattr("aap.bilan.pdf.render_document", watched)
    assert build_version_pdf(version_id) == "ready", db.session.get(BilanVersion, version_id).pdf_error
    assert seen == [("running", done, 7) for done in range(7)]
    with db.engine.connect() as other:
        final = other.execute(text("SELECT pdf_state, pdf_done, pdf_total FROM bilan_versions")).one()
    assert tuple(final) == ("ready", 7, 7)


def test_running_the_job_twice_stores_one_file(session, uploads, worker):
    version = queued_version()
    worker.drain()
    db.session.refresh(version)
    key = version.file_key
    assert build_version_pdf(version.id) == "not claimed"
    db.session.refresh(version)
    assert version.file_key == key and [path.name for path in storage().files()] == [key]


def test_a_failure_is_kept_with_its_reason_and_may_be_printed_again(session, uploads, worker, monkeypatch):
    def broken(html):
        raise RuntimeError("mise en page impossible")

    version = queued_version()
    with monkeypatch.context() as patch:
        patch.setattr("aap.bilan.pdf.render_document", broken)
        worker.drain()
    db.session.refresh(version)
    assert (version.pdf_state, version.pdf_error, version.file_key) == (PDF_FAILED, "mise en page impossible", None)
    assert list(storage().files()) == []
    assert regenerate_pdf(version) is True
    db.session.commit()
    assert (version.pdf_state, version.pdf_done, version.pdf_error) == (PDF_QUEUED, 0, "")
    assert regenerate_pdf(version) is False  # queued already: nothing more to do
    worker.drain()
    db.session.refresh(version)
    assert version.pdf_state == PDF_READY and len(list(storage().files())) == 1


def test_a_ready_pdf_is_not_printed_again(session, uploads, worker):
    version = queued_version()
    worker.drain()
    db.session.refresh(version)
    assert regenerate_pdf(version) is False and version.pdf_state == PDF_READY


def test_two_admins_asking_at_once_queue_it_once(app, committed, uploads):
    version = queued_version()
    version.pdf_state, version.pdf_error = PDF_FAILED, "panne"
    db.session.commit()
    version_id = version.id
    db.session.remove()

    def ask():
        if not regenerate_pdf(db.session.get(BilanVersion, version_id)):
            raise LookupError("déjà relancé")

    outcomes = at_once(app, [ask, ask], (LookupError,))
    assert sorted(outcome if outcome == APPLIED else "refused" for outcome in outcomes) == [APPLIED, "refused"]


def test_a_version_whose_job_was_lost_is_sent_again_by_the_periodic_sweep(app, session, uploads, worker):
    version = queued_version()
    get_queue(app).empty()  # Redis lost the job, as when it was away at the publication's commit
    assert run_sweeps()["bilan_pdfs"] == 1
    assert worker.drain() == 1
    db.session.refresh(version)
    assert version.pdf_state == PDF_READY
    assert run_sweeps()["bilan_pdfs"] == 0


def test_the_sweep_waits_while_jobs_are_queued(app, session, uploads, worker):
    queued_version()
    assert run_sweeps()["bilan_pdfs"] == 0  # its own job waits in the queue
    assert worker.drain() == 1
