"""A `next` given by the visitor never leads off the site, whatever a browser would make of it."""
import pyotp
import pytest

from tests import factories
from tests.factories import PASSWORD

HOSTILE = ["//evil.example/", "/\t/evil.example", "/%09/evil.example", "/\\evil.example", "\\\\evil.example",
           "/\r\n/evil.example", "/%0d%0a/evil.example", "https://evil.example/", "javascript:alert(1)",
           " //evil.example", "/\x00/evil.example"]
#: in a query string, a NUL byte is refused by the input layer before any view runs (see the test below)
IN_ADDRESS = [target for target in HOSTILE if "\x00" not in target]


def quoted(target: str) -> str:
    """The target as a visitor would put it in a query string (percent signs kept as typed)."""
    from urllib.parse import quote

    return quote(target, safe="%/")


@pytest.mark.parametrize("target", IN_ADDRESS)
def test_login_refuses_targets_off_the_site(client, target):
    factories.make_user(email="porteur@example.org")
    response = client.post(f"/connexion?next={quoted(target)}", data={"email": "porteur@example.org",
                                                                      "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/"
    again = client.get(f"/connexion?next={quoted(target)}")  # already signed in
    assert again.status_code == 302 and again.location == "/"


@pytest.mark.parametrize("target", IN_ADDRESS)
def test_second_factor_and_enrolment_refuse_targets_off_the_site(client, target):
    user = factories.make_user(email="admin@example.org", roles=("admin",), totp=True)
    client.post(f"/connexion?next={quoted(target)}", data={"email": "admin@example.org", "password": PASSWORD})
    done = client.post("/connexion/code", data={"code": pyotp.TOTP(user.totp_secret).now()})
    assert done.status_code == 302 and done.location == "/"

    factories.make_user(email="instructrice@example.org", roles=("instructor",))
    other = client.application.test_client()
    other.post(f"/connexion?next={quoted(target)}", data={"email": "instructrice@example.org", "password": PASSWORD})
    other.get("/connexion/double-authentification")
    with other.session_transaction() as browser_session:
        secret = browser_session["enrol_secret"]
    page = other.post("/connexion/double-authentification", data={"code": pyotp.TOTP(secret).now()})
    assert page.status_code == 200 and 'href="/"' in page.text


def test_a_nul_byte_in_the_address_is_refused_before_the_login(client):
    factories.make_user(email="porteur@example.org")
    response = client.post("/connexion?next=" + quoted("/\x00/evil.example"),
                           data={"email": "porteur@example.org", "password": PASSWORD})
    assert response.status_code == 400 and "caractère de contrôle" in response.page
    assert "Location" not in response.headers


@pytest.mark.parametrize("target", HOSTILE)
def test_language_switch_refuses_targets_off_the_site(client, target):
    from urllib.parse import unquote

    response = client.post("/langue", data={"locale": "en", "next": unquote(target)})  # a form field is not decoded
    assert response.status_code == 302 and response.location == "/"


def test_local_targets_are_followed(client):
    factories.make_user(email="porteur@example.org")
    response = client.post("/connexion?next=/dossiers%3Fpage%3D2", data={"email": "porteur@example.org",
                                                                        "password": PASSWORD})
    assert response.location == "/dossiers?page=2"
    assert client.post("/langue", data={"locale": "fr", "next": "/appels"}).location == "/appels"
