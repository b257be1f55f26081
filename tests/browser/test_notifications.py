"""A holder's notification centre, preferences, unsubscribe link and bulk message, in a real browser, with axe."""
import itertools

import pytest

from aap.bulk.models import BulkMessage
from aap.core.models import utcnow
from aap.extensions import db
from aap.notifications.operations import notify
from aap.notifications.unsubscribe import unsubscribe_url
from tests import factories
from tests.browser.test_workflow import sign_in

pytestmark = pytest.mark.browser
COUNTER = itertools.count(1)


def test_holder_reads_a_notification_and_chooses_a_daily_digest(page, live_app):
    suffix = next(COUNTER)
    with live_app.app_context():
        holder = factories.make_user(email=f"centre{suffix}@example.org")
        call = factories.make_open_call(title=f"Appel centre {suffix}")
        dossier = factories.make_dossier(call, factories.make_organisation(members=[holder]), holder)
        for state in ("Déposé", "En instruction"):
            notify(holder, "dossier_update", dossier_title="Épicerie solidaire", dossier_number=dossier.id,
                   organisation="Asso",
                   call=str(call), state=state, comment="", link=f"{live_app.config['PUBLIC_URL']}/dossiers/{dossier.id}")
        message = BulkMessage(subject="Réunion d'information", body="Jeudi à 18 h.\nÀ la Maison de l'ESS.",
                              status="sent", released_at=utcnow(), audience={"user_ids": [holder.id]})
        db.session.add(message)
        db.session.commit()
        email, dossier_id, message_id = holder.email, dossier.id, message.id
        with live_app.test_request_context():
            unsubscribe = unsubscribe_url(holder, "dossier_update")
    sign_in(page, email)
    navigation = page.get_by_role("navigation", name="Menu principal")
    assert navigation.get_by_role("link", name="Notifications 2 non lues").is_visible()
    navigation.get_by_role("link", name="Notifications 2 non lues").click()
    page.audit()
    page.get_by_role("link", name=f"Votre dossier n° {dossier_id} : En instruction").click()
    page.audit()
    assert page.url.endswith(f"/dossiers/{dossier_id}")
    assert navigation.get_by_role("link", name="Notifications 1 non lue").is_visible()

    page.goto("/notifications/preferences")
    page.audit()
    group = page.get_by_role("group", name="Nouveau message dans le fil d'un dossier")
    group.get_by_label("Dans un résumé quotidien").check()
    page.get_by_role("button", name="Enregistrer mes préférences").click()
    page.audit()
    assert page.get_by_text("Vos préférences de notification sont enregistrées.").is_visible()
    assert page.get_by_role("group", name="Nouveau message dans le fil d'un dossier") \
        .get_by_label("Dans un résumé quotidien").is_checked()

    page.goto(unsubscribe)
    page.audit()
    page.get_by_role("button", name="Ne plus recevoir ces courriels").click()
    page.audit()
    assert page.get_by_role("status").filter(has_text="ne recevra plus de courriel pour « Avancement d'un dossier »") \
        .is_visible()

    page.goto(f"/notifications/messages/{message_id}")
    page.audit()
    assert page.get_by_role("heading", level=1, name="Réunion d'information").is_visible()
