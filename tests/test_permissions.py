"""Every route × every role: what is allowed, what is refused, and how.

A new route fails test_every_route_is_in_the_matrix until its row is added here.
"""
from datetime import date
from decimal import Decimal
from io import BytesIO
from urllib.parse import urlsplit

import pytest

from aap.bilan.models import HistoryImport
from aap.bulk.models import BulkMessage
from aap.committee.models import AgendaItem
from aap.core.models import utcnow
from aap.core.storage import storage
from aap.decisions.funder_operations import seat_decider
from aap.decisions.grant_models import Agreement
from aap.decisions.models import Decision, Funder
from aap.decisions.payments_plan import plan_tranches
from aap.dossiers.attachments import attach
from aap.dossiers.operations import post_message
from aap.dossiers.receipts import Receipt
from aap.dossiers.reviewers import Assignment, Conflict
from aap.extensions import db
from aap.mail.models import Mail
from aap.notifications.models import Notification
from aap.review.models import PoolMember
from aap.workflow import audit, engine
from tests import factories
from tests.bilan import exports_world
from tests.committee.agenda_world import make_session
from tests.decisions import reports_world
from tests.decisions.payments_world import decision_on, granted_dossier

# the holder goes last: their POSTs change the dossier that the others have just tried
ROLES = ["anonymous", "other_holder", "instructor", "reviewer", "committee", "funder", "admin", "holder"]
#: an outcome is a status code, LOGIN (sent to the login page), or "→/path" for a redirect to that path
LOGIN = "login"


def to(path: str) -> str:
    return "→" + path


def everyone(outcome) -> dict:
    return {role: outcome for role in ROLES}


def signed_in(outcome) -> dict:
    return {**everyone(outcome), "anonymous": LOGIN}


def admin_only(outcome) -> dict:
    return {**signed_in(403), "admin": outcome}


ORGANISATION_VIEW = {**signed_in(404), "holder": 200, "instructor": 200, "admin": 200}


def organisation_edit(outcome) -> dict:
    return {**ORGANISATION_VIEW, "instructor": 403, "admin": 403, "holder": outcome}


def submitted_view(outcome) -> dict:
    return {**signed_in(outcome), "other_holder": 404}


def thread(outcome) -> dict:
    """The holders and the instruction team; committee members, reviewers and funders never see the exchanges."""
    return {**submitted_view(outcome), "reviewer": 404, "committee": 404, "funder": 404}


def staff_side(outcome) -> dict:
    """What the staff reads of a submitted dossier (internal notes, checklist): the holders get 404, as the reviewer."""
    return {**submitted_view(outcome), "holder": 404, "reviewer": 404}


def draft_holder_only(outcome) -> dict:
    """A draft belongs to its organisation until it is submitted."""
    return {**signed_in(404), "holder": outcome}


def staff_only(outcome) -> dict:
    return {**signed_in(403), "admin": outcome, "instructor": outcome}


def grant_readers(outcome) -> dict:
    """A released grant: its holders and the authority's staff; others may not know it."""
    return {**signed_in(404), "instructor": outcome, "admin": outcome, "holder": outcome}


def grant_managers(outcome) -> dict:
    """Those who follow the authority's grant: its administrators; the other readers are refused."""
    return {**grant_readers(403), "admin": outcome}


ASSIGNMENT = "/instruction/appels/{call}/affectation"
SESSION = "/comite/seances/{committee_session}"
GRANT = "/decisions/{grant}"


def notification_owner(outcome) -> dict:
    return {**signed_in(404), "holder": outcome}


def review_staff(outcome) -> dict:
    return {**signed_in(403), "admin": outcome, "instructor": outcome}


def call_readers(outcome) -> dict:
    """The call's reviewers and committee members: they declare conflicts of interest."""
    return {**signed_in(403), "reviewer": outcome, "committee": outcome}


def payments_side(outcome) -> dict:
    """A granted dossier's payments: its holder and the instruction team; the others are not told of them."""
    return {**signed_in(404), "holder": outcome, "instructor": outcome, "admin": outcome}


#: endpoint (or endpoint#variant): (method, path template, outcome per role); paths take the world's ids
AGENDA = "/comite/seances/{committee_session}/ordre-du-jour"
PACK = "/comite/seances/{committee_session}/dossier-de-preparation"
LIVE_ROOT = "/comite/seances/{committee_session}"
LIVE = LIVE_ROOT + "/direct"
MINUTES = "/comite/seances/{committee_session}/proces-verbal"
GRANTED = "/decisions/dossiers/{granted}"


def session_people(outcome) -> dict:
    """A committee session: its staff (admin, instructor) and its convened members; strangers are not told."""
    return {**signed_in(404), "admin": outcome, "instructor": outcome, "committee": outcome}


def session_staff(outcome) -> dict:
    """What only the instruction team does to a session; a convened member is refused."""
    return {**session_people(outcome), "committee": 403}


def decision_readers(outcome) -> dict:
    """The call's decisions: the instruction team reads them; strangers are not told they exist."""
    return {**signed_in(404), "admin": outcome, "instructor": outcome}


