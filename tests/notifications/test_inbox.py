"""The in-app notification centre: unread count, list, filters, mark as read, someone else's notification."""
from aap.extensions import db
from aap.notifications.models import Notification
from aap.notifications.operations import notify
from tests import factories


def _notify(user, label, link="http://localhost/dossiers/1"):
    # the state label (from the workflow file) is the part of this subject that is not a number
    notification = notify(user, "dossier_update", dossier_title=label, dossier_number=1, organisation="Asso",
                          call="AAP", state=label, comment="", link=link)
    db.session.commit()
    return notification


def test_the_header_counts_unread_notifications(client, login_as):
    user = login_as("holder")
    assert "non lue" not in client.get("/").page
    _notify(user, "Épicerie")
    _notify(user, "Ressourcerie")
    assert '<span class="badge">2<span class="visually-hidden"> non lues</span></span>' in client.get("/").text


def test_the_list_shows_titles_escaped_and_filters_unread(client, login_as):
    user = login_as("holder")
    read = _notify(user, "Ancien")
    _notify(user, "<script>alert(1)</script>")
    read.read_at = read.created_at
    db.session.commit()
    page = client.get("/notifications")
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
    assert "2 notifications" in page.page
    unread = client.get("/notifications?afficher=non-lues")
    assert "1 notification" in unread.page and "Ancien" not in unread.page


def test_following_a_notification_marks_it_read_and_opens_its_page(client, login_as):
    user = login_as("holder")
    notification = _notify(user, "Épicerie", link="http://localhost/dossiers/7")
    response = client.get(f"/notifications/{notification.id}")
    assert response.status_code == 302 and response.location == "http://localhost/dossiers/7"
    db.session.refresh(notification)
    assert notification.read_at is not None


def test_a_link_outside_the_site_is_never_followed(client, login_as):
    user = login_as("holder")
    notification = _notify(user, "Épicerie", link="https://ailleurs.example/piege")
    response = client.get(f"/notifications/{notification.id}")
    assert response.location == "/notifications"


def test_someone_elses_notification_is_not_found(client, login_as):
    other = factories.make_user()
    theirs = _notify(other, "Secret")
    login_as("holder")
    assert client.get(f"/notifications/{theirs.id}").status_code == 404
    client.post("/notifications/lues", data={"notification": theirs.id})
    db.session.refresh(theirs)
    assert theirs.read_at is None


def test_marking_the_selection_or_everything_as_read(client, login_as):
    user = login_as("holder")
    first, second, third = (_notify(user, title) for title in ("Un", "Deux", "Trois"))
    response = client.post("/notifications/lues", data={"notification": [first.id]}, follow_redirects=True)
    assert "1 notification(s) marquée(s) comme lue(s)." in response.page
    nothing = client.post("/notifications/lues", data={}, follow_redirects=True)
    assert "cochez-en au moins une" in nothing.page
    client.post("/notifications/lues", data={"tout": "1"})
    unread = db.session.execute(db.select(db.func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))).scalar()
    assert unread == 0


def test_the_list_costs_the_same_queries_for_3_and_for_30(client, login_as, count_queries):
    user = login_as("holder")
    for n in range(3):
        _notify(user, f"Dossier {n}")
    with count_queries() as few:
        client.get("/notifications")
    for n in range(27):
        _notify(user, f"Dossier {n + 3}")
    with count_queries() as many:
        client.get("/notifications")
    assert few.n == many.n
