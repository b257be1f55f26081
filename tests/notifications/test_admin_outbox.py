"""What administrators see of the outbox: failures with their reason, resending, the queue's health."""
import re

import redis
from rq import SimpleWorker

from aap.core.queue import get_queue, get_redis, schedule_tick
from aap.extensions import db
from aap.mail.models import Mail
from aap.mail.outbox import queue_mail
from tests import factories
from tests.services import free_port


def explode(dossier_id):
    """A job that fails, as a bug in a task would."""
    raise RuntimeError(f"la tâche a échoué exprès pour le dossier {dossier_id}")


def _failed_for_a_disabled_account(worker, email="porteur@example.org"):
    """A real permanent failure: the account was disabled between the cause and the send."""
    user = factories.make_user(email=email)
    mail = queue_mail(user.email, "verify_email", user=user, link="http://localhost/x")
    user.active = False
    db.session.commit()
    worker.drain()
    db.session.refresh(mail)
    assert mail.status == "failed"
    return user, mail


def _failed_row(address):
    mail = Mail(idempotency_key=f"test:{address}", to_address=address, template="verify_email", status="failed",
                attempts=5, last_error="Serveur SMTP injoignable (ConnectionRefusedError) : refusé")
    db.session.add(mail)
    return mail


def test_a_failed_mail_is_listed_with_its_reason(session, worker, client, login_as):
    queue_mail("pas-une-adresse@", "verify_email", user=None, link="http://localhost/x")
    db.session.commit()
    worker.drain()
    login_as("admin")
    listing = client.get("/admin/courriels?statut=failed")
    assert "pas-une-adresse@" in listing.page and "Échec définitif" in listing.page
    assert "adresse de destination invalide « pas-une-adresse@ »" in listing.page
    assert "Renvoyer tous les courriels en échec" in listing.page
    assert "Échecs définitifs (1)" in client.get("/admin/courriels").page


def test_a_mail_not_yet_rendered_shows_its_template_and_next_attempt(session, client, login_as):
    user = factories.make_user(email="porteur@example.org")
    mail = queue_mail(user.email, "verify_email", user=user, link="http://localhost/x")
    db.session.commit()
    login_as("admin")
    listed = client.get("/admin/courriels").page
    assert "Courriel « Confirmation de l'adresse e-mail » (pas encore rédigé)" in listed
    detail = client.get(f"/admin/courriels/{mail.id}").page
    assert "En attente d'envoi" in detail and mail.idempotency_key in detail
    assert "Renvoyer ce courriel" not in detail


def test_resending_a_failed_mail_delivers_it_once(session, worker, mailbox, client, login_as):
    user, mail = _failed_for_a_disabled_account(worker)
    login_as("admin")
    detail = client.get(f"/admin/courriels/{mail.id}").page
    assert "Destinataire : le compte destinataire a été désactivé avant l'envoi" in detail
    assert "Renvoyer ce courriel" in detail
    user.active = True  # the admin put the account back, then resends
    db.session.commit()
    response = client.post(f"/admin/courriels/{mail.id}/renvoyer", follow_redirects=True)
    assert "Le courriel à porteur@example.org est de nouveau en file d'envoi." in response.page
    assert worker.drain() == 1
    db.session.refresh(mail)
    assert (mail.status, mail.attempts, mail.last_error) == ("sent", 1, None)
    [message] = mailbox.to("porteur@example.org")
    assert message["Subject"] == "Confirmez votre adresse e-mail"
    assert worker.drain() == 0 and len(mailbox.messages) == 1


def test_a_mail_that_is_not_failed_cannot_be_resent(session, worker, mailbox, client, login_as):
    user = factories.make_user(email="porteur@example.org")
    mail = queue_mail(user.email, "verify_email", user=user, link="http://localhost/x")
    db.session.commit()
    worker.drain()
    mailbox.clear()
    login_as("admin")
    response = client.post(f"/admin/courriels/{mail.id}/renvoyer", follow_redirects=True)
    assert "Ce courriel n'est pas en échec : il ne peut pas être renvoyé." in response.page
    assert worker.drain() == 0 and mailbox.messages == []
    db.session.refresh(mail)
    assert (mail.status, mail.attempts) == ("sent", 1)