def deciders(outcome) -> dict:
    """What the authority's deciders (administrators in the reference workflow) do."""
    return {**signed_in(404), "admin": outcome}


DECISIONS = "/decisions/appels/{call}"
FUNDER = DECISIONS + "/cofinanceurs/{funder}"

MATRIX = {
    "decision_hub.page": ("GET", "/decisions", signed_in(200)),
    "decisions.board": ("GET", DECISIONS, decision_readers(200)),
    "decisions.export_csv": ("GET", DECISIONS + "/decisions.csv", decision_readers(200)),
    "decisions.export_xlsx": ("GET", DECISIONS + "/decisions.xlsx", decision_readers(200)),
    "decisions.decide": ("GET", "/decisions/dossiers/{submitted}", deciders(200)),
    "decisions.decide#post": ("POST", "/decisions/dossiers/{submitted}", deciders(409)),
    "decisions.withdraw": ("POST", "/decisions/{decision}/retirer", deciders(to(DECISIONS))),
    "decisions.publish": ("GET", DECISIONS + "/publier", deciders(200)),
    "decisions.publish#post": ("POST", DECISIONS + "/publier", deciders(400)),
    "decision_batch.page": ("GET", "/decisions/seances/{committee_session}", deciders(200)),
    "decision_batch.page#post": ("POST", "/decisions/seances/{committee_session}", deciders(400)),
    "decision_envelopes.page": ("GET", DECISIONS + "/enveloppes", deciders(200)),
    "decision_envelopes.page#post": ("POST", DECISIONS + "/enveloppes", deciders(400)),
    "decision_funders.page": ("GET", DECISIONS + "/cofinanceurs", deciders(200)),
    "decision_funders.page#add": ("POST", DECISIONS + "/cofinanceurs", deciders(400)),
    "decision_funders.remove": ("POST", FUNDER + "/supprimer", deciders(to(DECISIONS + "/cofinanceurs"))),
    "decision_funders.seat": ("POST", FUNDER + "/decideurs", deciders(400)),
    "decision_funders.unseat": ("POST", FUNDER + "/decideurs/{seat}/retirer", deciders(to(DECISIONS + "/cofinanceurs"))),
    "public_calls.home": ("GET", "/", everyone(200)),
    "core.accessibility": ("GET", "/accessibilite", everyone(200)),
    "core.set_language": ("POST", "/langue", everyone(to("/"))),
    "core.healthz": ("GET", "/healthz", everyone(200)),
    "auth.register": ("GET", "/inscription", everyone(200)),
    "auth.check_mailbox": ("GET", "/inscription/verifiez-vos-mails", everyone(200)),
    "auth.verify_email": ("GET", "/verification/not-a-token", everyone(400)),
    "auth.resend_verification": ("GET", "/verification/renvoyer", everyone(200)),
    "auth.login": ("GET", "/connexion", {**everyone(to("/")), "anonymous": 200}),
    "auth.two_factor": ("GET", "/connexion/code", everyone(to("/connexion"))),
    "auth.enrol_totp": ("GET", "/connexion/double-authentification",
                        {**everyone(to("/compte")), "anonymous": to("/connexion"), "other_holder": 200, "holder": 200}),
    "auth.logout": ("POST", "/deconnexion", everyone(to("/"))),
    "auth.forgot_password": ("GET", "/mot-de-passe-oublie", everyone(200)),
    "auth.reset_password": ("GET", "/mot-de-passe/not-a-token", everyone(400)),
    "auth.accept_invitation": ("GET", "/invitation/not-a-token", everyone(400)),
    "account.account": ("GET", "/compte", signed_in(200)),
    "account.change_password": ("POST", "/compte/mot-de-passe", signed_in(400)),
    # staff must keep two-factor authentication: they are sent back to their account page
    "account.disable_totp": ("POST", "/compte/double-authentification/desactiver",
                             {**signed_in(to("/compte")), "other_holder": 400, "holder": 400}),
    # holders have no codes to regenerate; staff confirm their password first
    "account.regenerate_codes": ("POST", "/compte/codes-de-secours",
                                 {**signed_in(to("/compte/confirmer?next=/compte%23totp-title")),
                                  "other_holder": to("/compte"), "holder": to("/compte")}),
    "account.confirm_password": ("GET", "/compte/confirmer", signed_in(200)),
    "account.end_other_sessions": ("POST", "/compte/sessions/fermer-les-autres",
                                   signed_in(to("/compte#sessions-title"))),
    "account.end_session": ("POST", "/compte/sessions/999999/fermer", signed_in(to("/compte#sessions-title"))),
    "organisations.index": ("GET", "/structures", signed_in(200)),
    "organisations.create": ("GET", "/structures/nouvelle", signed_in(200)),
    "organisations.export": ("GET", "/structures/export.csv", {**admin_only(200), "instructor": 200}),
    "ranking.dashboard": ("GET", "/instruction/appels/{call}/classement", {**admin_only(200), "instructor": 200}),
    "ranking.habits": ("GET", "/instruction/appels/{call}/classement/relecteurs", {**admin_only(200), "instructor": 200}),
    "ranking.export_xlsx": ("GET", "/instruction/appels/{call}/export.xlsx", {**admin_only(200), "instructor": 200}),
    "ranking.export_dossiers_csv": ("GET", "/instruction/appels/{call}/dossiers.csv",
                                    {**admin_only(200), "instructor": 200}),
    "ranking.export_reviews_csv": ("GET", "/instruction/appels/{call}/relectures.csv",
                                   {**admin_only(200), "instructor": 200}),
    "organisations.show": ("GET", "/structures/{organisation}", ORGANISATION_VIEW),
    "organisations.edit": ("GET", "/structures/{organisation}/modifier", organisation_edit(200)),
    "organisations.invite": ("POST", "/structures/{organisation}/inviter", organisation_edit(400)),
    "organisations.join": ("GET", "/structures/invitation/not-a-token", signed_in(400)),
    "dossiers.index": ("GET", "/dossiers", signed_in(200)),
    "dossiers.show": ("GET", "/dossiers/{dossier}",
                      {**draft_holder_only(200), "admin": to("/dossiers/{dossier}/assistance")}),
    "dossiers.show#submitted": ("GET", "/dossiers/{submitted}", submitted_view(200)),
    "dossiers.support": ("GET", "/dossiers/{dossier}/assistance", admin_only(200)),
    "dossiers.support#submitted": ("GET", "/dossiers/{submitted}/assistance",
                                   admin_only(to("/dossiers/{submitted}"))),
    "dossiers.act": ("POST", "/dossiers/{dossier}/actions/submit", draft_holder_only(to("/dossiers/{dossier}"))),
    "dossiers.receipt_pdf": ("GET", "/dossiers/{submitted}/accuses/{receipt}.pdf", submitted_view(200)),
    # a draft is read in its edit form, by its organisation only
    "dossiers.reading": ("GET", "/dossiers/{dossier}/lecture", draft_holder_only(to("/dossiers/{dossier}/modifier"))),
    "dossiers.reading#submitted": ("GET", "/dossiers/{submitted}/lecture", submitted_view(200)),
    "dossiers.complete_pdf": ("GET", "/dossiers/{dossier}/dossier-complet.pdf",
                              draft_holder_only(to("/dossiers/{dossier}/modifier"))),
    "dossiers.complete_pdf#submitted": ("GET", "/dossiers/{submitted}/dossier-complet.pdf", submitted_view(200)),
    "dossiers.upload": ("POST", "/dossiers/{dossier}/pieces", draft_holder_only(400)),
    "dossiers.download": ("GET", "/dossiers/{dossier}/pieces/{attachment}", draft_holder_only(200)),
    "dossiers.remove": ("POST", "/dossiers/{dossier}/pieces/{attachment}/supprimer",
                        draft_holder_only(to("/dossiers/{dossier}#pieces-title"))),
    "dossiers.post": ("POST", "/dossiers/{dossier}/messages", draft_holder_only(400)),
    "dossiers.post#submitted": ("POST", "/dossiers/{submitted}/messages", thread(400)),
    "dossiers.message_file": ("GET", "/dossiers/{dossier}/messages/{message}/fichier", draft_holder_only(200)),
    "dossiers.record_file": ("GET", "/dossiers/{dossier}/journal/2/fichier", draft_holder_only(200)),
    "dossiers.edit": ("GET", "/dossiers/{dossier}/modifier", draft_holder_only(200)),
    # the instruction's side: holders and reviewers do not learn it exists; only the instructors tick
    "instruction.save_checklist": ("POST", "/dossiers/{submitted}/recevabilite",
                                   {**staff_side(403), "instructor": to("/dossiers/{submitted}#eligibility-title"),
                                    "admin": to("/dossiers/{submitted}#eligibility-title")}),
    "instruction.save_checklist#draft": ("POST", "/dossiers/{dossier}/recevabilite", signed_in(404)),
    "instruction.add_note": ("POST", "/dossiers/{submitted}/notes-internes", staff_side(400)),
    "calls.index": ("GET", "/admin/appels", admin_only(200)),
    "calls.create": ("GET", "/admin/appels/nouveau", admin_only(200)),
    "calls.edit": ("GET", "/admin/appels/{call}/modifier", admin_only(200)),
    "calls.edit_form": ("GET", "/admin/appels/{call}/formulaire", admin_only(200)),
    "calls.change_state": ("POST", "/admin/appels/{call}/etat/close", admin_only(to("/admin/appels"))),
    "calls.open_call": ("POST", "/admin/appels/{draft_call}/ouvrir", admin_only(to("/admin/appels"))),
    "public_calls.index": ("GET", "/appels", everyone(200)),
    "public_calls.show": ("GET", "/appels/{call}", everyone(200)),
    "dossier_start.start": ("GET", "/appels/{call}/deposer", signed_in(200)),
    "migration.migrate": ("GET", "/admin/appels/{call}/migration", admin_only(200)),
    "workflows.index": ("GET", "/admin/workflows", admin_only(200)),
    "workflows.show": ("GET", "/admin/workflows/plaine-commune", admin_only(200)),
    "workflows.version": ("GET", "/admin/workflows/versions/{version}", admin_only(200)),
    "admin.users": ("GET", "/admin/utilisateurs", admin_only(200)),
    "admin.invite": ("POST", "/admin/utilisateurs/inviter", admin_only(400)),
    "history.index": ("GET", "/admin/historique", admin_only(200)),
    "history.preview": ("POST", "/admin/historique/apercu", admin_only(400)),
    "history.confirm": ("POST", "/admin/historique/importer", admin_only(400)),
    "history.show": ("GET", "/admin/historique/{history_import}", admin_only(200)),
    "history.help_page": ("GET", "/admin/historique/aide", admin_only(200)),
    "history.example": ("GET", "/admin/historique/historique-exemple.csv", admin_only(200)),
    "mailbox.mailbox": ("GET", "/admin/courriels", admin_only(200)),
    "mailbox.mail": ("GET", "/admin/courriels/{mail}", admin_only(200)),
    "mailbox.resend": ("POST", "/admin/courriels/{mail}/renvoyer", admin_only(to("/admin/courriels/{mail}"))),
    "mailbox.resend_failed": ("POST", "/admin/courriels/renvoyer-les-echecs",
                              admin_only(to("/admin/courriels?statut=failed"))),
    "mailbox.queue_health": ("GET", "/admin/file-d-attente", admin_only(200)),
    "inbox.index": ("GET", "/notifications", signed_in(200)),
    "inbox.follow": ("GET", "/notifications/{notification}", notification_owner(to("/dossiers/{submitted}"))),
    "bulk.announcement": ("GET", "/notifications/messages/{announcement}", {**notification_owner(200), "admin": 200}),
    "inbox.unsubscribe": ("GET", "/notifications/desabonnement/not-a-token", everyone(400)),
    "inbox.mark_read": ("POST", "/notifications/lues", signed_in(to("/notifications?afficher="))),
    "inbox.preferences": ("GET", "/notifications/preferences", signed_in(200)),
    "bulk.index": ("GET", "/admin/messages", admin_only(200)),
    "bulk.new": ("GET", "/admin/messages/nouveau", admin_only(200)),
    "bulk.show": ("GET", "/admin/messages/{bulk_message}", admin_only(200)),
    "bulk.release": ("POST", "/admin/messages/{bulk_message}/envoyer", admin_only(to("/admin/messages/{bulk_message}"))),
    "bulk.cancel": ("POST", "/admin/messages/{bulk_message}/annuler", admin_only(to("/admin/messages/{bulk_message}"))),
    "instruction_list.calls": ("GET", "/instruction", {**admin_only(200), "instructor": 200}),
    "instruction_list.dossiers": ("GET", "/instruction/appels/{call}/dossiers", {**admin_only(200), "instructor": 200}),
    "instruction_list.dossiers#unknown": ("GET", "/instruction/appels/99999999/dossiers",
                                     {**admin_only(404), "instructor": 404}),
    "reviews.grid": ("GET", "/instruction/appels/{call}/grille", admin_only(200)),
    # without the confirmation ticked nothing is frozen: the administrator is sent back to the grid page
    "reviews.freeze": ("POST", "/instruction/appels/{call}/grille/figer",
                       admin_only(to("/instruction/appels/{call}/grille#freeze-title"))),
    # only an assigned reviewer writes a review; the others who read the dossier are refused, strangers not told
    "reviews.form": ("GET", "/relectures/dossiers/{submitted}",
                     {**submitted_view(403), "reviewer": 200}),
    "assignment.page": ("GET", ASSIGNMENT, staff_only(200)),
    "assignment.run": ("POST", ASSIGNMENT + "/lancer", staff_only(to(ASSIGNMENT))),
    "assignment.remove_proposed": ("POST", ASSIGNMENT + "/propositions/999999/retirer", staff_only(404)),
    "assignment.add_proposed": ("POST", ASSIGNMENT + "/propositions/999999/ajouter", staff_only(404)),
    "assignment.confirm": ("POST", ASSIGNMENT + "/propositions/999999/confirmer", staff_only(404)),
    "assignment.assign": ("POST", ASSIGNMENT + "/affecter", staff_only(to(ASSIGNMENT))),
    "assignment.remove_assignment": ("POST", ASSIGNMENT + "/affectations/999999/retirer", staff_only(404)),
    "reviewers.pool": ("GET", "/instruction/appels/{call}/relecteurs", review_staff(200)),
    "reviewers.pool#add": ("POST", "/instruction/appels/{call}/relecteurs", review_staff(400)),
    "reviewers.member": ("GET", "/instruction/appels/{call}/relecteurs/{pool_member}", review_staff(200)),
    "reviewers.member#other_call": ("GET", "/instruction/appels/{draft_call}/relecteurs/{pool_member}",
                                    review_staff(404)),
    "reviewers.remove_member": ("POST", "/instruction/appels/{call}/relecteurs/999999/retirer", review_staff(404)),
    "reviewers.call_conflicts_page": ("GET", "/instruction/appels/{call}/conflits", review_staff(200)),
    "reviewers.call_conflicts_page#record": ("POST", "/instruction/appels/{call}/conflits",
                                             {**review_staff(400), "instructor": 403}),
    "reviewers.remove_conflict": ("GET", "/instruction/appels/{call}/conflits/{conflict}/retirer", admin_only(200)),
    "reviewers.mine": ("GET", "/relectures", call_readers(200)),
    "reviewers.decline_assignment": ("GET", "/relectures/{assignment}/decliner", {**signed_in(403), "reviewer": 200}),
    "reviewers.preferences": ("GET", "/relectures/appels/{call}/preferences", {**signed_in(403), "reviewer": 200}),
    "reviewers.preferences#other_call": ("GET", "/relectures/appels/{draft_call}/preferences",
                                         {**signed_in(403), "reviewer": 404}),
    "reviewers.conflicts": ("GET", "/relectures/appels/{call}/conflits", call_readers(200)),
    "reviewers.conflicts#other_call": ("GET", "/relectures/appels/{draft_call}/conflits", call_readers(404)),
    "reviewers.declare_conflict": ("GET", "/relectures/appels/{call}/conflits/{submitted}", call_readers(200)),
    "reviewers.declare_conflict#draft": ("GET", "/relectures/appels/{call}/conflits/{dossier}", call_readers(404)),
    "committee_hub.index": ("GET", "/comite", signed_in(200)),
    "committee_agenda.page": ("GET", AGENDA, session_people(200)),
    "committee_agenda.agenda_pdf": ("GET", AGENDA + ".pdf", session_people(200)),
    # the matrix's session is not open and its call not scored in session: everyone is told why
    "committee_scoring.score": ("GET", "/comite/seances/{committee_session}/noter", session_people(403)),
    # a pack is its reader's alone (tests/committee/test_pack.py); an unknown session or pack is not found
    "committee_pack.ask": ("POST", "/comite/seances/999999/dossier-de-preparation", signed_in(404)),
    "committee_pack.progress": ("GET", PACK + "/999999", signed_in(404)),
    "committee_pack.download": ("GET", PACK + "/999999.pdf", signed_in(404)),
    "committee_tracker.page": ("GET", "/comite/seances/{committee_session}/enveloppe", session_people(200)),
    "committee_agenda.preparation": ("GET", "/comite/seances/{committee_session}/preparation", session_people(200)),
    "committee_agenda.add": ("POST", AGENDA + "/inscrire", session_staff(to(AGENDA))),
    "committee_agenda.remove": ("POST", AGENDA + "/999999/retirer", session_staff(to(AGENDA))),
    "committee_agenda.move_up": ("POST", AGENDA + "/999999/monter", session_staff(to(AGENDA))),
    "committee_agenda.move_down": ("POST", AGENDA + "/999999/descendre", session_staff(to(AGENDA))),
    "committee_agenda.order": ("POST", AGENDA + "/trier", session_staff(to(AGENDA))),
    # the live meeting: its staff and its convened members (the matrix's committee member); the others may not know it
    "committee_live.live": ("GET", LIVE, session_people(200)),
    "committee_live.follow": ("GET", LIVE_ROOT + "/suivi", session_people(200)),
    # not open yet: nobody's attendance is recorded, so the quorum is not met; the staff are asked to confirm
    "committee_live.open_session": ("POST", LIVE_ROOT + "/ouvrir", {**session_people(403), "admin": 409,
                                                                    "instructor": 409}),
    "committee_live.close_session": ("POST", LIVE_ROOT + "/clore", {**session_people(403), "admin": to(LIVE),
                                                                    "instructor": to(LIVE)}),
    # the chair's controls and the votes: refused with the reason, on the live page (the session is not open)
    "committee_live.next_item": ("POST", LIVE_ROOT + "/point-suivant", session_people(to(LIVE))),
    "committee_live.previous_item": ("POST", LIVE_ROOT + "/point-precedent", session_people(to(LIVE))),
    "committee_live.open_item": ("POST", LIVE_ROOT + "/points/{agenda_item}/ouvrir", session_people(to(LIVE))),
    "committee_live.open_item#other_session": ("POST", LIVE_ROOT + "/points/999999/ouvrir", session_people(404)),
    "committee_live.hand_over": ("POST", LIVE_ROOT + "/presidence", session_people(to(LIVE))),
    "committee_live.take_chair": ("POST", LIVE_ROOT + "/presidence/reprendre", session_staff(to(LIVE))),
    "committee_live.vote": ("POST", LIVE_ROOT + "/points/{agenda_item}/vote", session_people(to(LIVE + "#votes-title"))),
    "committee_live.recommend": ("POST", LIVE_ROOT + "/points/{agenda_item}/avis", session_people(to(LIVE))),
    "committee_sessions.call_sessions_page": ("GET", "/comite/appels/{call}/seances", staff_only(200)),
    "committee_sessions.call_sessions_page#unknown": ("GET", "/comite/appels/99999999/seances", staff_only(404)),
    "committee_sessions.create": ("GET", "/comite/appels/{call}/seances/nouvelle", staff_only(200)),
    "committee_sessions.create#post": ("POST", "/comite/appels/{call}/seances/nouvelle", staff_only(400)),
    # the session's members (the matrix's committee member sits in it) read its page; others are not told of it
    "committee_sessions.show": ("GET", SESSION, session_people(200)),
    "committee_sessions.show#unknown": ("GET", "/comite/seances/99999999", signed_in(404)),
    "committee_sessions.edit": ("GET", SESSION + "/modifier", staff_only(200)),
    "committee_sessions.edit#unknown": ("GET", "/comite/seances/99999999/modifier", staff_only(404)),
    # the first staff member convenes it, the second is told it was already sent: both back on its page
    "committee_sessions.convene": ("POST", SESSION + "/convoquer", staff_only(to(SESSION))),
    "committee_sessions.attendance": ("GET", SESSION + "/presences", staff_only(200)),
    "committee_sessions.delete": ("GET", SESSION + "/supprimer", staff_only(200)),
    "committee_minutes.page": ("GET", MINUTES, session_people(200)),
    "committee_minutes.version": ("GET", MINUTES + "/1", session_people(200)),
    "committee_minutes.pdf": ("GET", MINUTES + "/1.pdf", session_people(200)),
    "committee_minutes.page#save": ("POST", MINUTES, session_staff(to(MINUTES))),
    "committee_minutes.lock": ("POST", MINUTES + "/verrouiller", session_staff(400)),
    "committee_minutes.correct": ("POST", MINUTES + "/corriger", session_staff(to(MINUTES))),
    "committee_minutes.hand_over": ("POST", MINUTES + "/transmettre", session_staff(to(MINUTES))),
    # a released grant of the authority on the submitted dossier, its agreement signed: its holders and staff read its
    # documents, the administrators follow the grant (tests/decisions/test_agreement_*.py)
    "decision_letters.letter": ("GET", GRANT + "/lettre.pdf", grant_readers(200)),
    "decision_agreements.agreement": ("GET", GRANT + "/convention", grant_readers(200)),
    "decision_agreements.agreement_pdf": ("GET", GRANT + "/convention.pdf", grant_readers(200)),
    "decision_agreements.signed_scan": ("GET", GRANT + "/convention/signee", grant_readers(200)),
    "decision_agreements.generate": ("POST", GRANT + "/convention/generer",
                                     grant_managers(to(GRANT + "/convention"))),
    "decision_agreements.sign": ("POST", GRANT + "/convention/signature", grant_managers(400)),
    "agreement_templates.editor": ("GET", "/admin/appels/{call}/convention", admin_only(200)),
    "agreement_templates.editor#post": ("POST", "/admin/appels/{call}/convention", admin_only(400)),
    "agreement_templates.version": ("GET", "/admin/appels/{call}/convention/versions/999999", admin_only(404)),
    # a granted dossier's payments: its holder and the staff; those who pay (administrators) act, others read
    "bank.details": ("GET", GRANTED + "/coordonnees-bancaires", payments_side(200)),
    "bank.details#post": ("POST", GRANTED + "/coordonnees-bancaires",
                          {**payments_side(403), "holder": 400}),
    "payments.schedule": ("GET", GRANTED + "/versements", payments_side(200)),
    "payments.pay": ("POST", GRANTED + "/versements/tranches/{tranche}", {**payments_side(403), "admin": 400}),
    "payments.edit_schedule": ("GET", GRANTED + "/versements/{granted_decision}/echeancier",
                               {**payments_side(403), "admin": 200}),
    "payments_due.due": ("GET", "/decisions/versements", staff_only(200)),
    "payments_due.due_csv": ("GET", "/decisions/versements.csv", admin_only(200)),
    "payments_due.due_xlsx": ("GET", "/decisions/versements.xlsx", admin_only(200)),
}
REPORT = "/dossiers/{report_dossier}/compte-rendu"


