"""The mail outbox of the foundation: written with its cause, sent after the commit, once."""
from aap.extensions import db
from aap.notifications.mail import queue_mail
from aap.notifications.models import Mail
from aap.notifications.tasks import deliver_mail
from tests import factories


def test_a_rolled_back_change_sends_nothing(session, worker, mailbox):
    user = factories.make_user(email="porteur@example.org")
    queue_mail(user.email, "verify_email", user=user, link="http://localhost/x")
    db.session.rollback()
    assert worker.drain() == 0
    assert mailbox.messages == [] and db.session.execute(db.select(Mail)).first() is None


def test_delivering_twice_sends_one_mail(session, worker, mailbox):
    user = factories.make_user(email="porteur@example.org")
    mail = queue_mail(user.email, "verify_email", user=user, link="http://localhost/x")
    db.session.commit()
    worker.drain()
    assert deliver_mail(mail.id) == "already sent"
    assert len(mailbox.to("porteur@example.org")) == 1


def test_mail_is_rendered_in_the_recipient_language_with_values_escaped(session, worker, mailbox):
    user = factories.make_user(email="porteur@example.org", full_name="<b>Camille</b>", locale="en")
    queue_mail(user.email, "verify_email", user=user, link="http://localhost/x")
    db.session.commit()
    worker.drain()
    [message] = mailbox.to("porteur@example.org")
    assert message["Subject"] == "Confirm your email address"
    assert "&lt;b&gt;Camille&lt;/b&gt;" in mailbox.html(message) and "<b>Camille</b>" not in mailbox.html(message)
    assert "Hello <b>Camille</b>," in mailbox.text(message)  # plain text is not HTML: shown as typed


def test_an_smtp_failure_is_recorded_with_its_reason(app, session, worker):
    user = factories.make_user(email="porteur@example.org")
    mail = queue_mail(user.email, "verify_email", user=user, link="http://localhost/x")
    db.session.commit()
    working = app.config["SMTP_URL"]
    app.config["SMTP_URL"] = "smtp://127.0.0.1:1"
    try:
        worker.drain()
    finally:
        app.config["SMTP_URL"] = working
    db.session.refresh(mail)
    assert mail.status == "failed" and "ConnectionRefusedError" in mail.last_error


def test_without_smtp_the_development_mailbox_keeps_the_mail_for_admins(app, session, worker, client, login_as):
    working = app.config["SMTP_URL"]
    app.config["SMTP_URL"] = None
    try:
        user = factories.make_user(email="porteur@example.org")
        mail = queue_mail(user.email, "verify_email", user=user, link="http://localhost/verification/abc")
        db.session.commit()
        worker.drain()
    finally:
        app.config["SMTP_URL"] = working
    db.session.refresh(mail)
    assert (mail.status, mail.transport) == ("sent", "mailbox")
    login_as("admin")
    listing = client.get("/admin/courriels?statut=sent&q=porteur")
    assert "Confirmez votre adresse e-mail" in listing.page
    detail = client.get(f"/admin/courriels/{mail.id}")
    assert '<a href="http://localhost/verification/abc" rel="noopener">' in detail.text
