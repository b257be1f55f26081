import pyotp

from aap.auth.models import User
from aap.auth.operations import find_user
from aap.extensions import db
from tests import factories
from tests.conftest import link_in
from tests.factories import PASSWORD

NEW = "Nouveau-Mot-De-Passe-7"


def test_password_reset_answers_the_same_for_unknown_addresses(client, mailbox, worker):
    factories.make_user(email="porteur@example.org")
    known = client.post("/mot-de-passe-oublie", data={"email": "porteur@example.org"})
    unknown = client.post("/mot-de-passe-oublie", data={"email": "inconnu@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.page == unknown.page
    worker.drain()
    assert len(mailbox.to("porteur@example.org")) == 1 and not mailbox.to("inconnu@example.org")


def test_reset_link_changes_the_password_once_and_signs_other_sessions_out(client, app, mailbox, worker):
    user = factories.make_user(email="porteur@example.org")
    other_browser = app.test_client()
    other_browser.login(user)
    client.post("/mot-de-passe-oublie", data={"email": "porteur@example.org"})
    worker.drain()
    link = link_in(mailbox.text(mailbox.to("porteur@example.org")[0]))

    weak = client.post(link, data={"password": "court", "confirm": "court"})
    assert "au moins 12 caractères" in weak.page

    assert client.post(link, data={"password": NEW, "confirm": NEW}).location == "/connexion"
    assert client.post("/connexion", data={"email": "porteur@example.org", "password": NEW}).status_code == 302
    assert "Se déconnecter" not in other_browser.get("/").page

    reused = client.post(link, data={"password": "Encore-Un-Autre-8", "confirm": "Encore-Un-Autre-8"})
    assert reused.status_code == 400 and "Ce lien a déjà été utilisé" in reused.page


def test_changing_password_requires_the_current_one(client):
    user = factories.make_user(email="porteur@example.org")
    client.login(user)
    wrong = client.post("/compte/mot-de-passe", data={"current_password": "faux", "password": NEW, "confirm": NEW})
    assert wrong.status_code == 400 and "Le mot de passe actuel est incorrect." in wrong.page
    ok = client.post("/compte/mot-de-passe", data={"current_password": PASSWORD, "password": NEW, "confirm": NEW})
    assert ok.status_code == 302 and "Se déconnecter" in client.get("/").page  # this session stays signed in


def test_admin_invites_an_instructor_who_sets_a_password_then_enrols_totp(client, login_as, mailbox, worker):
    login_as("admin")
    response = client.post("/admin/utilisateurs/inviter", data={"email": "Instructrice@Example.org",
                                                                "role": "instructor", "call_id": ""})
    assert response.status_code == 302
    worker.drain()
    [mail] = mailbox.to("instructrice@example.org")
    link = link_in(mailbox.text(mail))
    client.post("/deconnexion")

    assert "Activer votre compte" in client.get(link).page
    assert client.post(link, data={"full_name": "Inès Tructrice", "password": NEW, "confirm": NEW}).status_code == 302
    invited = find_user("instructrice@example.org")
    assert invited.has_role("instructor") and invited.email_verified_at is not None

    reused = client.get(link)
    assert reused.status_code == 400 and "Ce lien a déjà été utilisé" in reused.page
    login = client.post("/connexion", data={"email": "instructrice@example.org", "password": NEW})
    assert login.location == "/connexion/double-authentification"


def test_call_roles_need_a_call_and_global_roles_refuse_one(client, login_as):
    login_as("admin")
    call = factories.make_call()
    missing = client.post("/admin/utilisateurs/inviter", data={"email": "a@example.org", "role": "committee"})
    assert "Choisissez l'appel à projets" in missing.page
    extra = client.post("/admin/utilisateurs/inviter",
                        data={"email": "a@example.org", "role": "admin", "call_id": str(call.id)})
    assert "Ce rôle vaut pour tous les appels" in extra.page
    assert find_user("a@example.org") is None
    ok = client.post("/admin/utilisateurs/inviter",
                     data={"email": "a@example.org", "role": "committee", "call_id": str(call.id)})
    assert ok.status_code == 302 and find_user("a@example.org").has_role("committee", call.id)


def test_invalid_email_in_the_invitation_form(client, login_as):
    login_as("admin")
    response = client.post("/admin/utilisateurs/inviter", data={"email": "pas-une-adresse", "role": "instructor"})
    assert response.status_code == 400 and "Saisissez une adresse e-mail valide" in response.page


def test_admin_user_list_is_filtered_sorted_and_costs_constant_queries(client, login_as, count_queries):
    login_as("admin", email="zoe.admin@example.org")
    call = factories.make_call()
    for index in range(3):  # some with a role on a call, whose name the list shows too
        factories.make_user(email=f"holder{index}@example.org", roles=("committee",) if index % 2 else (), call=call)
    with count_queries() as few:
        page = client.get("/admin/utilisateurs?tri=email&ordre=desc")
    for index in range(3, 30):  # each committee member on a call of their own
        factories.make_user(email=f"holder{index}@example.org", roles=("committee",) if index % 2 else (),
                            call=factories.make_call(title=f"Appel {index}"))
    with count_queries() as many:
        client.get("/admin/utilisateurs")
    assert few.n == many.n
    assert page.page.index("zoe.admin@example.org") < page.page.index("holder2@example.org")
    filtered = client.get("/admin/utilisateurs?role=admin").page
    assert "zoe.admin@example.org" in filtered and "holder1@example.org" not in filtered


def test_language_preference_is_kept_on_the_account(client):
    user = factories.make_user(email="porteur@example.org")
    client.login(user)
    assert client.post("/compte", data={"full_name": "Camille", "locale": "en"}).status_code == 302
    assert db.session.get(User, user.id).locale == "en"
    assert '<html lang="en">' in client.get("/").text
    assert "My account" in client.get("/").page


def test_totp_code_is_valid_at_the_enrolment_page_only_for_its_own_secret(client):
    user = factories.make_user(email="porteur@example.org")
    client.login(user)
    client.get("/connexion/double-authentification")
    other = pyotp.random_base32()
    response = client.post("/connexion/double-authentification", data={"code": pyotp.TOTP(other).now()})
    assert "Ce code ne correspond pas" in response.page
