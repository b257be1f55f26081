"""The job that builds a preparation pack: importable, takes the pack's id, safe to run twice."""
import io
import logging

from sqlalchemy import update

from aap.committee import pack
from aap.committee.agenda_queries import agenda
from aap.committee.models import DONE, FAILED, QUEUED, RUNNING, PreparationPack
from aap.core.jobs import job
from aap.core.models import utcnow
from aap.core.storage import storage
from aap.extensions import db

log = logging.getLogger(__name__)


@job
def build_pack(pack_id: int) -> str:
    """Claim the queued pack (one worker wins), lay out each dossier, saying how far it got, then store the PDF."""
    claimed = db.session.execute(update(PreparationPack).where(PreparationPack.id == pack_id,
                                                               PreparationPack.state == QUEUED)
                                 .values(state=RUNNING).execution_options(synchronize_session=False))
    db.session.commit()
    if claimed.rowcount != 1:
        return "not claimed"
    record = db.session.get(PreparationPack, pack_id, populate_existing=True)
    try:
        pdf = _laid_out(record)
        stored = storage().save(io.BytesIO(pdf), f"preparation-seance-{record.session_id}.pdf")
    except Exception as error:  # the member reads why on the page; the worker carries on
        db.session.rollback()
        log.exception("dossier de préparation %s en échec", pack_id)
        record = db.session.get(PreparationPack, pack_id, populate_existing=True)
        record.state, record.error, record.finished_at = FAILED, str(error)[:2000], utcnow()
        db.session.commit()
        return "failed"
    record.stored_file, record.state, record.finished_at = stored, DONE, utcnow()
    db.session.commit()
    return "done"


def _laid_out(record: PreparationPack) -> bytes:
    session, user = record.session, record.user
    lines = agenda(session, user)
    record.total, record.done_count = len(lines), 0
    db.session.commit()
    documents = [pack.render_document(pack.in_locale(user, lambda: pack.cover_html(session, user, lines)))]
    for line in lines:
        documents.append(pack.render_document(pack.in_locale(user, lambda line=line: pack.part_html(session, user,
                                                                                                  line))))
        record.done_count += 1
        db.session.commit()  # the page that waits reads the progress as it goes
    return pack.joined_pdf(documents)
