"""What the review adds: reviewer pools, conflicts of interest, assignment, scoring grids, reviews, aggregates."""
from flask import Flask

from aap.core.domains import Domain
from aap.core.signals import dossier_panels_wanted
from aap.review import (
    assignment_runs,  # noqa: F401  (the review's tables belong to the app's metadata)
    blueprint,
    instruction_views,
    models,  # noqa: F401
    pool_views,
    ranking_views,
    reminders,
    reviewer_views,
)
from aap.review.assignment_views import bp as assignment_bp
from aap.review.panel import review_panel
from aap.review.scoring import shown

assert pool_views.bp is reviewer_views.bp  # the staff pages add their routes to the same blueprint


def _setup(app: Flask) -> None:
    app.jinja_env.filters.update(score=shown)


DOMAIN = Domain("review", blueprints=(ranking_views.bp, instruction_views.bp, blueprint.bp, assignment_bp,
                                      reviewer_views.bp),
                setup=_setup, receivers=((dossier_panels_wanted, review_panel),),
                reminder_kinds=(reminders.send_review_reminder,),
                sweeps=(("review_reminders", reminders.plan_missing),))
