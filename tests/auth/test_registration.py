import time

from itsdangerous import TimestampSigner

from aap.auth.models import User
from aap.auth.operations import find_user
from aap.extensions import db
from tests import factories
from tests.conftest import link_in

GOOD = {"full_name": "Camille Martin", "email": "camille@example.org",
        "password": "Jardin-Partage-2026", "confirm": "Jardin-Partage-2026"}


def register(client, **changes):
    return client.post("/inscription", data={**GOOD, **changes})


def test_registration_sends_a_verification_link_that_confirms_the_address(client, mailbox, worker):
    response = register(client)
    assert response.status_code == 302 and response.location.endswith("/inscription/verifiez-vos-mails")
    assert worker.drain() == 1
    [mail] = mailbox.to("camille@example.org")
    assert mail["Subject"] == "Confirmez votre adresse e-mail"
    link = link_in(mailbox.text(mail))
    assert find_user("camille@example.org").email_verified_at is None

    page = client.get(link)
    assert page.status_code == 200 and "Confirmer mon adresse" in page.page
    assert find_user("camille@example.org").email_verified_at is None  # a GET alone changes nothing

    assert client.post(link).status_code == 302
    assert find_user("camille@example.org").email_verified_at is not None

    reused = client.post(link)
    assert reused.status_code == 400 and "Ce lien a déjà été utilisé" in reused.page


def test_password_is_stored_as_argon2id_never_in_clear(client):
    register(client)
    stored = find_user("camille@example.org").password_hash
    assert stored.startswith("$argon2id$") and GOOD["password"] not in stored


def test_invalid_email_is_refused_next_to_the_field(client):
    response = register(client, email="camille.example.org")
    assert response.status_code == 200
    assert "Saisissez une adresse e-mail valide" in response.page
    assert 'aria-invalid="true"' in response.page and 'href="#email"' in response.page
    assert db.session.execute(db.select(db.func.count()).select_from(User)).scalar_one() == 0


def test_weak_passwords_get_a_message_that_says_what_to_change(client):
    short = register(client, password="Ab1!", confirm="Ab1!")
    assert "au moins 12 caractères" in short.page
    monotone = register(client, password="abcdefghijkl", confirm="abcdefghijkl")
    assert "Mélangez au moins trois types de caractères" in monotone.page
    with_email = register(client, password="Camille-2026-Jardin", confirm="Camille-2026-Jardin")
    assert "ne doit pas contenir votre adresse e-mail" in with_email.page
    assert find_user("camille@example.org") is None
    passphrase = register(client, password="unephrasedepasse", confirm="unephrasedepasse")
    assert passphrase.status_code == 302  # 16 letters without digits: a passphrase is accepted


def test_mismatched_confirmation_is_refused(client):
    response = register(client, confirm="Autre-Chose-2026!")
    assert "Les deux mots de passe ne sont pas identiques." in response.page
    assert find_user("camille@example.org") is None


def test_registering_a_known_address_answers_the_same_and_warns_the_owner(client, mailbox, worker):
    factories.make_user(email="camille@example.org")
    response = register(client)
    assert response.status_code == 302 and response.location.endswith("/inscription/verifiez-vos-mails")
    worker.drain()
    [mail] = mailbox.to("camille@example.org")
    assert mail["Subject"] == "Vous avez déjà un compte"
    assert db.session.execute(db.select(db.func.count()).select_from(User)).scalar_one() == 1


def test_expired_verification_link_is_refused_with_a_clear_message(client, mailbox, worker, monkeypatch):
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 4 * 24 * 3600)
    register(client)
    worker.drain()
    monkeypatch.undo()
    link = link_in(mailbox.text(mailbox.to("camille@example.org")[0]))
    response = client.get(link)
    assert response.status_code == 400 and "Ce lien a expiré" in response.page


def test_tampered_link_is_refused(client):
    response = client.get("/verification/eyJ1IjoxfQ.abc.def")
    assert response.status_code == 400 and "Ce lien n'est pas valable" in response.page


def test_resending_verification_answers_the_same_for_unknown_addresses(client, mailbox, worker):
    factories.make_user(email="pas-encore@example.org", verified=False)
    known = client.post("/verification/renvoyer", data={"email": "pas-encore@example.org"})
    unknown = client.post("/verification/renvoyer", data={"email": "inconnu@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.location == unknown.location
    worker.drain()
    assert len(mailbox.to("pas-encore@example.org")) == 1 and not mailbox.to("inconnu@example.org")
