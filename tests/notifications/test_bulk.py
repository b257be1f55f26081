"""Bulk messages: preview, a held outbox that nothing sends until an admin releases it, then one mail each."""
from datetime import datetime, timezone

from aap.auth.models import User
from aap.bulk import operations as bulk
from aap.bulk.models import BulkMessage
from aap.extensions import db
from aap.mail.models import Mail
from aap.notifications.models import Notification
from aap.notifications.operations import queue_digests, set_preferences
from tests import factories

SCRIPT = "<script>alert(1)</script>"


def holders_of(call, count: int, prefix: str = "porteur") -> list[User]:
    """`count` active holders, members of one organisation with a dossier on the call, written in bulk."""
    people = [User(email=f"{prefix}{n:04d}@example.org", full_name=f"Porteur {n}") for n in range(count)]
    db.session.add_all(people)
    db.session.flush()
    organisation = factories.make_organisation(members=people)
    factories.make_dossier(call, organisation, people[0])
    return people


def form(call, **fields) -> dict:
    return {"role": "holders", "call_id": str(call.id), "subject": "Réunion d'information",
            "body": "Bonjour,\nune réunion a lieu jeudi.", "action": "preview", **fields}


def hold(client, call, **fields) -> BulkMessage:
    response = client.post("/admin/messages/nouveau", data=form(call, action="hold", **fields))
    assert response.status_code == 302, response.page
    return db.session.execute(db.select(BulkMessage).order_by(BulkMessage.id.desc())).scalars().first()


def mails_of(message) -> list[Mail]:
    return db.session.execute(db.select(Mail).where(Mail.bulk_message_id == message.id)
                              .order_by(Mail.to_address)).scalars().all()


def test_preview_shows_the_count_and_the_mail_with_html_escaped(client, login_as):
    login_as("admin", full_name="Camille Admin")
    call = factories.make_open_call()
    holders_of(call, 3)
    response = client.post("/admin/messages/nouveau", data=form(call, subject=f"{SCRIPT} Réunion",
                                                                body=f"Attention {SCRIPT}\nà jeudi"))
    assert response.status_code == 200
    assert "3 destinataires" in response.page and "porteur0000@example.org" in response.page
    assert "Tel que le lira Porteur 0" in response.page and "Mettre en attente" in response.page
    assert "<script>alert" not in response.text  # nowhere on the page, neither as text nor in the HTML frame
    assert "&amp;lt;script&amp;gt;alert(1)" in response.text  # the HTML part, escaped, inside srcdoc
    assert "Message envoyé par Camille Admin" in response.page
    assert db.session.execute(db.select(BulkMessage)).first() is None
    assert db.session.execute(db.select(Mail)).first() is None


def test_the_rendered_html_part_escapes_what_the_admin_typed(session):
    call = factories.make_open_call()
    holders_of(call, 1)
    author = factories.make_user(roles=("admin",), full_name=f"{SCRIPT} Admin")
    shown = bulk.preview(author, f"{SCRIPT} Objet", f"Texte {SCRIPT}", bulk.Audience("holders", call.id))
    assert "<script>" not in shown.html and shown.html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3
    assert shown.subject == f"{SCRIPT} Objet" and f"Texte {SCRIPT}" in shown.text


def test_held_mails_leave_only_once_released(client, login_as, worker, mailbox):
    login_as("admin")
    call = factories.make_open_call()
    holders_of(call, 3)
    message = hold(client, call, body=f"Venez nombreux {SCRIPT}")
    assert message.status == "held" and message.audience["recipients"] == 3
    assert [mail.status for mail in mails_of(message)] == ["held"] * 3
    assert all(mail.created_at and mail.context["heading"] == "Réunion d'information" for mail in mails_of(message))
    worker.drain()
    assert mailbox.messages == []
    detail = client.get(f"/admin/messages/{message.id}")
    assert "porteur0002@example.org" in detail.page and "Retenu" in detail.page
    response = client.post(f"/admin/messages/{message.id}/envoyer", follow_redirects=True)
    assert "Message envoyé : 3 courriels partent maintenant" in response.page
    worker.drain()
    assert sorted(m["To"] for m in mailbox.messages) == [f"porteur{n:04d}@example.org" for n in range(3)]
    sent = mailbox.to("porteur0001@example.org")[0]
    assert sent["Subject"] == "Réunion d'information"
    assert "&lt;script&gt;" in mailbox.html(sent) and "<script>" not in mailbox.html(sent)
    assert {mail.status for mail in mails_of(message)} == {"sent"}
    progress = client.get(f"/admin/messages/{message.id}")
    assert "Progression de l'envoi" in progress.page


