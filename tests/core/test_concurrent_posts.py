"""Twenty people posting at once to a live server: every request gets an answer, none a 500."""
import asyncio
import http.client
import os
import subprocess
import sys
import threading
import time
import urllib.parse
from datetime import timedelta
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from aap.auth.models import LoginSession, User
from aap.core import jobs
from aap.core.jobs import job
from aap.core.models import utcnow
from aap.dossiers.messages import Message
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.mail.models import Mail
from aap.notifications.models import Notification
from aap.notifications.operations import notify
from aap.organisations.models import Organisation
from tests import factories
from tests.services import Inbox, free_port

THREADS = 20
#: messages posted one after another while the worker sends; one author may post 30 an hour
SEQUENTIAL = 25
ROOT = Path(__file__).resolve().parents[2]



@pytest.fixture
def live(app, committed):
    """The suite's app served over real HTTP by a threaded server, one thread per connection."""
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield port
    server.shutdown()


def cookie_for(app, user=None) -> dict:
    """The headers of a browser session of its own, signed in as `user` as the login page would leave it."""
    client = app.test_client()
    if user is not None:
        client.login(user)
    else:
        with client.session_transaction() as browser_session:
            browser_session["started"] = True
    # the session is bound to the browser that signed in: the same User-Agent is sent
    return {"Cookie": f"session={client.get_cookie('session').value}",
            "User-Agent": client.environ_base["HTTP_USER_AGENT"]}


def post_all(port: int, requests: list[tuple[dict, str, dict]], method: str = "POST") -> list[tuple[int, str]]:
    """Send every (headers, path, form) at the same instant, each over its own connection."""
    barrier, results, lock = threading.Barrier(len(requests), timeout=30), [], threading.Lock()

    def send(browser, path, form):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        body = urllib.parse.urlencode(form, doseq=True)
        headers = {"Content-Type": "application/x-www-form-urlencoded", **browser}
        barrier.wait()
        connection.request(method, path, body=body if method == "POST" else None, headers=headers)
        response = connection.getresponse()
        outcome = response.status, response.read().decode()
        connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=send, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    assert len(results) == len(requests), "a request got no answer"
    return results


def wait_until(condition, seconds=60) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)


def statuses(results) -> list[int]:
    return sorted(status for status, _body in results)


def release(*objects) -> list[int]:
    """The ids of freshly committed objects; this thread then holds no transaction while the server works."""
    ids = [obj.id for obj in objects]
    db.session.rollback()
    return ids


def holder_with_dossier():
    call = factories.make_open_call()
    holder = factories.make_user()
    dossier = factories.make_dossier(call, factories.make_organisation(members=[holder]), holder)
    return holder, dossier


def test_twenty_messages_on_one_dossier_are_all_posted(app, live):
    holder, dossier = holder_with_dossier()
    cookies = [cookie_for(app, holder) for _ in range(THREADS)]
    [dossier_id] = release(dossier)
    results = post_all(live, [(cookie, f"/dossiers/{dossier_id}/messages", {"message-body": f"Message {n}"})
                              for n, cookie in enumerate(cookies)])
    assert statuses(results) == [302] * THREADS
    bodies = db.session.execute(db.select(Message.body).where(Message.dossier_id == dossier_id)).scalars()
    assert sorted(bodies) == sorted(f"Message {n}" for n in range(THREADS))


def test_twenty_notifications_followed_at_once_are_all_marked_read(app, live):
    """Following a notification is a GET that writes: its transaction, too, takes the write lock at its start."""
    user = factories.make_user()
    notifications = [notify(user, "dossier_message", link=f"http://localhost/dossiers/{n}", channel="off",
                            dossier_title=f"Dossier {n}", author=None, body="Bonjour") for n in range(THREADS)]
    db.session.commit()
    browsers = [cookie_for(app, user) for _ in range(THREADS)]
    ids = release(*notifications)
    follows = [(browser, f"/notifications/{id_}", {}) for browser, id_ in zip(browsers, ids, strict=True)]
    results = post_all(live, follows, method="GET")
    assert statuses(results) == [302] * THREADS
    unread = db.session.execute(db.select(Notification).where(Notification.read_at.is_(None))).scalars().all()
    assert unread == []


def test_twenty_browsers_back_after_a_pause_are_all_served(app, live):
    """Each browser's activity is noted on its first page after a few minutes: a GET that writes."""
    users = [factories.make_user() for _ in range(THREADS)]
    browsers = [cookie_for(app, user) for user in users]
    db.session.execute(db.update(LoginSession).values(last_seen_at=utcnow() - timedelta(minutes=6)))
    db.session.commit()
    release(*users)
    results = post_all(live, [(browser, "/notifications", {}) for browser in browsers], method="GET")
    assert statuses(results) == [200] * THREADS
    stale = db.session.scalar(db.select(db.func.count()).select_from(LoginSession)
                              .where(LoginSession.last_seen_at < utcnow() - timedelta(minutes=5)))
    assert stale == 0


