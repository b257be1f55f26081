"""Known and unknown addresses cost the same password-hashing work, so time does not tell them apart."""
import argon2
import pytest

from tests import factories
from tests.auth.test_registration import GOOD


@pytest.fixture
def hashing(monkeypatch):
    """Counts argon2 hash and verify calls made while a request is served."""
    counted = {"hash": 0, "verify": 0}
    for name in counted:
        original = getattr(argon2.PasswordHasher, name)

        def counting(self, *args, _name=name, _original=original, **kwargs):
            counted[_name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(argon2.PasswordHasher, name, counting)

    def measure(request) -> dict:
        before = dict(counted)
        request()
        return {name: counted[name] - before[name] for name in counted}

    return measure


def test_login_checks_a_hash_for_unknown_disabled_and_known_accounts(client, hashing):
    factories.make_user(email="porteur@example.org")
    factories.make_user(email="parti@example.org", active=False)
    attempts = {email: hashing(lambda email=email: client.post(
        "/connexion", data={"email": email, "password": "Mauvais-Mot-2026"}))
        for email in ("porteur@example.org", "inconnu@example.org", "parti@example.org")}
    assert attempts["porteur@example.org"] == {"hash": 0, "verify": 1}
    assert attempts["inconnu@example.org"] == attempts["parti@example.org"] == attempts["porteur@example.org"]


def test_registration_hashes_once_whether_the_address_is_known_or_not(client, hashing):
    factories.make_user(email="deja@example.org")
    known = hashing(lambda: client.post("/inscription", data={**GOOD, "email": "deja@example.org"}))
    new = hashing(lambda: client.post("/inscription", data=GOOD))
    assert known == new == {"hash": 1, "verify": 0}


def test_reset_request_does_the_same_hashing_for_known_and_unknown_addresses(client, hashing):
    factories.make_user(email="porteur@example.org")
    known = hashing(lambda: client.post("/mot-de-passe-oublie", data={"email": "porteur@example.org"}))
    unknown = hashing(lambda: client.post("/mot-de-passe-oublie", data={"email": "inconnu@example.org"}))
    assert known == unknown
