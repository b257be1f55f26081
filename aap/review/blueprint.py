"""The reviews blueprint: the call's scoring grid for administrators, the review form for reviewers."""
from flask import Blueprint

from aap.review import grid_views, review_views

bp = Blueprint("reviews", __name__)
GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]
RULES = (
    ("/instruction/appels/<int:call_id>/grille", grid_views.grid, BOTH),
    ("/instruction/appels/<int:call_id>/grille/figer", grid_views.freeze, POST),
    ("/relectures/dossiers/<int:dossier_id>", review_views.form, BOTH),
)
for rule, view, methods in RULES:
    bp.add_url_rule(rule, view_func=view, methods=methods)
