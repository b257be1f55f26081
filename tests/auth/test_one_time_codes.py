"""One code sent from several half-signed-in browsers at once is accepted exactly once."""
import html
import threading

import pyotp
import pytest

from aap.auth import totp
from aap.auth.models import User
from aap.extensions import db
from tests import factories
from tests.factories import PASSWORD

BROWSERS = 4


def half_signed_in_browsers(app, email: str) -> list:
    browsers = []
    for _ in range(BROWSERS):
        browser = app.test_client()
        assert browser.post("/connexion", data={"email": email, "password": PASSWORD}).location == "/connexion/code"
        browsers.append(browser)
    return browsers


def send_at_once(browsers, code: str) -> list[str]:
    barrier, outcomes, lock = threading.Barrier(len(browsers), timeout=30), [], threading.Lock()

    def send(browser):
        barrier.wait()
        response = browser.post("/connexion/code", data={"code": code})
        if response.status_code == 302 and response.location == "/":
            outcome = "accepted"
        elif response.status_code == 200 and "Ce code n'est pas valable" in html.unescape(response.get_data(as_text=True)):
            outcome = "refused"
        else:
            outcome = f"unexpected {response.status_code}"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=send, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return sorted(outcomes)


@pytest.mark.parametrize("kind", ["totp", "recovery"])
def test_one_code_from_four_browsers_at_once_is_accepted_once(app, committed, kind):
    user = factories.make_user(email="admin@example.org", roles=("admin",), totp=True)
    if kind == "totp":
        code = pyotp.TOTP(user.totp_secret).now()
    else:
        code = totp.issue_recovery_codes(user)[0]
    db.session.commit()
    user_id = user.id
    db.session.remove()  # this thread holds no transaction while the browsers race
    outcomes = send_at_once(half_signed_in_browsers(app, "admin@example.org"), code)
    assert outcomes == ["accepted"] + ["refused"] * (BROWSERS - 1)
    if kind == "recovery":
        assert totp.remaining_recovery_codes(db.session.get(User, user_id)) == totp.RECOVERY_CODE_COUNT - 1