def test_each_recipient_is_told_as_they_chose(client, login_as, worker, mailbox):
    login_as("admin")
    call = factories.make_open_call()
    at_once, daily, never = holders_of(call, 3)
    set_preferences(daily, {"announcement": "digest"})
    set_preferences(never, {"announcement": "off"})
    db.session.commit()
    message = hold(client, call)
    assert [mail.to_address for mail in mails_of(message)] == [at_once.email]
    client.post(f"/admin/messages/{message.id}/envoyer")
    worker.drain()
    assert [m["To"] for m in mailbox.messages] == [at_once.email]
    channels = dict(db.session.execute(db.select(Notification.user_id, Notification.channel)
                                       .where(Notification.event == "announcement")).all())
    assert channels == {at_once.id: "immediate", daily.id: "digest", never.id: "off"}
    assert queue_digests(datetime(2030, 1, 7, 9, tzinfo=timezone.utc)) == 1
    db.session.commit()
    worker.drain()
    [digest] = mailbox.to(daily.email)
    assert "Réunion d'information" in mailbox.text(digest) and mailbox.to(never.email) == []
    assert f"http://localhost/notifications/messages/{message.id}" in mailbox.text(digest)


def test_a_recipient_reads_the_message_in_the_app_and_no_one_else_can(client, login_as, worker):
    login_as("admin")
    call = factories.make_open_call()
    [never] = holders_of(call, 1)
    set_preferences(never, {"announcement": "off"})
    db.session.commit()
    message = hold(client, call)
    client.post(f"/admin/messages/{message.id}/envoyer")
    client.login(never)
    [notification] = db.session.execute(db.select(Notification).where(Notification.user_id == never.id)).scalars()
    opened = client.get(f"/notifications/{notification.id}", follow_redirects=True)
    assert opened.status_code == 200 and message.body in opened.page
    client.login(factories.make_user())
    assert client.get(f"/notifications/messages/{message.id}").status_code == 404


def test_a_preference_changed_before_the_release_is_followed(client, login_as, worker, mailbox):
    login_as("admin")
    call = factories.make_open_call()
    first, second = holders_of(call, 2)
    set_preferences(second, {"announcement": "off"})
    db.session.commit()
    message = hold(client, call)
    set_preferences(first, {"announcement": "off"})
    set_preferences(second, {"announcement": "immediate"})
    db.session.commit()
    client.post(f"/admin/messages/{message.id}/envoyer")
    worker.drain()
    assert [m["To"] for m in mailbox.messages] == [second.email]
    statuses = {mail.to_address: mail.status for mail in mails_of(message)}
    assert statuses == {first.email: "failed", second.email: "sent"}


def test_releasing_twice_is_refused_and_sends_nothing_more(client, login_as, worker, mailbox):
    login_as("admin")
    call = factories.make_open_call()
    holders_of(call, 2)
    message = hold(client, call)
    client.post(f"/admin/messages/{message.id}/envoyer")
    again = client.post(f"/admin/messages/{message.id}/envoyer", follow_redirects=True)
    assert "Ce message a déjà été envoyé : il ne peut pas partir une seconde fois." in again.page
    cancel = client.post(f"/admin/messages/{message.id}/annuler", follow_redirects=True)
    assert "Ce message a déjà été envoyé : il ne peut plus être annulé." in cancel.page
    worker.drain()
    assert len(mailbox.messages) == 2 and len(mails_of(message)) == 2
    assert db.session.execute(db.select(db.func.count(Notification.id))).scalar_one() == 2


def test_a_cancelled_message_cannot_be_released(client, login_as, worker, mailbox):
    login_as("admin")
    call = factories.make_open_call()
    holders_of(call, 2)
    message = hold(client, call)
    response = client.post(f"/admin/messages/{message.id}/annuler", follow_redirects=True)
    assert "Message annulé : rien n'est parti, 2 courriels retenus sont supprimés." in response.page
    db.session.refresh(message)
    assert message.status == "cancelled" and mails_of(message) == []
    refused = client.post(f"/admin/messages/{message.id}/envoyer", follow_redirects=True)
    assert "Ce message a été annulé : il ne peut plus être envoyé." in refused.page
    assert "Ce message est déjà annulé." in client.post(f"/admin/messages/{message.id}/annuler",
                                                         follow_redirects=True).page
    worker.drain()
    assert mailbox.messages == [] and db.session.execute(db.select(Notification)).first() is None


def test_an_empty_audience_is_refused_and_nothing_is_written(client, login_as):
    login_as("admin")
    call = factories.make_open_call()
    response = client.post("/admin/messages/nouveau", data=form(call, role="reviewers", action="hold"))
    assert response.status_code == 400
    assert "Aucun compte actif ne correspond à ces destinataires" in response.page
    assert db.session.execute(db.select(BulkMessage)).first() is None


def test_bad_input_is_explained_in_french(client, login_as):
    login_as("admin")
    call = factories.make_open_call()
    response = client.post("/admin/messages/nouveau", data=form(call, subject="x" * 201, body=" ",
                                                                role="instructors", states="draft"))
    assert response.status_code == 400
    for message in ("L'objet ne doit pas dépasser 200 caractères.", "Ce champ est obligatoire.",
                    "ne choisissez pas d'appel", "Les états de dossier ne servent qu'à choisir des porteur·ses"):
        assert message in response.page
    too_long = client.post("/admin/messages/nouveau", data=form(call, body="x" * 20001))
    assert "Le message ne doit pas dépasser 20000 caractères." in too_long.page