def report_readers(outcome) -> dict:
    """A granted dossier's final report: its holders and the staff; the call's partners are not told of it."""
    return {**signed_in(404), "holder": outcome, "instructor": outcome, "admin": outcome}


MATRIX.update({
    # staff read the report on its review page; the holder fills it in
    "final_reports.page": ("GET", REPORT, {**report_readers(200), "instructor": to(REPORT + "/examen"),
                                           "admin": to(REPORT + "/examen")}),
    "final_reports.download": ("GET", REPORT + "/pieces/{report_file}", report_readers(200)),
    "final_reports.remove": ("POST", REPORT + "/pieces/{report_file}/retirer",
                             {**report_readers(403), "holder": to(REPORT + "#files-title")}),
    "final_report_review.page": ("GET", REPORT + "/examen", {**report_readers(200), "holder": 403}),
    # the matrix's report is still a draft: there is nothing to accept or return yet
    "final_report_review.accept": ("POST", REPORT + "/examen/accepter", {**report_readers(409), "holder": 403}),
    "final_report_review.send_back": ("POST", REPORT + "/examen/renvoyer", {**report_readers(409), "holder": 403}),
    # the report is not accepted: the administrator is told why on the dossier's page
    "grant_closing.close": ("POST", "/dossiers/{report_dossier}/cloture",
                            {**report_readers(403), "admin": to("/dossiers/{report_dossier}#report-title")}),
    "grant_closing.recoveries": ("GET", "/subventions/titres-de-recettes", staff_only(200)),
    "grant_closing.issued": ("POST", "/subventions/titres-de-recettes/999999/emis", staff_only(404)),
    "report_indicators.edit": ("GET", "/admin/appels/{call}/indicateurs-compte-rendu", admin_only(200)),
    # a published version's PDF is public (tests/bilan/test_pdf_views.py); the matrix's call has none published
    "bilan_pdf.status": ("GET", "/bilans/{call}/v999/pdf/etat", everyone(404)),
    "bilan_pdf.status_json": ("GET", "/bilans/{call}/v999/pdf/etat.json", everyone(404)),
    "bilan_pdf.download": ("GET", "/bilans/{call}/v999/bilan.pdf", everyone(404)),
    "bilan_pdf.regenerate": ("POST", "/bilans/{call}/v999/pdf/regenerer", admin_only(404)),
    "bilan_pdf.preview": ("GET", "/admin/appels/{call}/bilan/apercu.pdf", admin_only(200)),
})
BILAN_ADMIN = "/admin/appels/{call}/bilan"
MATRIX.update({
    # the live figures and open data of any call are the administrators'; a published version and, once one is
    # published, the call's open data are everyone's (tests/bilan/test_exports_routes.py)
    "bilan_exports.live": ("GET", BILAN_ADMIN + "/export.xlsx", admin_only(200)),
    "bilan_exports.live_structures": ("GET", BILAN_ADMIN + "/structures.csv", admin_only(200)),
    "bilan_exports.live_scdl": ("GET", BILAN_ADMIN + "/subventions.csv", admin_only(200)),
    "bilan_exports.published": ("GET", "/bilans/{call}/v1/export.json", everyone(200)),
    "bilan_exports.published#unknown": ("GET", "/bilans/{call}/v2/export.csv", everyone(404)),
    "bilan_exports.published_structures": ("GET", "/bilans/{call}/v1/structures.csv", everyone(200)),
    "bilan_exports.public_scdl": ("GET", "/bilans/{call}/subventions.csv", everyone(200)),
    "bilan_exports.public_scdl#unpublished": ("GET", "/bilans/{draft_call}/subventions.csv", everyone(404)),
})
MATRIX.update({
    # administrators write, preview and publish; the matrix's forms are empty: refused as incomplete
    "bilan_admin.index": ("GET", "/admin/bilans", admin_only(200)),
    "bilan_admin.edit": ("GET", BILAN_ADMIN, admin_only(200)),
    "bilan_admin.edit#save": ("POST", BILAN_ADMIN, admin_only(400)),
    "bilan_admin.edit#unknown": ("GET", "/admin/appels/99999999/bilan", admin_only(404)),
    "bilan_admin.preview": ("GET", BILAN_ADMIN + "/apercu", admin_only(200)),
    "bilan_admin.publish": ("POST", BILAN_ADMIN + "/publier", admin_only(400)),
    # a published version (the matrix's call has one) is everyone's, with no account; a bilan never published, or a
    # version that does not exist, is no one's to read there
    "public_bilans.index": ("GET", "/bilans", everyone(200)),
    "public_bilans.latest": ("GET", "/bilans/{call}", everyone(to("/bilans/{call}/v1"))),
    "public_bilans.latest#draft": ("GET", "/bilans/{draft_call}", everyone(404)),
    "public_bilans.version": ("GET", "/bilans/{call}/v1", everyone(200)),
    "public_bilans.version#unknown": ("GET", "/bilans/{call}/v2", everyone(404)),
    "public_bilans.version#draft": ("GET", "/bilans/{draft_call}/v1", everyone(404)),
})
UNGUARDED = {"static"}


