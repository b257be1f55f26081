"""Guessing a password or a code is limited atomically, per account and browser, and never silently off."""
import html
import threading
from datetime import timedelta

import pyotp
import pytest
import redis
import time_machine

from aap.core.models import utcnow
from aap.core.queue import get_redis
from tests import factories
from tests.auth.test_login import limit, signed_in
from tests.conftest import build_test_app
from tests.factories import PASSWORD
from tests.services import RedisServer

WRONG = "Mauvais-Mot-2026"
TOWN_HALL = "192.0.2.10"


def browser(app, address: str = TOWN_HALL):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def login(client, email, password=PASSWORD, **headers):
    return client.post("/connexion", data={"email": email, "password": password}, headers=headers)


def test_thirty_parallel_wrong_passwords_for_one_account_check_only_the_limit(app, committed):
    factories.make_user(email="porteur@example.org")
    browsers = [browser(app) for _ in range(30)]
    barrier, statuses, lock = threading.Barrier(30, timeout=30), [], threading.Lock()

    def attempt(client):
        barrier.wait()
        status = login(client, "porteur@example.org", WRONG).status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=attempt, args=(client,)) for client in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(statuses) == 30
    assert statuses.count(200) == limit(app, "LOGIN_LIMIT") and statuses.count(429) == 30 - statuses.count(200)


def test_the_refusal_is_a_french_page_with_retry_after_and_waiting_does_not_grow(app, client):
    factories.make_user(email="porteur@example.org")
    for _ in range(limit(app, "LOGIN_LIMIT")):
        login(client, "porteur@example.org", WRONG)
    start = utcnow()
    refused = login(client, "porteur@example.org")
    assert refused.status_code == 429 and 890 <= int(refused.headers["Retry-After"]) <= 900
    assert "Trop de tentatives de connexion" in refused.page and "réessayez dans 15 minutes" in refused.page
    assert 'value="porteur@example.org"' in refused.text and not signed_in(client)
    with time_machine.travel(start + timedelta(minutes=10)):  # refused attempts are not counted
        assert login(client, "porteur@example.org", WRONG).status_code == 429
    with time_machine.travel(start + timedelta(minutes=15, seconds=5)):
        assert login(client, "porteur@example.org").status_code == 302


def test_someone_else_failing_behind_the_same_address_does_not_lock_a_colleague_out(app, client):
    factories.make_user(email="agent@mairie.example")
    colleague = factories.make_user(email="collegue@mairie.example", roles=("admin",), totp=True)
    other = browser(app)
    for index in range(25):  # more than the old per-address lock, on their own and on made-up accounts
        login(other, "agent@mairie.example" if index % 2 else f"inconnu{index}@mairie.example", WRONG)
    colleague_browser = browser(app)
    assert login(colleague_browser, "collegue@mairie.example").location == "/connexion/code"
    for _ in range(limit(app, "TWO_FACTOR_LIMIT") - 1):  # the code step counts on its own
        assert colleague_browser.post("/connexion/code", data={"code": "000000"}).status_code == 200
    code = pyotp.TOTP(colleague.totp_secret).now()
    assert colleague_browser.post("/connexion/code", data={"code": code}).status_code == 302
    assert signed_in(colleague_browser)


def test_an_attacker_from_many_addresses_cannot_lock_the_owner_out_of_their_own_browser(app, client):
    factories.make_user(email="porteur@example.org")
    owner = browser(app)
    assert login(owner, "porteur@example.org").status_code == 302  # this browser is now known to the account
    owner.post("/deconnexion")
    attempts = limit(app, "LOGIN_ACCOUNT_LIMIT") + 5
    for index in range(attempts):  # one guess from each of many addresses, the owner's own address among them
        address = TOWN_HALL if index < 10 else f"198.51.100.{index}"
        login(browser(app, address), "porteur@example.org", WRONG)
    assert login(browser(app, "203.0.113.99"), "porteur@example.org").status_code == 429  # a new browser waits
    assert login(owner, "porteur@example.org").status_code == 302 and signed_in(owner)


def test_the_last_trusted_proxy_gives_the_address_and_a_spoofed_header_changes_nothing(redis_server, tmp_path):
    proxied = build_test_app(f"sqlite:///{tmp_path / 'proxied.sqlite3'}", redis_server.url, TRUSTED_PROXIES=1)
    get_redis(proxied).flushdb()
    with proxied.app_context():
        factories.make_user(email="porteur@example.org")
    client = proxied.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.0.2"  # the reverse proxy
    for index in range(limit(proxied, "LOGIN_LIMIT")):  # the client varies what it writes itself, in vain
        login(client, "porteur@example.org", WRONG, **{"X-Forwarded-For": f"6.6.6.{index}, 203.0.113.7"})
    assert login(client, "porteur@example.org", **{"X-Forwarded-For": "9.9.9.9, 203.0.113.7"}).status_code == 429
    # another client behind the same proxy is counted apart, though it shares the proxy's address
    assert login(proxied.test_client(), "porteur@example.org",
                 **{"X-Forwarded-For": "198.51.100.4"}).status_code == 302


def test_without_trusted_proxies_the_forwarded_header_is_ignored(app, client):
    factories.make_user(email="porteur@example.org")
    for index in range(limit(app, "LOGIN_LIMIT")):
        login(client, "porteur@example.org", WRONG, **{"X-Forwarded-For": f"203.0.113.{index}"})
    assert login(client, "porteur@example.org", **{"X-Forwarded-For": "198.51.100.1"}).status_code == 429


@pytest.fixture
def redis_stopped(app):
    """The app's Redis is a real server that has just been stopped."""
    original = get_redis(app)
    outage = RedisServer()
    app.extensions["aap_redis"] = redis.Redis.from_url(outage.url, socket_connect_timeout=1)
    outage.stop()
    yield
    app.extensions["aap_redis"] = original


def test_with_redis_down_passwords_and_codes_are_not_checked_at_all(app, client, redis_stopped):
    admin = factories.make_user(email="admin@example.org", roles=("admin",), totp=True)
    refused = login(client, "admin@example.org")
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "60"
    assert "cette vérification est suspendue" in refused.page and not signed_in(client)
    with client.session_transaction() as browser_session:  # a browser that got past the password before the outage
        browser_session["pending_login"] = {"token": admin.session_token, "at": utcnow().timestamp(), "next": "/"}
    code = client.post("/connexion/code", data={"code": pyotp.TOTP(admin.totp_secret).now()})
    assert code.status_code == 503 and "cette vérification est suspendue" in html.unescape(code.text)
