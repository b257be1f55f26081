"""The PDF of a published bilan version, printed by a job that takes the version's id and is safe to run twice."""
import io
import logging

from sqlalchemy import select, update

from aap.bilan import pdf
from aap.bilan.models import PDF_FAILED, PDF_QUEUED, PDF_READY, PDF_RUNNING, BilanVersion
from aap.core.jobs import job
from aap.core.queue import enqueue_after_commit, get_queue
from aap.core.storage import storage
from aap.extensions import db

log = logging.getLogger(__name__)


def queue_version_pdf(version: BilanVersion) -> None:
    """Queue the version's PDF in the transaction that publishes it: the job leaves once that commit succeeds.

    Called after a commit instead, it waits for the next one.
    """
    version.pdf_state, version.pdf_done, version.pdf_error = PDF_QUEUED, 0, ""
    version.pdf_total = pdf.section_count(version.snapshot, version.introduction, version.commentary)
    db.session.flush()
    enqueue_after_commit(db.session(), build_version_pdf, version.id)


def regenerate_pdf(version: BilanVersion) -> bool:
    """Print a failed PDF again; False when it has not failed (two admins asking at once queue it once)."""
    total = pdf.section_count(version.snapshot, version.introduction, version.commentary)
    requeued = db.session.execute(update(BilanVersion).where(BilanVersion.id == version.id,
                                                             BilanVersion.pdf_state == PDF_FAILED)
                                  .values(pdf_state=PDF_QUEUED, pdf_done=0, pdf_total=total, pdf_error="")
                                  .execution_options(synchronize_session=False))
    if requeued.rowcount != 1:
        return False
    db.session.refresh(version)
    enqueue_after_commit(db.session(), build_version_pdf, version.id)
    return True


def requeue_lost(now=None) -> int:
    """A version still queued while nothing waits in the queue lost its job (Redis was away when it was published).

    Sent again, it is claimed once: a job that was not lost after all finds it taken and stops.
    """
    if get_queue().count:
        return 0
    lost = db.session.execute(select(BilanVersion.id).where(BilanVersion.pdf_state == PDF_QUEUED)).scalars().all()
    for version_id in lost:
        enqueue_after_commit(db.session(), build_version_pdf, version_id)
    return len(lost)


@job
def build_version_pdf(version_id: int) -> str:
    """Claim the queued PDF (one worker wins), print it section by section saying how far it got, then store it."""
    claimed = db.session.execute(update(BilanVersion).where(BilanVersion.id == version_id,
                                                            BilanVersion.pdf_state == PDF_QUEUED)
                                 .values(pdf_state=PDF_RUNNING, pdf_done=0, pdf_error="")
                                 .execution_options(synchronize_session=False))
    db.session.commit()
    if claimed.rowcount != 1:
        return "not claimed"
    version = db.session.get(BilanVersion, version_id, populate_existing=True)
    printed = pdf.PrintedVersion.of(version)
    snapshot, introduction, commentary = version.snapshot, version.introduction, version.commentary
    db.session.commit()  # no transaction stays open while the pages are laid out: SQLite would lock the readers out
    try:
        document = pdf.bilan_pdf_bytes(snapshot, introduction, commentary, printed, progress=_recorder(version_id))
        stored = storage().save(io.BytesIO(document), pdf.file_name(snapshot, printed))
    except Exception as error:  # the admins read why beside the version; the worker carries on
        db.session.rollback()
        log.exception("PDF du bilan (version %s) en échec", version_id)
        _record_failure(version_id, str(error) or type(error).__name__)
        return "failed"
    version = db.session.get(BilanVersion, version_id, populate_existing=True)
    version.stored_file, version.pdf_state, version.pdf_done = stored, PDF_READY, version.pdf_total
    db.session.commit()
    return "ready"


def _recorder(version_id: int):
    def record(done: int, total: int) -> None:
        db.session.execute(update(BilanVersion).where(BilanVersion.id == version_id)
                           .values(pdf_done=done, pdf_total=total).execution_options(synchronize_session=False))
        db.session.commit()  # the page that waits reads the progress as it goes

    return record


def _record_failure(version_id: int, message: str) -> None:
    version = db.session.get(BilanVersion, version_id, populate_existing=True)
    if version is not None:
        version.pdf_state, version.pdf_error = PDF_FAILED, message[:2000]
        db.session.commit()
