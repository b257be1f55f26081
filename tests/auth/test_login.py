import re

import pyotp
import pytest
from limits import parse_many

from aap.auth.models import User
from aap.extensions import db
from tests import factories
from tests.factories import PASSWORD


def login(client, email, password=PASSWORD):
    return client.post("/connexion", data={"email": email, "password": password})


def limit(app, setting: str) -> int:
    """How many attempts the first limit of a setting allows."""
    return parse_many(app.config[setting])[0].amount


def signed_in(client) -> bool:
    return "Se déconnecter" in client.get("/").page


def test_holder_logs_in_and_out(client):
    factories.make_user(email="porteur@example.org")
    response = login(client, "Porteur@Example.org ")
    assert response.status_code == 302 and signed_in(client)
    client.post("/deconnexion")
    assert not signed_in(client)


def test_unknown_email_and_wrong_password_get_the_same_answer(client):
    factories.make_user(email="porteur@example.org")
    wrong_password = login(client, "porteur@example.org", "Mauvais-Mot-2026")
    unknown = login(client, "personne@example.org", "Mauvais-Mot-2026")
    assert wrong_password.status_code == unknown.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in wrong_password.page
    def comparable(page):  # the CSRF token carries the second it was made in
        return re.sub(r'name="csrf_token"[^>]*', "", page.replace("porteur@", "personne@"))

    assert comparable(wrong_password.page) == comparable(unknown.page)
    assert not signed_in(client)


def test_login_is_throttled_after_repeated_failures_even_with_the_right_password(client, app):
    factories.make_user(email="porteur@example.org")
    for _ in range(limit(app, "LOGIN_LIMIT")):
        assert login(client, "porteur@example.org", "Mauvais-Mot-2026").status_code == 200
    throttled = login(client, "porteur@example.org")
    assert throttled.status_code == 429
    assert "Trop de tentatives de connexion" in throttled.page and "réessayez dans 15 minutes." in throttled.page
    assert not signed_in(client)


def test_unknown_addresses_are_throttled_alike(client, app):
    for _ in range(limit(app, "LOGIN_LIMIT")):
        login(client, "personne@example.org", "Mauvais-Mot-2026")
    assert login(client, "personne@example.org", "Mauvais-Mot-2026").status_code == 429


def test_unverified_account_is_told_and_gets_a_new_link(client, mailbox, worker):
    factories.make_user(email="nouveau@example.org", verified=False)
    response = login(client, "nouveau@example.org")
    assert "pas encore confirmée" in response.page and not signed_in(client)
    worker.drain()
    assert mailbox.to("nouveau@example.org")[0]["Subject"] == "Confirmez votre adresse e-mail"


def test_open_redirects_are_refused(client):
    factories.make_user(email="porteur@example.org")
    response = client.post("/connexion?next=//evil.example/", data={"email": "porteur@example.org",
                                                                  "password": PASSWORD})
    assert response.location == "/"


def staff(totp=True):
    return factories.make_user(email="admin@example.org", roles=("admin",), totp=totp)


def test_admin_logs_in_with_a_totp_code(client):
    user = staff()
    response = login(client, "admin@example.org")
    assert response.location == "/connexion/code" and not signed_in(client)
    wrong = client.post("/connexion/code", data={"code": "000000"})
    assert "Ce code n'est pas valable" in wrong.page and not signed_in(client)
    code = pyotp.TOTP(user.totp_secret).now()
    assert client.post("/connexion/code", data={"code": code}).status_code == 302
    assert signed_in(client)


def test_a_totp_code_cannot_be_replayed(client):
    user = staff()
    code = pyotp.TOTP(user.totp_secret).now()
    login(client, "admin@example.org")
    client.post("/connexion/code", data={"code": code})
    client.post("/deconnexion")
    login(client, "admin@example.org")
    replay = client.post("/connexion/code", data={"code": code})
    assert "Ce code n'est pas valable" in replay.page and not signed_in(client)


def test_second_factor_attempts_are_throttled(client, app):
    staff()
    login(client, "admin@example.org")
    for _ in range(limit(app, "TWO_FACTOR_LIMIT")):
        client.post("/connexion/code", data={"code": "000000"})
    assert client.post("/connexion/code", data={"code": "000000"}).status_code == 429


def test_code_page_without_a_password_first_sends_back_to_login(client):
    response = client.get("/connexion/code")
    assert response.location == "/connexion"


def test_staff_without_totp_must_enrol_before_anything_else(client):
    user = staff(totp=False)
    assert login(client, "admin@example.org").location == "/connexion/double-authentification"
    page = client.get("/connexion/double-authentification")
    assert "data:image/svg+xml" in page.text and "obligatoire pour votre compte" in page.page
    with client.session_transaction() as browser_session:
        secret = browser_session["enrol_secret"]
    wrong = client.post("/connexion/double-authentification", data={"code": "123456"})
    assert "Ce code ne correspond pas" in wrong.page
    done = client.post("/connexion/double-authentification", data={"code": pyotp.TOTP(secret).now()})
    assert "Vos codes de secours" in done.page and signed_in(client)
    assert db.session.get(User, user.id).totp_enabled


def test_a_signed_in_staff_member_without_totp_is_sent_to_enrolment(client):
    user = staff(totp=False)
    client.login(user)
    assert client.get("/admin/utilisateurs").location == "/connexion/double-authentification"


def test_recovery_code_works_once(client):
    user = factories.make_user(email="porteur@example.org")
    client.login(user)
    client.get("/connexion/double-authentification")
    with client.session_transaction() as browser_session:
        secret = browser_session["enrol_secret"]
    page = client.post("/connexion/double-authentification", data={"code": pyotp.TOTP(secret).now()}).page
    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", page)
    assert len(codes) == 10
    client.post("/deconnexion")
    login(client, "porteur@example.org")
    assert client.post("/connexion/code", data={"code": codes[0]}).status_code == 302 and signed_in(client)
    client.post("/deconnexion")
    login(client, "porteur@example.org")
    assert "Ce code n'est pas valable" in client.post("/connexion/code", data={"code": codes[0]}).page


@pytest.mark.parametrize("role", ["instructor", "reviewer", "committee", "funder"])
def test_every_role_that_sees_others_data_requires_two_factor(client, role):
    call = factories.make_call()
    user = factories.make_user(roles=(role,), call=call)
    assert user.requires_two_factor()
    client.login(user)
    assert client.get("/structures").location == "/connexion/double-authentification"


def test_holder_may_not_disable_totp_without_password_but_staff_never(client):
    holder = factories.make_user(email="porteur@example.org", totp=True)
    client.login(holder)
    refused = client.post("/compte/double-authentification/desactiver",
                          data={"current_password": "Mauvais", "confirm": "y"})
    assert "Le mot de passe actuel est incorrect." in refused.page
    assert client.post("/compte/double-authentification/desactiver",
                       data={"current_password": PASSWORD, "confirm": "y"}).status_code == 302
    assert not db.session.get(User, holder.id).totp_enabled

    admin = staff()
    client.login(admin)
    client.post("/compte/double-authentification/desactiver", data={"current_password": PASSWORD, "confirm": "y"})
    assert db.session.get(User, admin.id).totp_enabled
