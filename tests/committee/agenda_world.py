"""A call with a committee session, its members, and dossiers ready for committee (written as rows)."""
from datetime import timedelta
from decimal import Decimal
from itertools import count

from aap.calls.models import Strand
from aap.committee.models import AgendaItem, CommitteeSession, SessionMember
from aap.core.models import utcnow
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.review.models import ReviewStanding
from tests import factories

_numbers = count(1)


def make_session(call, members=(), **fields) -> CommitteeSession:
    start = utcnow() + timedelta(days=10)
    session = CommitteeSession(call_id=call.id, title=fields.pop("title", "Comité de printemps"), starts_at=start,
                               ends_at=start + timedelta(hours=3), place="Salle du conseil", quorum=1, **fields)
    db.session.add(session)
    db.session.flush()
    db.session.add_all(SessionMember(session_id=session.id, user_id=member.id) for member in members)
    db.session.commit()
    return session


def strands_of(call, names=("Création", "Développement")) -> list[Strand]:
    strands = [Strand(call_id=call.id, name=name, position=position, envelope=Decimal("50000"))
               for position, name in enumerate(names)]
    db.session.add_all(strands)
    db.session.commit()
    return strands


def ready_dossier(call, strand=None, score=None, state="on_agenda", title=None, organisation=None) -> Dossier:
    """A submitted dossier at the committee's step, with a mean score kept as a submission would keep it."""
    number = next(_numbers)
    if organisation is None:
        organisation = factories.make_organisation(members=[factories.make_user()], name=f"Structure {number}")
    dossier = Dossier(call_id=call.id, organisation_id=organisation.id, strand_id=strand.id if strand else None,
                      reference=f"AAP-C{number:05d}", title=title or f"Projet {number}", state=state,
                      requested_amount=Decimal("10000"), workflow_version_id=call.workflow_version_id, answers={})
    db.session.add(dossier)
    db.session.flush()
    if score is not None:
        db.session.add(ReviewStanding(dossier_id=dossier.id, call_id=call.id, reviews=3, scored=3,
                                      score=Decimal(score), updated_at=utcnow()))
    db.session.commit()
    return dossier


def put_on_agenda(session, dossiers) -> list[AgendaItem]:
    items = [AgendaItem(session_id=session.id, dossier_id=dossier.id, position=position)
             for position, dossier in enumerate(dossiers, start=1)]
    db.session.add_all(items)
    db.session.commit()
    return items
