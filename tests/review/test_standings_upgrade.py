"""Reviews submitted before the figures were kept get them from the migration, as a submission computes them."""
from decimal import Decimal

import flask_migrate

from aap.core.models import utcnow
from aap.extensions import db
from aap.review.models import DRAFT, SUBMITTED, GridVersion, Review, ReviewStanding
from aap.review.standings import figures
from aap.workflow import engine
from tests import factories

BEFORE = "0014_assignment_runs"


def test_the_upgrade_fills_the_figures_of_reviews_already_submitted(own_database_app):
    with own_database_app.app_context():
        call = factories.make_open_call()
        holder = factories.make_user()
        organisation = factories.make_organisation(members=[holder])
        reviewed, unreviewed = (factories.make_dossier(call, organisation, holder, title=title)
                                for title in ("Ressourcerie", "Jardin"))
        for dossier in (reviewed, unreviewed):
            engine.apply_transition(dossier.id, "submit", holder)
        grid = GridVersion(call_id=call.id, version=1, criteria=[])
        db.session.add(grid)
        db.session.flush()
        written = [("90.5", "favorable", "12000"), ("41", "reserve", None), (None, "defavorable", None)]
        for score, recommendation, amount in written:
            reviewer = factories.make_user()
            db.session.add(Review(dossier_id=reviewed.id, user_id=reviewer.id, grid_version_id=grid.id,
                                  state=SUBMITTED, submitted_at=utcnow(), recommendation=recommendation,
                                  weighted_score=None if score is None else Decimal(score),
                                  proposed_amount=None if amount is None else Decimal(amount)))
        db.session.add(Review(dossier_id=unreviewed.id, user_id=holder.id, grid_version_id=grid.id, state=DRAFT,
                              weighted_score=Decimal("10")))
        db.session.commit()
        reviewed_id, unreviewed_id, call_id = reviewed.id, unreviewed.id, call.id
        db.session.close()  # as an upgrade runs while the app is stopped
        flask_migrate.downgrade(revision=BEFORE)
        flask_migrate.upgrade()

        standing = db.session.get(ReviewStanding, reviewed_id)
        expected = figures([(None if s is None else Decimal(s), r, None if a is None else Decimal(a))
                            for s, r, a in written])
        assert {name: getattr(standing, name) for name in expected} == expected
        assert (standing.reviews, standing.scored, standing.divergent) == (3, 2, True)
        assert standing.call_id == call_id and standing.revision == 1
        assert db.session.get(ReviewStanding, unreviewed_id) is None  # a draft is no submitted review
