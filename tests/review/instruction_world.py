"""Calls full of submitted dossiers, reviews, assignments and conflicts, written in bulk through the models."""
import itertools
from decimal import Decimal

from sqlalchemy import insert, select

from aap.calls.models import Strand
from aap.core.models import utcnow
from aap.dossiers.models import Dossier
from aap.dossiers.reviewers import Assignment, Conflict
from aap.extensions import db
from aap.organisations.models import Organisation
from aap.review.models import SUBMITTED, GridVersion, Review
from aap.review.standings import rebuild_standings
from tests import factories

_numbers = itertools.count(1)
COMMUNES = ("93066", "93001", "93027", "93031", "93039", "93059", "93070", "93072")


def grid_of(call) -> GridVersion:
    grid = GridVersion(call_id=call.id, version=1, criteria=[
        {"key": "utilite", "label": "Utilité sociale", "weight": "1", "minimum": "0", "maximum": "5",
         "required": True}])
    db.session.add(grid)
    db.session.flush()
    return grid


def seed(call, count: int, reviewers: list, state: str = "submitted") -> list[int]:
    """`count` submitted dossiers of `call`; the i-th gets reviews by three of `reviewers`, and a conflict one in 7."""
    strands = call.strands or [Strand(call_id=call.id, name="Création", position=0)]
    db.session.add_all(strands)
    db.session.flush()
    organisations = db.session.execute(insert(Organisation).returning(Organisation.id), [
        {"name": f"Structure {index}", "legal_form": "association", "commune_insee": COMMUNES[index % len(COMMUNES)]}
        for index in range(count)]).scalars().all()
    batch, now = next(_numbers), utcnow()
    dossier_ids = db.session.execute(insert(Dossier).returning(Dossier.id), [
        {"call_id": call.id, "organisation_id": organisation_id, "strand_id": strands[index % len(strands)].id,
         "reference": f"AAP-B{batch}-{index:05d}", "title": f"Projet {index}", "summary": "Un projet.",
         "requested_amount": Decimal(1000 + index), "state": state, "workflow_version_id": call.workflow_version_id,
         "state_entered_at": now, "answers": {}}
        for index, organisation_id in enumerate(organisations)]).scalars().all()
    grid = grid_of(call)
    assignments, reviews, conflicts = [], [], []
    for index, dossier_id in enumerate(dossier_ids):
        for offset in range(3):
            user = reviewers[(index + offset) % len(reviewers)]
            assignments.append({"dossier_id": dossier_id, "user_id": user.id, "state": "done"})
            reviews.append({"dossier_id": dossier_id, "user_id": user.id, "grid_version_id": grid.id,
                            "state": SUBMITTED, "scores": {"utilite": "3"}, "submitted_at": now,
                            "weighted_score": Decimal((index * 7 + offset * 31) % 101)})
        if index % 7 == 0:
            conflicts.append({"dossier_id": dossier_id, "user_id": reviewers[-1].id, "kind": "family",
                              "declared_at": now})
    for model, rows in ((Assignment, assignments), (Review, reviews), (Conflict, conflicts)):
        if rows:
            db.session.execute(insert(model), rows)
    rebuild_standings(call.id, now)  # the reviews are written as rows, not submitted through the operation
    db.session.commit()
    return list(dossier_ids)


def reviewers_of(call, count: int = 4) -> list:
    return [factories.make_user(roles=("reviewer",), call=call, totp=True, full_name=f"Relecteur {next(_numbers)}")
            for _ in range(count)]


def reference_order(page_text: str, references) -> list[str]:
    """The references as they appear on the page, in order."""
    found = sorted((page_text.find(reference), reference) for reference in references
                   if page_text.find(reference) >= 0)
    return [reference for _position, reference in found]


def dossier(reference: str) -> Dossier:
    return db.session.execute(select(Dossier).where(Dossier.reference == reference)).scalar_one()