def test_a_job_reading_then_writing_is_not_refused_for_a_request_that_commits_meanwhile(app, live):
    """A job's transaction takes the write lock at its start: the request waits for it, rather than the job failing."""
    holder, dossier = holder_with_dossier()
    browser = cookie_for(app, holder)
    [dossier_id] = release(dossier)
    began, outcome = threading.Event(), {}

    @job
    def retitle(dossier_id):  # reads, takes its time, then writes, as a job rendering a mail does
        dossier = db.session.get(Dossier, dossier_id)
        began.set()
        time.sleep(0.5)
        dossier.title = "Titre donné par le worker"

    def run():
        try:
            retitle(dossier_id)
            outcome["job"] = "done"
        except Exception as error:
            outcome["job"] = repr(error)

    jobs.bind_app(app)
    thread = threading.Thread(target=run)
    thread.start()
    assert began.wait(10)
    [(status, _body)] = post_all(live, [(browser, f"/dossiers/{dossier_id}/messages",
                                         {"message-body": "Écrit pendant que le worker travaille"})])
    thread.join(30)
    assert (outcome.get("job"), status) == ("done", 302)
    assert db.session.get(Dossier, dossier_id).title == "Titre donné par le worker"


def test_twenty_organisations_are_created_at_once(app, live):
    holders = [factories.make_user() for _ in range(THREADS)]
    cookies = [cookie_for(app, holder) for holder in holders]
    release(*holders)
    form = {"legal_form": "association", "siret": "73282932000074", "address": "1 place de la Mairie",
            "commune_insee": "93066", "paid_staff_fte": "1", "volunteers": "3"}
    results = post_all(live, [(cookie, "/structures/nouvelle", {**form, "name": f"Structure {n}"})
                              for n, cookie in enumerate(cookies)])
    assert statuses(results) == [302] * THREADS
    assert db.session.scalar(db.select(db.func.count()).select_from(Organisation)) == THREADS


def test_twenty_saves_of_one_dossier_one_wins_the_others_keep_their_text(app, live):
    holder, dossier = holder_with_dossier()
    cookies = [cookie_for(app, holder) for _ in range(THREADS)]
    version = dossier.lock_version
    [dossier_id] = release(dossier)
    results = post_all(live, [(cookie, f"/dossiers/{dossier_id}/modifier",
                               {"version": str(version), "title": f"Titre saisi numéro {n}",
                                "summary": "Une épicerie pour le quartier.", "requested_amount": "12000"})
                              for n, cookie in enumerate(cookies)])
    assert statuses(results) == [302] + [409] * (THREADS - 1)
    refused = [body for status, body in results if status == 409]
    assert all("Quelqu&#39;un d&#39;autre a enregistré ce dossier" in body for body in refused)
    kept = {n for n in range(THREADS) for body in refused if f'value="Titre saisi numéro {n}"' in body}
    assert len(kept) == THREADS - 1  # each refused page still holds what its author typed
    saved = db.session.get(Dossier, dossier_id)
    assert saved.title.startswith("Titre saisi numéro ") and saved.lock_version == version + 1


def test_twenty_reset_requests_are_all_answered(app, live, mailbox):
    users = [factories.make_user() for _ in range(THREADS)]
    emails = [user.email for user in users]
    release(*users)
    results = post_all(live, [(cookie_for(app), "/mot-de-passe-oublie", {"email": email}) for email in emails])
    assert statuses(results) == [200] * THREADS
    assert all("mot de passe" in body for _status, body in results)


def test_twenty_registrations_at_once_create_twenty_accounts(app, live):
    results = post_all(live, [(cookie_for(app), "/inscription",
                               {"full_name": f"Personne {n}", "email": f"inscrite{n}@example.org",
                                "password": "Correct-Cheval-Batterie-42", "confirm": "Correct-Cheval-Batterie-42"})
                              for n in range(THREADS)])
    assert statuses(results) == [302] * THREADS
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == THREADS


class SlowInbox(Inbox):
    """A mail server that takes its time over each message, as a distant one does."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_smtp():
    from aiosmtpd.controller import Controller

    inbox = SlowInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield f"smtp://127.0.0.1:{controller.port}", inbox
    controller.stop()


def test_requests_one_after_another_while_a_worker_sends_their_mails(app, live, slow_smtp):
    """The worker's transactions and the requests' take turns: no request and no mail fails."""
    smtp_url, inbox = slow_smtp
    holder, dossier = holder_with_dossier()
    instructors = [factories.make_user(roles=("instructor",), totp=True) for _ in range(3)]
    browser = cookie_for(app, holder)
    [dossier_id] = release(dossier)
    expected = (1 + SEQUENTIAL) * len(instructors)
    environment = {**os.environ, "AAP_ENV": "test", "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                   "REDIS_URL": app.config["REDIS_URL"], "SMTP_URL": smtp_url, "PUBLIC_URL": "http://localhost"}
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "aap", "worker"], cwd=ROOT,
                              env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    post = (browser, f"/dossiers/{dossier_id}/messages", {"message-body": "Le worker est-il prêt ?"})
    try:
        assert post_all(live, [post])[0][0] == 302
        wait_until(lambda: len(inbox.messages) == len(instructors) or worker.poll() is not None)
        answers = [post_all(live, [(browser, post[1], {"message-body": f"Message {n}"})]) for n in range(SEQUENTIAL)]
        wait_until(lambda: len(inbox.messages) >= expected or worker.poll() is not None)
    finally:
        worker.terminate()
        errors = worker.communicate(timeout=30)[1].decode()
    assert [status for [(status, _body)] in answers] == [302] * SEQUENTIAL
    assert db.session.execute(db.select(Mail.status)).scalars().all() == ["sent"] * expected, errors[-3000:]
    assert len(inbox.messages) == expected
