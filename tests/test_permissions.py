"""Every route × every role: what is allowed, what is refused, and how.

A new route fails test_every_route_is_in_the_matrix until its row is added here.
"""
import pytest

from io import BytesIO

from aap.core.models import utcnow
from aap.core.storage import storage
from aap.extensions import db
from aap.bulk.models import BulkMessage
from aap.mail.models import Mail
from aap.notifications.models import Notification
from aap.dossiers.attachments import attach
from aap.dossiers.operations import post_message
from aap.dossiers.receipts import Receipt
from aap.workflow import audit, engine
from tests import factories

# the holder goes last: their POSTs change the dossier that the others have just tried
ROLES = ["anonymous", "other_holder", "instructor", "reviewer", "committee", "funder", "admin", "holder"]
OK, LOGIN, FORBIDDEN, HIDDEN = "ok", "login", 403, 404

EVERYONE = {role: OK for role in ROLES}
SIGNED_IN = {**EVERYONE, "anonymous": LOGIN}
ADMIN_ONLY = {**{role: FORBIDDEN for role in ROLES}, "anonymous": LOGIN, "admin": OK}
ORGANISATION_VIEW = {"anonymous": LOGIN, "holder": OK, "other_holder": HIDDEN, "instructor": OK,
                     "reviewer": HIDDEN, "committee": HIDDEN, "funder": HIDDEN, "admin": OK}
ORGANISATION_EDIT = {**ORGANISATION_VIEW, "instructor": FORBIDDEN, "admin": FORBIDDEN}
DOSSIER_VIEW = {**{role: OK for role in ROLES}, "anonymous": LOGIN, "other_holder": HIDDEN}
THREAD = {**DOSSIER_VIEW, "reviewer": HIDDEN, "committee": HIDDEN, "funder": HIDDEN}
#: a draft belongs to its organisation until it is submitted; an administrator opens it for support, recorded
DRAFT_HOLDER_ONLY = {**{role: HIDDEN for role in ROLES}, "anonymous": LOGIN, "holder": OK}
DRAFT_PAGE = {**DRAFT_HOLDER_ONLY, "admin": OK}
NOTIFICATION_OWNER = {**{role: HIDDEN for role in ROLES}, "anonymous": LOGIN, "holder": OK}

