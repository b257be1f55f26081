"""The outbox: written with its cause, sent after the commit, exactly once, failures recorded with a reason."""
from datetime import timedelta

import time_machine
from rq.registry import FailedJobRegistry

from aap.auth.models import User
from aap.core.models import utcnow
from aap.core.queue import get_queue
from aap.extensions import db
from aap.mail.delivery import MAX_ATTEMPTS
from aap.mail.models import Mail
from aap.mail.outbox import queue_mail
from aap.mail.tasks import deliver_mail, relay_outbox
from tests import factories


def _verification(user, **overrides):
    return queue_mail(overrides.pop("to", user.email), overrides.pop("template", "verify_email"), user=user,
                      link="http://localhost/x", **overrides)


def _with_smtp(app, url, action):
    working = app.config["SMTP_URL"]
    app.config["SMTP_URL"] = url
    try:
        return action()
    finally:
        app.config["SMTP_URL"] = working


def test_a_rolled_back_change_sends_nothing(session, worker, mailbox):
    user = factories.make_user(email="porteur@example.org")
    _verification(user)
    db.session.rollback()
    assert worker.drain() == 0
    assert mailbox.messages == [] and db.session.execute(db.select(Mail)).first() is None


def test_delivering_twice_sends_one_mail(app, session, worker, mailbox):
    user = factories.make_user(email="porteur@example.org")
    mail = _verification(user)
    db.session.commit()
    get_queue(app).enqueue(deliver_mail, mail.id)  # a duplicated job, as a relay racing the first one makes
    assert worker.drain() == 2
    assert deliver_mail(mail.id) == "not claimed (sent)"
    assert len(mailbox.to("porteur@example.org")) == 1
    db.session.refresh(mail)
    assert (mail.status, mail.attempts) == ("sent", 1)


def test_the_same_key_writes_one_mail(session, worker, mailbox):
    user = factories.make_user(email="porteur@example.org")
    first = _verification(user, key="welcome:1")
    assert _verification(user, key="welcome:1") is first
    db.session.commit()
    worker.drain()
    assert len(mailbox.to("porteur@example.org")) == 1


def test_mail_is_rendered_at_delivery_in_the_recipient_language_with_values_escaped(session, worker, mailbox):
    user = factories.make_user(email="porteur@example.org", full_name="<b>Camille</b>")
    _verification(user, template="dossier_update", dossier_title="Épicerie", dossier_number=1, organisation="Asso",
                  call="AAP", state="En instruction", comment="")
    user.locale = "en"  # chosen after the mail was written, before it left
    db.session.commit()
    worker.drain()
    [message] = mailbox.to("porteur@example.org")
    assert message["Subject"] == "Your application no. 1: En instruction"
    assert "&lt;b&gt;Camille&lt;/b&gt;" in mailbox.html(message) and "<b>Camille</b>" not in mailbox.html(message)
    assert "Hello <b>Camille</b>," in mailbox.text(message)  # plain text is not HTML: shown as typed
    assert message["Message-ID"].startswith("<aap-mail-")


def test_an_unreachable_server_is_retried_with_backoff_then_delivered_once(app, session, worker, mailbox):
    user = factories.make_user(email="porteur@example.org")
    mail = _verification(user)
    db.session.commit()
    _with_smtp(app, "smtp://127.0.0.1:1", worker.drain)
    db.session.refresh(mail)
    assert (mail.status, mail.attempts) == ("pending", 1) and "injoignable" in mail.last_error
    assert timedelta(seconds=50) < mail.next_attempt_at - utcnow() <= timedelta(seconds=60)
    assert relay_outbox() == 0  # not due yet
    with time_machine.travel(utcnow() + timedelta(seconds=61)):
        assert relay_outbox() == 1
        worker.drain()
    db.session.refresh(mail)
    assert (mail.status, mail.attempts, mail.last_error) == ("sent", 2, None)
    assert len(mailbox.to("porteur@example.org")) == 1


def test_after_the_last_attempt_the_failure_is_permanent(app, session, worker):
    user = factories.make_user(email="porteur@example.org")
    mail = _verification(user)
    mail.attempts = MAX_ATTEMPTS - 1
    db.session.commit()
    _with_smtp(app, "smtp://127.0.0.1:1", worker.drain)
    db.session.refresh(mail)
    assert (mail.status, mail.next_attempt_at) == ("failed", None) and "ConnectionRefusedError" in mail.last_error


def test_a_server_asking_to_retry_later_is_retried(session, worker):
    user = factories.make_user(email="porteur@later.example")
    mail = _verification(user)
    db.session.commit()
    worker.drain()
    db.session.refresh(mail)
    assert mail.status == "pending" and "451" in mail.last_error


