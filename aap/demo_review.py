"""The review in the demo: pools, grids and reviews on the 2021 edition, and reviews to write on the open call.

The 2021 reviewers cannot sign in (they have no password); they make the ranking, the calibration and the
exports worth reading. On the open call the demo committee member, who is also a reviewer, has two dossiers
to review, one of which two other reviewers have already scored: its other reviews show once theirs is in.
"""
import random
from datetime import timedelta
from decimal import Decimal

from aap.auth.models import User
from aap.calls.models import Call
from aap.core.models import utcnow
from aap.dossiers.models import Dossier
from aap.dossiers.reviewers import ASSIGNED, DONE, Assignment
from aap.extensions import db
from aap.review.models import SUBMITTED, GridVersion, PoolMember, Review
from aap.review.queries import PROPOSED_CRITERIA
from aap.review.scoring import NA, weighted_score
from aap.review.standings import rebuild_standings

#: (name, stakeholder group, habit: what they add to a dossier's merit, on 0–5)
REVIEWERS = [("Nadia Benali", "networks", 0), ("Hugo Lefèvre", "networks", 1), ("Sophie Martin", "banks", -1),
             ("Karim Haddad", "banks", 0), ("Claire Dubois", "departments", 0), ("Julien Moreau", "departments", 1),
             ("Fatou Diallo", "public_funders", -1), ("Marc Petit", "public_funders", 0),
             ("Élise Robert", "elected", 0)]
#: a dossier's merit on 0–5 by what became of it
#: how the reviewers rated each outcome's dossiers; the grants have had their advance paid since
MERIT = {"granted": 4, "advance_paid": 4, "refused": 2, "postponed": 3}


def load_review_demo(current: Call, edition_2021: Call | None, committee: User) -> None:
    """Idempotent: a call that already has a grid is left as it is."""
    if edition_2021 is not None and _grid_of(edition_2021) is None:
        _review_2021(edition_2021)
        db.session.flush()
        rebuild_standings(edition_2021.id, utcnow())
    if _grid_of(current) is None:
        _review_current(current, committee)
        db.session.flush()
        rebuild_standings(current.id, utcnow())


def _grid_of(call: Call) -> GridVersion | None:
    return db.session.execute(db.select(GridVersion).where(GridVersion.call_id == call.id)).scalars().first()


def _new_grid(call: Call) -> GridVersion:
    grid = GridVersion(call_id=call.id, version=1, criteria=[dict(item) for item in PROPOSED_CRITERIA])
    db.session.add(grid)
    db.session.flush()
    return grid


def _pool(call: Call) -> list[tuple[User, int]]:
    members = []
    for number, (name, group, habit) in enumerate(REVIEWERS, start=1):
        email = f"relecteur{number}.{call.year}@example.org"
        user = db.session.execute(db.select(User).where(User.email == email)).scalar_one_or_none()
        if user is None:
            user = User(email=email, full_name=name)
            db.session.add(user)
            db.session.flush()
        db.session.add(PoolMember(call_id=call.id, user_id=user.id, group=group))
        members.append((user, habit))
    return members


def _review_2021(call: Call) -> None:
    rng = random.Random(2021)
    grid = _new_grid(call)
    members = _pool(call)
    dossiers = db.session.execute(db.select(Dossier).where(Dossier.call_id == call.id, Dossier.state.in_(
        list(MERIT))).order_by(Dossier.id)).scalars().all()
    for index, dossier in enumerate(dossiers):
        chosen = [members[(index + step * 3) % len(members)] for step in range(3)]  # three groups apart
        for user, habit in chosen:
            db.session.add(Assignment(dossier_id=dossier.id, user_id=user.id, state=DONE, origin="automatic"))
            scores = {item["key"]: _score(MERIT[dossier.state] + habit + rng.choice((-1, 0, 0, 1)), item)
                      for item in grid.criteria}
            _submitted(dossier, user, grid, scores, frozen=True,
                       proposed=dossier.requested_amount if MERIT[dossier.state] >= 3 else None)


def _score(value: int, criterion: dict) -> str:
    if not criterion["required"] and value <= 1:
        return NA
    return str(max(0, min(5, value)))


def _submitted(dossier, user, grid, scores: dict, *, frozen: bool, proposed=None) -> None:
    answers = {key: value if value == NA else Decimal(value) for key, value in scores.items()}
    merit = weighted_score(grid.grid, answers)
    recommendation = "favorable" if merit and merit >= 60 else "reserve" if merit and merit >= 40 else "defavorable"
    now = utcnow()
    db.session.add(Review(dossier_id=dossier.id, user_id=user.id, grid_version_id=grid.id, state=SUBMITTED,
                          scores=scores, weighted_score=merit, recommendation=recommendation,
                          proposed_amount=proposed, committee_comment="Relecture de démonstration.",
                          submitted_at=now, frozen_at=now if frozen else None))


def _review_current(call: Call, committee: User) -> None:
    grid = _new_grid(call)
    members = _pool(call)
    db.session.add(PoolMember(call_id=call.id, user_id=committee.id, group="networks",
                              strand_ids=[strand.id for strand in call.strands[:2]]))
    reviewable = db.session.execute(db.select(Dossier).where(
        Dossier.call_id == call.id, Dossier.state.in_(["in_review", "on_agenda"])).order_by(Dossier.id)).scalars().all()
    due = utcnow() + timedelta(days=call.review_days)
    for dossier in reviewable:
        db.session.add(Assignment(dossier_id=dossier.id, user_id=committee.id, state=ASSIGNED, due_at=due))
    if reviewable:
        scored = reviewable[-1]
        for (user, _habit), values in zip(members[2:4], ("4", "3"), strict=True):
            db.session.add(Assignment(dossier_id=scored.id, user_id=user.id, state=DONE, due_at=due))
            _submitted(scored, user, grid, {item["key"]: values for item in grid.criteria}, frozen=False,
                       proposed=scored.requested_amount)