@pytest.fixture
def world(session):
    call = factories.make_open_call()
    users = {
        "holder": factories.make_user(),
        "other_holder": factories.make_user(),
        "instructor": factories.make_user(roles=("instructor",), totp=True),
        "reviewer": factories.make_user(roles=("reviewer",), call=call, totp=True),
        "committee": factories.make_user(roles=("committee",), call=call, totp=True),
        "funder": factories.make_user(roles=("funder",), call=call, totp=True),
        "admin": factories.make_user(roles=("admin",), totp=True),
    }
    organisation = factories.make_organisation(members=[users["holder"]])
    factories.make_organisation(members=[users["other_holder"]])
    mail = Mail(idempotency_key="matrix", to_address="x@example.org", template="verify_email", subject="s",
                body_text="t", body_html="h")
    db.session.add(mail)
    bulk_message = BulkMessage(subject="Réunion d'information", body="Bonjour à toutes et tous.")
    announcement = BulkMessage(subject="Report de la clôture", body="Nouvelle date.", status="sent",
                               released_at=utcnow(), audience={"user_ids": [users["holder"].id]})
    history_import = HistoryImport(file_name="historique.csv", file_sha256="0" * 64, rows=1, created={"dossiers": 1})
    db.session.add_all([bulk_message, announcement, history_import])
    dossier = factories.make_dossier(call, organisation, users["holder"])
    stored = storage().save(BytesIO(b"%PDF-1.4\n%%EOF\n"), "piece.pdf")
    audit.append(dossier, transition="create", from_state="draft", to_state="draft", actor=users["admin"],
                 at=utcnow(), payload={"file": stored.as_dict()})
    attachment = attach(dossier, "autre", stored, users["holder"])
    message = post_message(dossier, users["holder"], "Une question sur le budget.", stored)
    draft_call = factories.make_call(state="draft", title="Appel en préparation")
    submitted = factories.make_dossier(call, organisation, users["holder"])
    engine.apply_transition(submitted.id, "submit", users["holder"])
    assignment = Assignment(dossier_id=submitted.id, user_id=users["reviewer"].id)  # the matrix's reviewer reads it
    pool_member = PoolMember(call_id=call.id, user_id=users["reviewer"].id, group="banks", strand_ids=[],
                             non_neutral_communes=[])
    other_submitted = factories.make_dossier(call, organisation, users["holder"])
    engine.apply_transition(other_submitted.id, "submit", users["holder"])
    conflict = Conflict(dossier_id=other_submitted.id, user_id=users["funder"].id, kind="family", declared_at=utcnow())
    db.session.add_all([assignment, pool_member, conflict])
    committee_session = make_session(call, [users["committee"]])
    agenda_item = AgendaItem(session_id=committee_session.id, dossier_id=submitted.id, position=1)
    db.session.add(agenda_item)
    grant = Decision(dossier_id=submitted.id, outcome="granted", instrument="grant", amount=Decimal("30000"),
                     deliberation_reference="CT-2026-1", deliberation_date=date(2026, 3, 17), decided_at=utcnow(),
                     released_at=utcnow())
    db.session.add(grant)
    db.session.flush()
    db.session.add(Agreement(decision_id=grant.id, text="# Convention", generated_at=utcnow(),
                             signed_on=date.today(), stored_file=stored))
    funder = Funder(call_id=call.id, name="Région", envelope=Decimal("10000"))
    decision = Decision(dossier_id=submitted.id, outcome="refused", motivation="Hors cible",
                        deliberation_reference="DEL-1", deliberation_date=date(2026, 6, 1), decided_at=utcnow())
    db.session.add_all([funder, decision])
    db.session.flush()
    seat = seat_decider(funder, factories.make_user(email="region.matrix@example.org", totp=True).email)
    granted = granted_dossier(call, organisation, users["holder"])
    granted_decision = decision_on(granted)
    tranche = plan_tranches(granted_decision, utcnow())[0]
    db.session.commit()
    report_ids = reports_world.matrix_ids(call, organisation, users["holder"])
    exports_world.publish(call, exports_world.snapshot(), 1)
    receipt = db.session.execute(db.select(Receipt).where(Receipt.dossier_id == submitted.id)).scalar_one()
    notification = db.session.execute(db.select(Notification).where(Notification.user_id == users["holder"].id)
                                      .order_by(Notification.id)).scalars().first()
    return users, {"organisation": organisation.id, "mail": mail.id, "dossier": dossier.id, "call": call.id,
                   "draft_call": draft_call.id, "version": call.workflow_version_id, "submitted": submitted.id,
                   "receipt": receipt.id, "notification": notification.id, "attachment": attachment.id, "message": message.id,
                   "bulk_message": bulk_message.id, "announcement": announcement.id, "assignment": assignment.id,
                   "pool_member": pool_member.id, "conflict": conflict.id,
                   "grant": grant.id,
                   "committee_session": committee_session.id, "agenda_item": agenda_item.id, "funder": funder.id,
                   "seat": seat.id, "decision": decision.id, **report_ids,
                   "granted": granted.id, "granted_decision": granted_decision.id, "tranche": tranche.id,
                   "history_import": history_import.id}


