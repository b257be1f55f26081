"""Sessions are held by the server: logout ends one for good, the account page ends the others."""
import re
from datetime import timedelta

import pyotp
import time_machine

from aap.core.models import utcnow
from tests import factories
from tests.auth.test_login import signed_in
from tests.factories import PASSWORD


def browser(app, user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0", address="192.0.2.1"):
    client = app.test_client()
    client.environ_base.update(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    return client


def sign_in(client, email="porteur@example.org"):
    assert client.post("/connexion", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def copy_of(client, **environ):
    thief = client.application.test_client()
    thief.environ_base.update(client.environ_base, **environ)
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def test_a_cookie_copied_before_logout_no_longer_opens_the_account(app, session):
    factories.make_user(email="porteur@example.org")
    owner = sign_in(browser(app))
    thief = copy_of(owner)
    assert thief.get("/compte").status_code == 200  # the copy works while the session is open
    owner.post("/deconnexion")
    assert thief.get("/compte").location.startswith("/connexion") and not signed_in(thief)


def test_the_account_page_lists_the_sessions_and_ends_the_others(app, session):
    factories.make_user(email="porteur@example.org")
    laptop = sign_in(browser(app))
    phone = sign_in(browser(app, "Mozilla/5.0 (Android 15) Chrome/131.0 Mobile", "198.51.100.7"))
    tablet = sign_in(browser(app, "Mozilla/5.0 (iPad) Safari/605.1", "203.0.113.5"))
    page = laptop.get("/compte").page
    assert "3 sessions ouvertes" in page and "Android 15" in page and "198.51.100.7" in page and "Cette session" in page
    ids = re.findall(r'/compte/sessions/(\d+)/fermer', laptop.get("/compte").text)
    assert len(ids) == 2
    laptop.post(f"/compte/sessions/{ids[0]}/fermer")
    assert sum(signed_in(other) for other in (phone, tablet)) == 1
    laptop.post("/compte/sessions/fermer-les-autres")
    assert not signed_in(phone) and not signed_in(tablet) and signed_in(laptop)
    assert "1 session ouverte" in laptop.get("/compte").page


def test_a_session_of_someone_else_cannot_be_ended(app, session):
    factories.make_user(email="porteur@example.org")
    factories.make_user(email="autre@example.org")
    victim = sign_in(browser(app), "autre@example.org")
    attacker = sign_in(browser(app, address="203.0.113.66"))
    for session_id in range(1, 10):
        attacker.post(f"/compte/sessions/{session_id}/fermer")
    assert signed_in(victim)


def test_a_forged_forwarded_for_does_not_carry_a_copied_cookie_past_session_protection(app, session):
    factories.make_user(email="porteur@example.org")
    owner = sign_in(browser(app, address="192.0.2.1"))
    thief = copy_of(owner, REMOTE_ADDR="198.51.100.9")
    assert thief.get("/compte", headers={"X-Forwarded-For": "192.0.2.1"}).location.startswith("/connexion")


def test_regenerating_recovery_codes_asks_for_the_password_again(app, client):
    user = factories.make_user(email="porteur@example.org", totp=True)
    client.login(user)  # signed in long ago: the password has not been typed in this session lately
    asked = client.post("/compte/codes-de-secours")
    assert asked.location.startswith("/compte/confirmer")
    page = client.get(asked.location)
    assert "Confirmer votre mot de passe" in page.page
    wrong = client.post(asked.location, data={"current_password": "Mauvais-Mot-2026"})
    assert wrong.status_code == 400 and "Le mot de passe actuel est incorrect." in wrong.page
    assert client.post(asked.location, data={"current_password": PASSWORD}).location == "/compte#totp-title"
    codes = client.post("/compte/codes-de-secours")
    assert codes.status_code == 200 and "Vos codes de secours" in codes.page
    with time_machine.travel(utcnow() + timedelta(minutes=11)):
        assert client.post("/compte/codes-de-secours").location.startswith("/compte/confirmer")


def test_signing_in_counts_as_a_fresh_confirmation(app, session):
    user = factories.make_user(email="admin@example.org", roles=("admin",), totp=True)
    admin = sign_in(browser(app), "admin@example.org")
    admin.post("/connexion/code", data={"code": pyotp.TOTP(user.totp_secret).now()})
    assert admin.post("/compte/codes-de-secours").status_code == 200


def test_password_checks_of_the_account_page_are_limited_like_the_login(app, client):
    user = factories.make_user(email="porteur@example.org", totp=True)
    client.login(user)
    statuses = [client.post("/compte/double-authentification/desactiver",
                            data={"current_password": f"Essai-{index}", "confirm": "y"}).status_code
                for index in range(6)]
    assert statuses == [400] * 5 + [429]
    refused = client.post("/compte/confirmer", data={"current_password": PASSWORD})
    assert refused.status_code == 429 and "Retry-After" in refused.headers


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(app, session):
    factories.make_user(email="porteur@example.org")
    laptop, phone = sign_in(browser(app)), sign_in(browser(app, address="198.51.100.7"))
    new = "Nouveau-Mot-De-Passe-7"
    laptop.post("/compte/mot-de-passe", data={"current_password": PASSWORD, "password": new, "confirm": new})
    assert signed_in(laptop) and not signed_in(phone)
    assert "1 session ouverte" in laptop.get("/compte").page


def test_a_session_left_idle_longer_than_the_lifetime_has_ended(app, session):
    factories.make_user(email="porteur@example.org")
    forgotten = sign_in(browser(app, address="198.51.100.7"))
    with time_machine.travel(utcnow() + app.permanent_session_lifetime + timedelta(minutes=1)):
        assert not signed_in(forgotten)
        laptop = sign_in(browser(app))
        assert "1 session ouverte" in laptop.get("/compte").page
