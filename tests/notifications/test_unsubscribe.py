"""One-click unsubscribe: a signed link per person and event, in the mail's footer and its headers."""
import re

from itsdangerous import URLSafeTimedSerializer

from aap.extensions import db
from aap.notifications.models import NotificationPreference
from aap.notifications.operations import notify
from aap.workflow import engine
from tests import factories


def _message(user):
    notify(user, "dossier_message", dossier_title="Épicerie", author="Instruction", body="Bonjour",
           link="http://localhost/dossiers/1")
    db.session.commit()


def _unsubscribe_path(message) -> str:
    return re.search(r"<http://localhost(/notifications/desabonnement/[^>]+)>", message["List-Unsubscribe"]).group(1)


def _channel(user, event):
    return db.session.execute(db.select(NotificationPreference.channel).where(
        NotificationPreference.user_id == user.id, NotificationPreference.event == event)).scalar()


def test_a_mail_that_can_be_switched_off_carries_the_link_and_the_one_click_headers(session, worker, mailbox):
    user = factories.make_user(email="porteur@example.org")
    _message(user)
    worker.drain()
    [message] = mailbox.to("porteur@example.org")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = _unsubscribe_path(message)
    assert f"Ne plus recevoir ce type de courriel : http://localhost{path}" in mailbox.text(message)


def test_an_essential_mail_has_no_unsubscribe_link(session, worker, mailbox):
    holder = factories.make_user(email="porteuse@example.org")
    call = factories.make_open_call()
    dossier = factories.make_dossier(call, factories.make_organisation(members=[holder]), holder)
    engine.apply_transition(dossier.id, "submit", holder)
    db.session.commit()
    worker.drain()
    [receipt] = mailbox.to("porteuse@example.org")
    assert receipt["List-Unsubscribe"] is None and "Ne plus recevoir" not in mailbox.text(receipt)


def test_opening_the_link_asks_and_the_one_click_post_switches_the_event_off(app, session, client, worker, mailbox):
    user = factories.make_user(email="porteur@example.org")
    _message(user)
    worker.drain()
    path = _unsubscribe_path(mailbox.to("porteur@example.org")[0])
    asked = client.get(path)
    assert asked.status_code == 200 and "« Nouveau message dans le fil d'un dossier »" in asked.page
    assert _channel(user, "dossier_message") is None  # a link checker opening it changes nothing
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post("/notifications/lues").status_code == 400  # CSRF is really on
        done = client.post(path, data={"List-Unsubscribe": "One-Click"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert done.status_code == 200 and "C'est fait" in done.page
    assert _channel(user, "dossier_message") == "off"
    mailbox.clear()
    _message(user)
    worker.drain()
    assert mailbox.messages == []


def test_a_tampered_or_forged_link_is_refused_clearly(app, session, client):
    user = factories.make_user()
    refused = client.get("/notifications/desabonnement/pas-un-jeton")
    assert refused.status_code == 400 and "n'est pas valable" in refused.page
    with app.test_request_context():
        signer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="aap-unsubscribe")
        essential = signer.dumps({"u": user.id, "e": "decision"})
        unknown_user = signer.dumps({"u": 999999, "e": "dossier_message"})
    for token in (essential, unknown_user):
        response = client.post(f"/notifications/desabonnement/{token}")
        assert response.status_code == 400 and "n'est pas valable" in response.page
    assert db.session.execute(db.select(NotificationPreference)).first() is None