def outcome(response) -> str | int:
    if response.status_code in (301, 302, 303):
        target = urlsplit(response.location)
        path = target.path + (f"?{target.query}" if target.query else "") + (f"#{target.fragment}" if target.fragment else "")
        return LOGIN if path.startswith("/connexion?next=") else to(path)
    return response.status_code


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - UNGUARDED == {row.split("#")[0] for row in MATRIX}


def test_every_view_declares_its_access_rule(app):
    missing = [name for name, view in app.view_functions.items()
               if name not in UNGUARDED and not hasattr(view, "access_rule")]
    assert missing == []


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_route_answers_each_role_as_expected(app, world, endpoint):
    users, ids = world
    method, template, expected = MATRIX[endpoint]
    path = template.format(**ids)
    expected = {role: value.format(**ids) if isinstance(value, str) else value for role, value in expected.items()}
    seen = {}
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            client.login(users[role])
        seen[role] = outcome(client.open(path, method=method))
    assert seen == expected


def test_a_view_without_a_rule_is_refused_to_everyone(app, world):
    users, _ids = world
    app.view_functions["public_calls.home"].__dict__.pop("access_rule")
    try:
        client = app.test_client()
        client.login(users["admin"])
        assert client.get("/").status_code == 403
    finally:
        from aap.core.permissions import public

        app.view_functions["public_calls.home"].access_rule = public
