"""[speed] The mailbox and the queue page cost the same SQL for 10 mails as for 1,000, and never read a body."""
import itertools
import re
from datetime import timedelta

from sqlalchemy import insert

from aap.core.models import utcnow
from aap.extensions import db
from aap.mail.models import Mail
from aap.notifications.models import Notification

_batches = itertools.count(1)
BODY = "Bonjour, votre dossier est bien arrivé. " * 50


def mails(count: int, address: str = "porteur@example.org", status: str = "sent") -> None:
    batch, now = next(_batches), utcnow()
    db.session.execute(insert(Mail), [
        {"idempotency_key": f"speed-{batch}-{n}", "to_address": address, "template": "dossier_received",
         "context": {"n": n}, "subject": f"Dossier AAP-{batch}-{n}", "body_text": BODY, "body_html": f"<p>{BODY}</p>",
         "status": status, "attempts": 1, "created_at": now - timedelta(minutes=n), "sent_at": now}
        for n in range(count)])
    db.session.commit()


def _statements(client, count_queries, path):
    client.get(path)  # warm
    with count_queries() as counted:
        response = client.get(path)
    assert response.status_code == 200
    return counted, response


def test_the_mailbox_costs_the_same_for_10_and_1000_mails(client, login_as, count_queries):
    login_as("admin")
    counts = {}
    for total in (10, 1000):
        mails(10 if total == 10 else 990)
        for path in ("/admin/courriels", "/admin/courriels?page=3", "/admin/courriels?q=porteur",
                     "/admin/courriels?tri=recipient", "/admin/file-d-attente"):
            counts.setdefault(path, set()).add(_statements(client, count_queries, path)[0].n)
    assert all(len(found) == 1 for found in counts.values()), counts


def test_the_mailbox_reads_no_body(client, login_as, count_queries):
    mails(60)
    login_as("admin")
    for path in ("/admin/courriels?page=2", "/admin/courriels?q=AAP"):
        counted, response = _statements(client, count_queries, path)
        assert "Dossier AAP-" in response.text
        listing = [statement for statement in counted.statements if re.search(r"FROM mails\b", statement)]
        assert listing
        for statement in listing:
            for column in ("mails.body_text", "mails.body_html", "mails.context", "mails.attachments"):
                assert column not in statement, (column, statement)


def test_a_search_counts_its_matches_up_to_a_bound(client, login_as):
    mails(1005, address="beaucoup@example.org")
    mails(3, address="rare@example.org")
    login_as("admin")
    many = client.get("/admin/courriels?q=beaucoup").text
    assert "Plus de 1000 courriels" in many and "Page 1 sur plus de 20" in many
    assert 'href="/admin/courriels?q=beaucoup&amp;page=2"' in many
    deep = client.get("/admin/courriels?q=beaucoup&page=21").text
    assert deep.count("beaucoup@example.org") == 5 and "1005 courriels" in deep  # counted further when asked
    assert "3 courriels" in client.get("/admin/courriels?q=rare").text
    assert "1008 courriels" in client.get("/admin/courriels").text  # without a search, the exact count


def test_the_unread_badge_stops_at_99(client, login_as, count_queries):
    user = login_as("admin")
    db.session.execute(insert(Notification), [
        {"user_id": user.id, "event": "dossier_submitted", "template": "dossier_submitted", "title": f"N° {n}",
         "channel": "immediate"} for n in range(150)])
    db.session.commit()
    assert '<span class="badge">99+<span class="visually-hidden"> non lues</span>' in client.get("/").text
