"""Preferences per event (immediate, daily digest, off), essential messages always sent, the digest's content."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from aap.extensions import db
from aap.mail.models import Mail
from aap.notifications.models import NotificationPreference
from aap.notifications.operations import notify, queue_digests, set_preferences
from aap.workflow import engine
from tests import factories

PARIS = ZoneInfo("Europe/Paris")


def _message(user, title="Épicerie solidaire", body="Bonjour", number=1):
    return notify(user, "dossier_message", dossier_title=title, dossier_number=number, author="Instruction", body=body,
                  link="http://localhost/dossiers/1#messages-title")


def _mails_to(user):
    return db.session.execute(db.select(Mail).where(Mail.user_id == user.id).order_by(Mail.id)).scalars().all()


def test_by_default_a_notification_is_mailed_at_once_and_shown_in_the_app(session, worker, mailbox):
    user = factories.make_user(email="porteur@example.org")
    notification = _message(user)
    db.session.commit()
    worker.drain()
    assert notification.channel == "immediate" and notification.read_at is None
    assert notification.title == "Nouveau message sur le dossier n° 1"
    assert len(mailbox.to("porteur@example.org")) == 1


def test_off_keeps_the_notification_in_the_app_and_sends_no_mail(session, worker, mailbox):
    user = factories.make_user(email="porteur@example.org")
    set_preferences(user, {"dossier_message": "off"})
    notification = _message(user)
    db.session.commit()
    worker.drain()
    assert notification.channel == "off" and mailbox.messages == [] and _mails_to(user) == []
    assert queue_digests(datetime(2026, 11, 23, 9, tzinfo=PARIS)) == 0


def test_essential_messages_ignore_the_preference_and_cannot_be_switched_off(session, worker, mailbox):
    holder = factories.make_user(email="porteuse@example.org")
    with pytest.raises(ValueError):
        set_preferences(holder, {"info_requested": "off"})
    db.session.add(NotificationPreference(user_id=holder.id, event="dossier_received", channel="off"))  # a stale row
    set_preferences(holder, {"dossier_update": "off"})
    call = factories.make_open_call()
    dossier = factories.make_dossier(call, factories.make_organisation(members=[holder]), holder)
    engine.apply_transition(dossier.id, "submit", holder)
    db.session.commit()
    worker.drain()
    [receipt] = mailbox.to("porteuse@example.org")
    assert receipt["Subject"].startswith("Accusé de réception AAP-")


@pytest.mark.parametrize("bad", [{"dossier_message": "weekly"}, {"no_such_event": "off"}])
def test_an_unknown_choice_is_refused(session, bad):
    with pytest.raises(ValueError):
        set_preferences(factories.make_user(), bad)


def test_the_digest_gathers_the_day_once_after_eight_in_paris(session, worker, mailbox):
    user = factories.make_user(email="porteur@example.org", full_name="Awa")
    set_preferences(user, {"dossier_message": "digest"})
    first = _message(user, title="Épicerie <b>solidaire</b>", number=7)
    second = _message(user, title="Ressourcerie", number=8)
    db.session.commit()
    worker.drain()
    assert mailbox.messages == []  # nothing at once
    assert queue_digests(datetime(2026, 11, 23, 7, 59, tzinfo=PARIS)) == 0
    assert queue_digests(datetime(2026, 11, 23, 8, 0, tzinfo=PARIS)) == 1
    assert queue_digests(datetime(2026, 11, 23, 18, 0, tzinfo=PARIS)) == 0  # once a day
    db.session.commit()
    worker.drain()
    [digest] = mailbox.to("porteur@example.org")
    assert digest["Subject"] == "Votre résumé du 23/11/2026 : 2 notifications"
    text, html = mailbox.text(digest), mailbox.html(digest)
    assert "dossier n° 7" in text and "dossier n° 8" in text and "dossier n° 7" in html
    assert "solidaire" not in text + html  # a title typed by a holder is not in a notification's title
    assert "http://localhost/notifications/preferences" in text
    assert first.digest_mail_id == second.digest_mail_id == _mails_to(user)[0].id


def test_a_notification_after_the_days_digest_waits_for_the_next_one(session, worker, mailbox):
    user = factories.make_user(email="porteur@example.org")
    set_preferences(user, {"dossier_message": "digest"})
    _message(user, number=101)
    assert queue_digests(datetime(2026, 11, 23, 8, 30, tzinfo=PARIS)) == 1
    late = _message(user, number=202)
    assert queue_digests(datetime(2026, 11, 23, 20, 0, tzinfo=PARIS)) == 0
    assert queue_digests(datetime(2026, 11, 24, 8, 1, tzinfo=PARIS)) == 1
    db.session.commit()
    worker.drain()
    first, second = sorted(mailbox.to(user.email), key=lambda message: message["Subject"])
    assert "n° 101" in mailbox.text(first) and "n° 202" not in mailbox.text(first)
    assert "n° 202" in mailbox.text(second) and "n° 101" not in mailbox.text(second)
    assert late.digest_mail_id is not None


def test_a_disabled_account_gets_no_digest(session):
    user = factories.make_user()
    set_preferences(user, {"dossier_message": "digest"})
    _message(user)
    user.active = False
    assert queue_digests(datetime(2026, 11, 23, 9, tzinfo=PARIS)) == 0


def test_the_periodic_sweep_writes_the_digest(app, session, worker, mailbox):
    from aap.core.periodic import run_sweeps

    user = factories.make_user(email="porteur@example.org")
    set_preferences(user, {"dossier_message": "digest"})
    _message(user)
    db.session.commit()
    with time_machine.travel(datetime(2026, 11, 23, 8, 1, tzinfo=PARIS) + timedelta(days=365)):
        assert run_sweeps()["digests"] == 1
        worker.drain()
    assert len(mailbox.to("porteur@example.org")) == 1


def test_the_preferences_page_saves_each_choice_and_shows_the_essential_ones(client, login_as):
    user = login_as("holder")
    page = client.get("/notifications/preferences")
    assert "Toujours envoyés par courriel" in page.page and "Décision sur un dossier" in page.page
    assert 'name="decision"' not in page.text and 'name="dossier_message"' in page.text
    assert 'name="dossier_submitted"' not in page.text  # a staff event: not offered to a holder
    choices = {"dossier_message": "digest", "dossier_update": "off", "draft_reminder": "immediate",
               "final_report_due": "digest",
               "announcement": "immediate"}
    response = client.post("/notifications/preferences", data=choices)
    assert response.status_code == 302
    stored = dict(db.session.execute(db.select(NotificationPreference.event, NotificationPreference.channel)
                                     .where(NotificationPreference.user_id == user.id)).all())
    assert stored == choices
    refused = client.post("/notifications/preferences", data={**choices, "dossier_message": "weekly"})
    assert refused.status_code == 400 and "Le formulaire contient 1 erreur" in refused.page
    assert db.session.execute(db.select(NotificationPreference.channel).where(
        NotificationPreference.user_id == user.id, NotificationPreference.event == "dossier_message")).scalar() == "digest"


def test_staff_are_offered_staff_events(client, login_as):
    login_as("instructor")
    page = client.get("/notifications/preferences")
    assert 'name="dossier_submitted"' in page.text and 'name="draft_reminder"' in page.text  # holders too
