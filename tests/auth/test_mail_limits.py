"""Every request that sends mail is limited per recipient address and per sender."""
from limits import parse_many

from aap.extensions import db
from aap.mail.models import Mail
from tests import factories
from tests.auth.test_registration import GOOD
from tests.calls.test_messages import post, setup


def first_limit(app, setting: str) -> int:
    return parse_many(app.config[setting])[0].amount


def mails_to(address: str) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(Mail).where(Mail.to_address == address)).scalar_one()


def test_registrations_resends_and_resets_for_one_address_share_one_limit(app, client):
    factories.make_user(email="victime@example.org", verified=False)
    answers = []
    for index in range(15):
        answers.append(client.post("/inscription", data={**GOOD, "email": "victime@example.org"}))
        answers.append(client.post("/verification/renvoyer", data={"email": "victime@example.org"}))
        answers.append(client.post("/mot-de-passe-oublie", data={"email": "victime@example.org"}))
    assert mails_to("victime@example.org") == first_limit(app, "MAIL_RECIPIENT_LIMIT")
    refused = answers[-1]
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Trop de courriels ont été demandés pour cette adresse" in refused.page
    assert 'value="victime@example.org"' in refused.text  # what was typed is kept


def test_an_unknown_address_is_limited_alike_so_the_answer_tells_nothing(app, client):
    statuses = [client.post("/mot-de-passe-oublie", data={"email": "personne@example.org"}).status_code
                for _ in range(first_limit(app, "MAIL_RECIPIENT_LIMIT") + 1)]
    assert statuses[-1] == 429 and set(statuses[:-1]) == {200}


def test_one_sender_cannot_mail_many_addresses(app, client):
    limit = first_limit(app, "MAIL_SENDER_LIMIT")
    statuses = [client.post("/mot-de-passe-oublie", data={"email": f"cible{index}@example.org"}).status_code
                for index in range(limit + 1)]
    assert statuses[-1] == 429 and set(statuses[:-1]) == {200}


def test_logging_in_to_an_unconfirmed_account_resends_the_link_only_within_the_limit(app, client):
    factories.make_user(email="nouveau@example.org", verified=False)
    for _ in range(first_limit(app, "MAIL_RECIPIENT_LIMIT") + 3):
        answer = client.post("/connexion", data={"email": "nouveau@example.org", "password": factories.PASSWORD})
    assert mails_to("nouveau@example.org") == first_limit(app, "MAIL_RECIPIENT_LIMIT")
    assert "que nous vous avons déjà envoyé" in answer.page


def test_organisation_invitations_are_limited_per_address_and_per_sender(app, client, login_as):
    holder = login_as("holder")
    organisation = factories.make_organisation(members=[holder], name="Service des impôts")
    for _ in range(first_limit(app, "MAIL_RECIPIENT_LIMIT") + 5):
        answer = client.post(f"/structures/{organisation.id}/inviter", data={"email": "dehors@example.org"})
    assert mails_to("dehors@example.org") == first_limit(app, "MAIL_RECIPIENT_LIMIT")
    assert answer.status_code == 429 and "Trop de courriels" in answer.page and "Retry-After" in answer.headers
    sent = first_limit(app, "MAIL_RECIPIENT_LIMIT")
    for index in range(first_limit(app, "MAIL_SENDER_LIMIT")):
        answer = client.post(f"/structures/{organisation.id}/inviter", data={"email": f"autre{index}@example.org"})
    assert answer.status_code == 429
    total = db.session.execute(db.select(db.func.count()).select_from(Mail)
                               .where(Mail.template == "organisation_invitation")).scalar_one()
    assert total == first_limit(app, "MAIL_SENDER_LIMIT") and sent < total


def test_admin_invitations_are_limited_too(app, client, login_as):
    login_as("admin")
    for _ in range(first_limit(app, "MAIL_RECIPIENT_LIMIT") + 1):
        answer = client.post("/admin/utilisateurs/inviter", data={"email": "invite@example.org", "role": "instructor"})
    assert answer.status_code == 429 and "Trop de courriels" in answer.page
    assert mails_to("invite@example.org") == first_limit(app, "MAIL_RECIPIENT_LIMIT")


def test_dossier_messages_are_limited_per_author_and_the_text_is_kept(app, client):
    dossier, holder, _instructor = setup()
    client.login(holder)
    for index in range(first_limit(app, "MESSAGE_LIMIT")):
        assert post(client, dossier, f"Message {index}").status_code == 302
    refused = post(client, dossier, "Un message de trop")
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "beaucoup de messages en peu de temps" in refused.page and "Un message de trop" in refused.page
