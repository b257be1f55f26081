"""Dossiers, history entries, messages and people written in bulk (SQLAlchemy core inserts), for query counts."""
import itertools
from decimal import Decimal

from sqlalchemy import insert

from aap.auth.models import User
from aap.core.models import utcnow
from aap.dossiers.messages import Message
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.organisations.models import Membership, Organisation
from aap.workflow.models import AuditRecord

_batches = itertools.count(1)
#: what a real dossier's answers weigh; the list must never read them
ANSWERS = {f"question_{n}": "Une réponse détaillée. " * 10 for n in range(5)}


def people(count: int) -> list[int]:
    batch = next(_batches)
    return db.session.execute(insert(User).returning(User.id), [
        {"email": f"personne-{batch}-{n}@example.org", "full_name": f"Personne {batch}-{n}", "password_hash": "x",
         "session_token": f"speed-{batch}-{n}", "locale": "fr", "active": True} for n in range(count)]).scalars().all()


def dossiers(call, count: int) -> list[int]:
    """`count` submitted dossiers of `call`, each of its own organisation with one member."""
    batch, now = next(_batches), utcnow()
    members = people(count)
    organisations = db.session.execute(insert(Organisation).returning(Organisation.id), [
        {"name": f"Structure {batch}-{n}", "legal_form": "association", "commune_insee": "93066"}
        for n in range(count)]).scalars().all()
    db.session.execute(insert(Membership), [{"organisation_id": organisation_id, "user_id": user_id}
                                            for organisation_id, user_id in zip(organisations, members)])
    ids = db.session.execute(insert(Dossier).returning(Dossier.id), [
        {"call_id": call.id, "organisation_id": organisation_id, "reference": f"AAP-S{batch}-{n:05d}",
         "title": f"Projet {n}", "summary": "Un projet.", "requested_amount": Decimal(1000 + n), "state": "submitted",
         "workflow_version_id": call.workflow_version_id, "state_entered_at": now, "answers": ANSWERS}
        for n, organisation_id in enumerate(organisations)]).scalars().all()
    db.session.commit()
    return list(ids)


def history(dossier_id: int, entries: int, actors: list[int]) -> None:
    """`entries` history entries and as many messages, written in turn by `actors`."""
    now = utcnow()
    db.session.execute(insert(AuditRecord), [
        {"dossier_id": dossier_id, "sequence": 1000 + n, "transition": "request_info", "from_state": "submitted",
         "to_state": "submitted", "actor_id": actors[n % len(actors)], "actor_label": "quelqu'un", "at": now,
         "comment": "Une remarque.", "payload": {}, "holder_visible": True, "previous_hash": "0" * 64,
         "hash": "0" * 64} for n in range(entries)])
    db.session.execute(insert(Message), [
        {"dossier_id": dossier_id, "author_id": actors[n % len(actors)], "from_staff": True, "body": "Une question.",
         "created_at": now, "kind": "message"} for n in range(entries)])
    db.session.commit()