def test_resending_every_failure_reports_how_many(app, session, client, login_as):
    for address in ("a@example.org", "b@example.org", "c@exemple.fr"):
        _failed_row(address)
    db.session.commit()
    login_as("admin")
    response = client.post("/admin/courriels/renvoyer-les-echecs?q=example.org", follow_redirects=True)
    assert "2 courriel(s) en échec remis en file d'envoi." in response.page
    statuses = dict(db.session.execute(db.select(Mail.to_address, Mail.status)).all())
    assert statuses == {"a@example.org": "pending", "b@example.org": "pending", "c@exemple.fr": "failed"}
    [batch] = get_queue(app).get_jobs()  # both leave in one job, over one connection
    assert sorted(batch.args[0]) == sorted(mail_id for mail_id, in db.session.execute(
        db.select(Mail.id).where(Mail.status == "pending")).all())
    response = client.post("/admin/courriels/renvoyer-les-echecs", follow_redirects=True)
    assert "1 courriel(s) en échec remis en file d'envoi." in response.page
    response = client.post("/admin/courriels/renvoyer-les-echecs", follow_redirects=True)
    assert "Aucun courriel en échec à renvoyer." in response.page


def test_the_mailbox_sorts_by_recipient(session, client, login_as):
    for address in ("zoe@example.org", "alice@example.org", "marc@example.org"):
        _failed_row(address)
    db.session.commit()
    login_as("admin")
    listing = client.get("/admin/courriels?tri=recipient&ordre=asc").page
    found = re.findall(r"(alice|marc|zoe)@example\.org", listing)
    assert found == ["alice", "marc", "zoe"]
    listing = client.get("/admin/courriels?tri=recipient&ordre=desc").page
    assert re.findall(r"(alice|marc|zoe)@example\.org", listing) == ["zoe", "marc", "alice"]


def _figure(page, label):
    match = re.search(rf"<dt>{re.escape(label)}</dt><dd>(?:<a [^>]*>)?(\d+)", page)
    assert match, f"no figure for {label}"
    return int(match.group(1))


def test_queue_health_shows_queued_and_failed_jobs(app, session, worker, client, login_as):
    queue = get_queue(app)
    queue.enqueue(explode, 42)
    worker.drain()
    queue.enqueue(explode, 43)  # left waiting: no worker runs it
    schedule_tick(queue)
    _failed_row("x@example.org")
    db.session.commit()
    login_as("admin")
    raw = client.get("/admin/file-d-attente")
    assert raw.status_code == 200
    page = raw.page
    assert (_figure(page, "En file"), _figure(page, "En échec"), _figure(page, "Planifiées")) == (1, 1, 1)
    assert "tests.notifications.test_admin_outbox.explode" in page
    assert "RuntimeError: la tâche a échoué exprès pour le dossier 42" in page
    assert "Planifiée pour le" in page
    assert _figure(page, "Échecs définitifs") == 1 and _figure(page, "En attente d'envoi") == 0
    assert "Aucun processus de fond n'est actif" in page


def test_queue_health_lists_live_workers(app, session, client, login_as):
    live = SimpleWorker([get_queue(app)], connection=get_redis(app), name="aap-test-vivant")
    live.register_birth()
    try:
        login_as("admin")
        page = client.get("/admin/file-d-attente").page
    finally:
        live.register_death()
    assert "1 processus de fond actif" in page and "aap-test-vivant" in page
    assert "Aucun processus de fond n'est actif" not in page
    assert "Non planifiée" in page


def test_queue_health_says_when_redis_is_unreachable(app, session, client, login_as):
    _failed_row("x@example.org")
    db.session.commit()
    login_as("admin")
    working = app.extensions["aap_redis"]
    app.extensions["aap_redis"] = redis.Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=0.2)
    try:
        response = client.get("/admin/file-d-attente")
    finally:
        app.extensions["aap_redis"] = working
    assert response.status_code == 200
    assert "La file d'attente (Redis) est injoignable : ConnectionError" in response.page
    assert _figure(response.page, "Échecs définitifs") == 1
    assert "Tâches en échec" not in response.page