def test_only_admins_reach_bulk_messages(client, login_as):
    assert "/connexion" in client.get("/admin/messages").location
    login_as("instructor")
    message = BulkMessage(subject="Objet", body="Texte")
    db.session.add(message)
    db.session.commit()
    for method, path in (("GET", "/admin/messages"), ("GET", "/admin/messages/nouveau"),
                         ("POST", "/admin/messages/nouveau"), ("GET", f"/admin/messages/{message.id}"),
                         ("POST", f"/admin/messages/{message.id}/envoyer"),
                         ("POST", f"/admin/messages/{message.id}/annuler")):
        assert client.open(path, method=method).status_code == 403
    db.session.refresh(message)
    assert message.status == "held"


def test_audiences_choose_active_people_once_sorted_by_email(session):
    call, other = factories.make_open_call(), factories.make_open_call(title="Autre appel")
    zoe = factories.make_user(email="zoe@example.org")
    anna = factories.make_user(email="anna@example.org")
    gone = factories.make_user(email="gone@example.org", active=False)
    for members in ([zoe, anna, gone], [zoe]):
        factories.make_dossier(call, factories.make_organisation(members=members), members[0])
    factories.make_dossier(other, factories.make_organisation(members=[factories.make_user(
        email="ailleurs@example.org")]), zoe)
    reviewer = factories.make_user(email="relecteur@example.org", roles=("reviewer",), call=call)
    factories.make_user(email="comite@example.org", roles=("committee",), call=other)
    factories.make_user(email="instructrice@example.org", roles=("instructor",))

    def emails(*args, **kwargs):
        return [person.email for person in bulk.recipients(bulk.Audience(*args, **kwargs))]

    assert emails("holders", call.id) == ["anna@example.org", "zoe@example.org"]
    assert emails("holders", call.id, states=("submitted",)) == []
    assert emails("holders", call.id, states=("draft",)) == ["anna@example.org", "zoe@example.org"]
    assert "ailleurs@example.org" in emails("holders") and "gone@example.org" not in emails("holders")
    assert emails("reviewers", call.id) == [reviewer.email] and emails("reviewers", other.id) == []
    assert emails("committee") == ["comite@example.org"] and emails("committee", call.id) == []
    assert emails("instructors") == ["instructrice@example.org"]


def test_queries_do_not_grow_with_the_audience(session, count_queries):
    author = factories.make_user(roles=("admin",))
    small, large = factories.make_open_call(), factories.make_open_call(title="Grand appel")
    holders_of(small, 3, prefix="petit")
    holders_of(large, 30, prefix="grand")
    counted = {}
    assert author.display_name  # loaded before counting, as the signed-in admin is during a request
    for call in (small, large):
        audience = bulk.Audience("holders", call.id)
        with count_queries() as recipients:
            assert len(bulk.recipients(audience)) in (3, 30)
        with count_queries() as writes:
            message = bulk.hold(author, "Objet", "Texte", audience)
            bulk.release(message, author)
        counted[call.id] = (recipients.n, writes.n)
    assert counted[small.id] == counted[large.id]
    assert counted[small.id][0] == 1


def test_a_thousand_holders_are_all_served(client, login_as, worker, mailbox):
    login_as("admin")
    call = factories.make_open_call()
    holders_of(call, 1000)
    message = hold(client, call)
    assert len(mails_of(message)) == 1000
    response = client.post(f"/admin/messages/{message.id}/envoyer", follow_redirects=True)
    assert "1000 courriels partent maintenant" in response.page
    worker.drain()
    assert len({m["To"] for m in mailbox.messages}) == 1000 and len(mailbox.messages) == 1000
    assert {mail.status for mail in mails_of(message)} == {"sent"}
    assert db.session.execute(db.select(db.func.count(Notification.id))).scalar_one() == 1000
    assert "porteur0999@example.org" in client.get(f"/admin/messages/{message.id}?page=20").page


def test_the_list_counts_mails_filters_and_sorts(client, login_as):
    login_as("admin")
    call = factories.make_open_call()
    holders_of(call, 2)
    first = hold(client, call, subject="Premier message")
    client.post(f"/admin/messages/{first.id}/envoyer")
    hold(client, call, subject="Second message")
    listing = client.get("/admin/messages")
    assert listing.page.index("Second message") < listing.page.index("Premier message")
    oldest_first = client.get("/admin/messages?tri=date&ordre=asc")
    assert oldest_first.page.index("Premier message") < oldest_first.page.index("Second message")
    held = client.get("/admin/messages?statut=held")
    assert "Second message" in held.page and "Premier message" not in held.page
    assert "1 message" in held.page and "En attente de validation" in held.page