#: endpoint: (method, path template, expectation per role)
MATRIX = {
    "public_calls.home": ("GET", "/", EVERYONE),
    "core.accessibility": ("GET", "/accessibilite", EVERYONE),
    "core.set_language": ("POST", "/langue", EVERYONE),
    "core.healthz": ("GET", "/healthz", EVERYONE),
    "auth.register": ("GET", "/inscription", EVERYONE),
    "auth.check_mailbox": ("GET", "/inscription/verifiez-vos-mails", EVERYONE),
    "auth.verify_email": ("GET", "/verification/not-a-token", EVERYONE),
    "auth.resend_verification": ("GET", "/verification/renvoyer", EVERYONE),
    "auth.login": ("GET", "/connexion", EVERYONE),
    "auth.two_factor": ("GET", "/connexion/code", EVERYONE),
    "auth.enrol_totp": ("GET", "/connexion/double-authentification", EVERYONE),
    "auth.logout": ("POST", "/deconnexion", EVERYONE),
    "auth.forgot_password": ("GET", "/mot-de-passe-oublie", EVERYONE),
    "auth.reset_password": ("GET", "/mot-de-passe/not-a-token", EVERYONE),
    "auth.accept_invitation": ("GET", "/invitation/not-a-token", EVERYONE),
    "account.account": ("GET", "/compte", SIGNED_IN),
    "account.change_password": ("POST", "/compte/mot-de-passe", SIGNED_IN),
    "account.disable_totp": ("POST", "/compte/double-authentification/desactiver", SIGNED_IN),
    "account.regenerate_codes": ("POST", "/compte/codes-de-secours", SIGNED_IN),
    "account.confirm_password": ("GET", "/compte/confirmer", SIGNED_IN),
    "account.end_other_sessions": ("POST", "/compte/sessions/fermer-les-autres", SIGNED_IN),
    "account.end_session": ("POST", "/compte/sessions/999999/fermer", SIGNED_IN),
    "organisations.index": ("GET", "/structures", SIGNED_IN),
    "organisations.create": ("GET", "/structures/nouvelle", SIGNED_IN),
    "organisations.export": ("GET", "/structures/export.csv", {**ADMIN_ONLY, "instructor": OK}),
    "organisations.show": ("GET", "/structures/{organisation}", ORGANISATION_VIEW),
    "organisations.edit": ("GET", "/structures/{organisation}/modifier", ORGANISATION_EDIT),
    "organisations.invite": ("POST", "/structures/{organisation}/inviter", ORGANISATION_EDIT),
    "organisations.join": ("GET", "/structures/invitation/not-a-token", SIGNED_IN),
    "dossiers.index": ("GET", "/dossiers", SIGNED_IN),
    "dossiers.show": ("GET", "/dossiers/{dossier}", DRAFT_PAGE),
    "dossiers.show#submitted": ("GET", "/dossiers/{submitted}", DOSSIER_VIEW),
    "dossiers.support": ("GET", "/dossiers/{dossier}/assistance", ADMIN_ONLY),
    "dossiers.support#submitted": ("GET", "/dossiers/{submitted}/assistance", ADMIN_ONLY),
    "dossiers.act": ("POST", "/dossiers/{dossier}/actions/submit", DRAFT_HOLDER_ONLY),
    "dossiers.receipt_pdf": ("GET", "/dossiers/{submitted}/accuses/{receipt}.pdf", DOSSIER_VIEW),
    "dossiers.upload": ("POST", "/dossiers/{dossier}/pieces", DRAFT_HOLDER_ONLY),
    "dossiers.download": ("GET", "/dossiers/{dossier}/pieces/{attachment}", DRAFT_HOLDER_ONLY),
    "dossiers.remove": ("POST", "/dossiers/{dossier}/pieces/{attachment}/supprimer", DRAFT_HOLDER_ONLY),
    "dossiers.post": ("POST", "/dossiers/{dossier}/messages", DRAFT_HOLDER_ONLY),
    "dossiers.post#submitted": ("POST", "/dossiers/{submitted}/messages", THREAD),
    "dossiers.message_file": ("GET", "/dossiers/{dossier}/messages/{message}/fichier", DRAFT_HOLDER_ONLY),
    "dossiers.record_file": ("GET", "/dossiers/{dossier}/journal/2/fichier", DRAFT_HOLDER_ONLY),
    "calls.index": ("GET", "/admin/appels", ADMIN_ONLY),
    "calls.create": ("GET", "/admin/appels/nouveau", ADMIN_ONLY),
    "calls.edit": ("GET", "/admin/appels/{call}/modifier", ADMIN_ONLY),
    "calls.edit_form": ("GET", "/admin/appels/{call}/formulaire", ADMIN_ONLY),
    "calls.change_state": ("POST", "/admin/appels/{call}/etat/close", ADMIN_ONLY),
    "public_calls.index": ("GET", "/appels", EVERYONE),
    "public_calls.show": ("GET", "/appels/{call}", EVERYONE),
    "dossier_start.start": ("GET", "/appels/{call}/deposer", SIGNED_IN),
    "dossiers.edit": ("GET", "/dossiers/{dossier}/modifier", DRAFT_HOLDER_ONLY),
    "calls.open_call": ("POST", "/admin/appels/{draft_call}/ouvrir", ADMIN_ONLY),
    "migration.migrate": ("GET", "/admin/appels/{call}/migration", ADMIN_ONLY),
    "workflows.index": ("GET", "/admin/workflows", ADMIN_ONLY),
    "workflows.show": ("GET", "/admin/workflows/plaine-commune", ADMIN_ONLY),
    "workflows.version": ("GET", "/admin/workflows/versions/{version}", ADMIN_ONLY),
    "admin.users": ("GET", "/admin/utilisateurs", ADMIN_ONLY),
    "admin.invite": ("POST", "/admin/utilisateurs/inviter", ADMIN_ONLY),
    "mailbox.mailbox": ("GET", "/admin/courriels", ADMIN_ONLY),
    "mailbox.mail": ("GET", "/admin/courriels/{mail}", ADMIN_ONLY),
    "mailbox.resend": ("POST", "/admin/courriels/{mail}/renvoyer", ADMIN_ONLY),
    "mailbox.resend_failed": ("POST", "/admin/courriels/renvoyer-les-echecs", ADMIN_ONLY),
    "mailbox.queue_health": ("GET", "/admin/file-d-attente", ADMIN_ONLY),
    "inbox.index": ("GET", "/notifications", SIGNED_IN),
    "inbox.follow": ("GET", "/notifications/{notification}", NOTIFICATION_OWNER),
    "bulk.announcement": ("GET", "/notifications/messages/{announcement}", {**NOTIFICATION_OWNER, "admin": OK}),
    "inbox.unsubscribe": ("GET", "/notifications/desabonnement/not-a-token", EVERYONE),
    "inbox.mark_read": ("POST", "/notifications/lues", SIGNED_IN),
    "inbox.preferences": ("GET", "/notifications/preferences", SIGNED_IN),
    "bulk.index": ("GET", "/admin/messages", ADMIN_ONLY),
    "bulk.new": ("GET", "/admin/messages/nouveau", ADMIN_ONLY),
    "bulk.show": ("GET", "/admin/messages/{bulk_message}", ADMIN_ONLY),
    "bulk.release": ("POST", "/admin/messages/{bulk_message}/envoyer", ADMIN_ONLY),
    "bulk.cancel": ("POST", "/admin/messages/{bulk_message}/annuler", ADMIN_ONLY),
}
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
    db.session.add_all([bulk_message, announcement])
    dossier = factories.make_dossier(call, organisation, users["holder"])
    stored = storage().save(BytesIO(b"%PDF-1.4\n%%EOF\n"), "piece.pdf")
    audit.append(dossier, transition="create", from_state="draft", to_state="draft", actor=users["admin"],
                 at=utcnow(), payload={"file": stored.as_dict()})
    attachment = attach(dossier, "autre", stored, users["holder"])
    message = post_message(dossier, users["holder"], "Une question sur le budget.", stored)
    draft_call = factories.make_call(state="draft", title="Appel en préparation")
    submitted = factories.make_dossier(call, organisation, users["holder"])
    engine.apply_transition(submitted.id, "submit", users["holder"])
    db.session.commit()
    receipt = db.session.execute(db.select(Receipt).where(Receipt.dossier_id == submitted.id)).scalar_one()
    notification = db.session.execute(db.select(Notification).where(Notification.user_id == users["holder"].id)
                                      .order_by(Notification.id)).scalars().first()
    return users, {"organisation": organisation.id, "mail": mail.id, "dossier": dossier.id, "call": call.id,
                   "draft_call": draft_call.id, "version": call.workflow_version_id, "submitted": submitted.id,
                   "receipt": receipt.id, "notification": notification.id, "attachment": attachment.id, "message": message.id,
                   "bulk_message": bulk_message.id, "announcement": announcement.id}


def outcome(response) -> str | int:
    if response.status_code in (403, 404):
        return response.status_code
    if response.status_code == 302 and "/connexion?next=" in response.location:
        return LOGIN
    assert response.status_code < 500, response.page
    return OK


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