def _failure_of(mail) -> str:
    db.session.refresh(mail)
    assert mail.status == "failed" and mail.next_attempt_at is None
    return mail.last_error


def test_each_bad_case_ends_as_a_recorded_failure_and_the_worker_goes_on(app, session, worker, mailbox):
    user = factories.make_user(email="porteur@example.org")
    refused = _verification(factories.make_user(email="inconnu@refuse.example"))
    invalid = _verification(user, to="pas-une-adresse")
    header_injection = _verification(user, to="porteur@example.org\nBcc: victime@example.org")
    missing_template = _verification(user, template="no_such_template")
    broken_values = queue_mail(user.email, "dossier_received", user=user, dossier_title="T", organisation="O",
                               call="C", link="http://localhost/d/1",
                               receipt={"reference": "AAP-1", "issued_at": "not a date", "checksum": "x"})
    deleted = _verification(factories.make_user(email="parti@example.org"))
    disabled_user = factories.make_user(email="desactive@example.org")
    disabled = _verification(disabled_user)
    good = _verification(user)
    db.session.commit()
    db.session.delete(db.session.get(User, deleted.user_id))
    disabled_user.active = False
    db.session.commit()
    worker.drain()
    assert "550" in _failure_of(refused) and "inconnu@refuse.example" in refused.last_error
    assert "adresse de destination invalide" in _failure_of(invalid)
    assert "adresse de destination invalide" in _failure_of(header_injection)
    assert "no_such_template" in _failure_of(missing_template) and "modèle" in missing_template.last_error
    assert "modèle" in _failure_of(broken_values)
    assert "supprimé" in _failure_of(deleted)
    assert "désactivé" in _failure_of(disabled)
    db.session.refresh(good)
    assert good.status == "sent" and len(mailbox.messages) == 1
    assert FailedJobRegistry(queue=get_queue(app)).count == 0  # every job ended normally


def test_a_thousand_recipients_are_all_served(app, session, worker, mailbox):
    users = [User(email=f"destinataire{n}@example.org", password_hash=None) for n in range(1000)]
    db.session.add_all(users)
    db.session.flush()
    for user in users:
        _verification(user)
    db.session.commit()
    db.session.expunge_all()  # as in a worker, where each job starts with an empty session
    assert worker.drain() == 20  # jobs of 50 mails, each over one SMTP connection
    assert len({message["To"] for message in mailbox.messages}) == 1000
    counts = dict(db.session.execute(db.select(Mail.status, db.func.count()).group_by(Mail.status)).all())
    assert counts == {"sent": 1000}


def test_without_smtp_the_development_mailbox_keeps_the_mail_for_admins(app, session, worker, client, login_as):
    user = factories.make_user(email="porteur@example.org")
    mail = queue_mail(user.email, "verify_email", user=user, link="http://localhost/verification/abc")
    db.session.commit()
    _with_smtp(app, None, worker.drain)
    db.session.refresh(mail)
    assert (mail.status, mail.transport) == ("sent", "mailbox")
    login_as("admin")
    listing = client.get("/admin/courriels?statut=sent&q=porteur")
    assert "Confirmez votre adresse e-mail" in listing.page
    detail = client.get(f"/admin/courriels/{mail.id}")
    assert '<a href="http://localhost/verification/abc" rel="noopener">' in detail.text


def test_mails_of_one_change_leave_together_and_a_refusal_spares_the_others(session, worker, mailbox):
    users = [factories.make_user(email=address) for address in
             ("premiere@example.org", "inconnu@refuse.example", "troisieme@example.org")]
    mails = [_verification(user) for user in users]
    db.session.commit()
    assert worker.drain() == 1
    assert [_status(mail) for mail in mails] == ["sent", "failed", "sent"]
    assert sorted(message["To"] for message in mailbox.messages) == ["premiere@example.org", "troisieme@example.org"]


def _status(mail) -> str:
    db.session.refresh(mail)
    return mail.status


def test_an_unreachable_server_is_tried_once_per_batch(app, session, worker, monkeypatch):
    from aap.mail.smtp import SmtpConnection

    opened = []
    real_open = SmtpConnection._open
    monkeypatch.setattr(SmtpConnection, "_open", lambda self: opened.append(1) or real_open(self))
    users = [factories.make_user() for _ in range(3)]
    mails = [_verification(user) for user in users]
    db.session.commit()
    assert _with_smtp(app, "smtp://127.0.0.1:1", worker.drain) == 1
    assert len(opened) == 1  # a server that does not answer would otherwise cost its timeout for each mail
    for mail in mails:
        db.session.refresh(mail)
        assert (mail.status, mail.attempts) == ("pending", 1) and "ConnectionRefusedError" in mail.last_error
