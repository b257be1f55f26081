"""The administration pages and the remaining account pages, each checked by axe."""
import itertools

import pytest

from aap.extensions import db
from aap.mail.models import Mail
from tests import factories
from tests.browser.test_workflow import sign_in

pytestmark = pytest.mark.browser
COUNTER = itertools.count(1)


def test_admin_pages_are_accessible(page, live_app):
    suffix = next(COUNTER)
    with live_app.app_context():
        admin = factories.make_user(email=f"admin.pages{suffix}@example.org", roles=("admin",), totp=True)
        call = factories.with_cerfa_form(factories.make_open_call(title=f"Appel admin {suffix}"))
        holder = factories.make_user()
        dossier = factories.make_dossier(call, factories.make_organisation(members=[holder]), holder)
        mail = Mail(idempotency_key=f"admin-pages:{suffix}", to_address=holder.email, template="dossier_update",
                    subject="Votre dossier : Déposé", body_text=f"Le détail : http://127.0.0.1/dossiers/{dossier.id}",
                    body_html="<p>Déposé</p>", status="failed", attempts=5,
                    last_error="Serveur SMTP injoignable (ConnectionRefusedError) : connexion refusée")
        db.session.add(mail)
        db.session.commit()
        email, secret, call_id, version_id = admin.email, admin.totp_secret, call.id, call.workflow_version_id
        mail_id, draft_id = mail.id, dossier.id
    sign_in(page, email, secret)
    for path in ("/admin/appels", "/admin/appels/nouveau", f"/admin/appels/{call_id}/modifier",
                 f"/admin/appels/{call_id}/formulaire", f"/admin/appels/{call_id}/migration", "/admin/workflows",
                 "/admin/workflows/deux-temps", f"/admin/workflows/versions/{version_id}", "/admin/courriels",
                 f"/admin/courriels/{mail_id}", "/admin/file-d-attente", "/dossiers", "/structures"):
        page.goto(path)
        page.audit()
        assert page.get_by_role("heading", level=1).is_visible()
    # a holder's draft opens for support only with a reason, recorded in its history
    page.goto(f"/dossiers/{draft_id}")
    page.audit()
    page.get_by_role("button", name="Ouvrir pour assistance").click()
    page.audit()
    assert page.get_by_text("Indiquez le motif de cette ouverture.").first.is_visible()
    page.get_by_label("Pourquoi ouvrez-vous ce brouillon ?").fill("Appel de la structure : aide au budget")
    page.get_by_role("button", name="Ouvrir pour assistance").click()
    page.audit()
    assert page.get_by_text("Brouillon ouvert par l'administration pour assistance").first.is_visible()


def test_holder_opts_into_two_factor_and_reads_the_site_in_english(page, live_app):
    suffix = next(COUNTER)
    with live_app.app_context():
        holder = factories.make_user(email=f"anglais{suffix}@example.org")
        email = holder.email
    sign_in(page, email)
    page.goto("/compte")
    page.audit()
    page.get_by_role("link", name="Activer la double authentification").click()
    page.audit()
    assert page.get_by_role("img", name="QR code de configuration de la double authentification (la clé est aussi "
                                        "donnée en texte ci-dessous)").is_visible()
    page.get_by_label("Langue", exact=True).select_option("en")
    page.get_by_role("button", name="Changer").click()
    page.audit()
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto("/mot-de-passe-oublie")
    page.audit()
    page.goto("/accessibilite")
    page.audit()
