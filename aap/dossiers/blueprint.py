"""The dossiers blueprint: its URL rules, each bound to a handler of the dossiers' view modules."""
from flask import Blueprint

from aap.dossiers import attachment_views, message_views, reading_views, support_views, views

bp = Blueprint("dossiers", __name__, url_prefix="/dossiers")
GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]
RULES = (
    ("", views.index, GET),
    ("/<int:dossier_id>", views.show, GET),
    ("/<int:dossier_id>/modifier", views.edit, BOTH),
    ("/<int:dossier_id>/actions/<name>", views.act, POST),
    ("/<int:dossier_id>/lecture", reading_views.reading, GET),
    ("/<int:dossier_id>/dossier-complet.pdf", reading_views.complete_pdf, GET),
    ("/<int:dossier_id>/accuses/<int:receipt_id>.pdf", views.receipt_pdf, GET),
    ("/<int:dossier_id>/journal/<int:sequence>/fichier", views.record_file, GET),
    ("/<int:dossier_id>/pieces", attachment_views.upload, POST),
    ("/<int:dossier_id>/pieces/<int:attachment_id>", attachment_views.download, GET),
    ("/<int:dossier_id>/pieces/<int:attachment_id>/supprimer", attachment_views.remove, POST),
    ("/<int:dossier_id>/messages", message_views.post, POST),
    ("/<int:dossier_id>/messages/<int:message_id>/fichier", message_views.message_file, GET),
    ("/<int:dossier_id>/assistance", support_views.support, BOTH),
)
for rule, view, methods in RULES:
    bp.add_url_rule(rule, view_func=view, methods=methods)
