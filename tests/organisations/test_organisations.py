import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from aap.core.models import utcnow
from aap.extensions import db
from aap.organisations.models import Membership, Organisation, OrganisationInvitation
from tests import factories
from tests.conftest import link_in

GOOD = {"name": "Les Jardins partagés", "legal_form": "association", "siret": "732 829 320 00074",
        "rna": "W931234567", "address": "12 rue de la République", "commune_insee": "93066", "in_qpv": "y",
        "creation_date": "2015-03-01", "paid_staff_fte": "2.5", "volunteers": "12"}

BAD_CHECKSUM = "Ce SIRET n'est pas valide : la clé de contrôle ne correspond pas. Vérifiez les 14 chiffres."
BAD_LENGTH = "Le SIRET compte exactement 14 chiffres."
BAD_RNA = "Le numéro RNA s'écrit W suivi de 9 chiffres, par exemple W931234567."
NO_IDENTIFIER = "Une association doit indiquer son SIRET ou son numéro RNA (au moins l'un des deux)."
NOT_VALID_ANY_MORE = ("Cette invitation n'est plus valable : elle a déjà servi ou a expiré. "
                      "Demandez à un membre de la structure de vous inviter de nouveau.")


def create(client, **changes):
    return client.post("/structures/nouvelle", data={**GOOD, **changes})


def count(model) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


def field_error(response, field_id: str) -> str:
    """The message shown under one field (the visually hidden "Erreur : " prefix removed)."""
    match = re.search(rf'<p class="field-error-message" id="{field_id}-error">(.*?)</p>', response.page, re.S)
    assert match, f"no error next to {field_id}"
    return re.sub(r"<span[^>]*>.*?</span>", "", match.group(1)).strip()


def listed_names(response) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/structures/\d+">(.*?)</a></th>', response.page)


def members_of(organisation) -> set[int]:
    return {m.user_id for m in db.session.scalars(
        db.select(Membership).where(Membership.organisation_id == organisation.id))}


# --- Creation ---------------------------------------------------------------------------------------------------

def test_holder_creates_an_organisation_and_becomes_its_member(client, login_as):
    holder = login_as()
    response = create(client)
    [organisation] = db.session.scalars(db.select(Organisation)).all()
    assert response.status_code == 302 and response.location == f"/structures/{organisation.id}"
    assert members_of(organisation) == {holder.id}
    assert (organisation.name, organisation.legal_form) == ("Les Jardins partagés", "association")
    assert (organisation.siret, organisation.rna) == ("73282932000074", "W931234567")
    assert (organisation.commune_insee, organisation.in_qpv) == ("93066", True)
    assert organisation.creation_date == date(2015, 3, 1)
    assert organisation.paid_staff_fte == Decimal("2.5") and organisation.volunteers == 12
    page = client.get(response.location)
    assert page.status_code == 200 and "La structure « Les Jardins partagés » est créée." in page.page
    assert "Saint-Denis (93066)" in page.page


def test_la_poste_siret_exception_is_accepted(client, login_as):
    login_as()
    response = create(client, name="Bureau de poste", legal_form="autre", siret="35600000000048", rna="")
    assert response.status_code == 302
    assert db.session.scalars(db.select(Organisation.siret)).one() == "35600000000048"


def test_a_scic_may_have_neither_siret_nor_rna(client, login_as):
    login_as()
    response = create(client, legal_form="scic", siret="", rna="")
    assert response.status_code == 302
    organisation = db.session.scalars(db.select(Organisation)).one()
    assert organisation.siret is None and organisation.rna is None


@pytest.mark.parametrize("changes, field, message", [
    ({"siret": "73282932000075"}, "siret", BAD_CHECKSUM),
    ({"siret": "7328293200007"}, "siret", BAD_LENGTH),
    ({"siret": "732829320000745"}, "siret", BAD_LENGTH),
    ({"siret": "7328293200007A"}, "siret", BAD_LENGTH),
    ({"rna": "W12"}, "rna", BAD_RNA),
    ({"rna": "X931234567"}, "rna", BAD_RNA),
    ({"siret": "", "rna": ""}, "legal_form", NO_IDENTIFIER),
    ({"commune_insee": "75056"}, "commune_insee", "N'est pas un choix valide."),
    ({"commune_insee": "93059"}, "commune_insee", "N'est pas un choix valide."),  # merged into Saint-Denis
    ({"volunteers": "-1"}, "volunteers", "Saisissez un nombre entre 0 et 1 000 000."),
    ({"paid_staff_fte": "-0.5"}, "paid_staff_fte", "Saisissez un nombre entre 0 et 99 999,99."),
    ({"name": ""}, "name", "Ce champ est obligatoire."),
    ({"name": "   "}, "name", "Ce champ est obligatoire."),
])
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_saved(client, login_as, changes, field, message):
    login_as()
    response = create(client, **changes)
    assert response.status_code == 400
    assert field_error(response, field) == message
    assert f'href="#{field}"' in response.page  # listed in the error summary too
    assert count(Organisation) == 0 and count(Membership) == 0


def test_markup_in_the_name_is_stored_as_text_and_shown_escaped(client, login_as):
    login_as()
    response = create(client, name="<script>alert(1)</script>")
    assert db.session.scalars(db.select(Organisation.name)).one() == "<script>alert(1)</script>"
    show = client.get(response.location)
    listing = client.get("/structures")
    for page in (show, listing):
        assert "<script>alert(1)</script>" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_creation_date_typed_as_the_help_text_says_is_accepted(client, login_as):
    login_as()
    response = create(client, creation_date="01/03/2015")
    assert response.status_code == 302
    assert db.session.scalars(db.select(Organisation.creation_date)).one() == date(2015, 3, 1)


def test_communes_are_offered_in_alphabetical_order(client, login_as):
    login_as()
    page = client.get("/structures/nouvelle").page
    assert page.index(">Épinay-sur-Seine (93031)<") < page.index(">La Courneuve (93027)<")


def test_a_staff_count_too_large_for_the_column_is_refused_by_the_form(client, login_as):
    login_as()
    response = create(client, paid_staff_fte="100000")
    assert response.status_code == 400
    assert count(Organisation) == 0


# --- Editing and who may do what --------------------------------------------------------------------------------

def test_a_member_edits_the_organisation(client, login_as):
    holder = login_as()
    organisation = factories.make_organisation(members=[holder])
    page = client.get(f"/structures/{organisation.id}/modifier")
    assert page.status_code == 200 and organisation.name in page.page
    response = client.post(f"/structures/{organisation.id}/modifier",
                           data={**GOOD, "name": "Nouveau nom", "volunteers": "40", "in_qpv": ""})
    assert response.status_code == 302 and response.location == f"/structures/{organisation.id}"
    organisation = db.session.get(Organisation, organisation.id)
    assert (organisation.name, organisation.volunteers, organisation.in_qpv) == ("Nouveau nom", 40, False)
    assert members_of(organisation) == {holder.id}
    assert "Les informations de la structure sont enregistrées." in client.get(response.location).page


def test_an_edit_with_one_bad_field_saves_nothing(client, login_as):
    holder = login_as()
    organisation = factories.make_organisation(members=[holder], name="Nom d'origine")
    response = client.post(f"/structures/{organisation.id}/modifier",
                           data={**GOOD, "name": "Nom changé", "siret": "73282932000075"})
    assert response.status_code == 400 and field_error(response, "siret") == BAD_CHECKSUM
    organisation = db.session.get(Organisation, organisation.id)
    assert organisation.name == "Nom d'origine" and organisation.siret == "73282932000074"


def test_another_holder_cannot_even_know_the_organisation_exists(client, login_as):
    owner = factories.make_user()
    organisation = factories.make_organisation(members=[owner], name="Nom d'origine")
    login_as()
    assert client.get(f"/structures/{organisation.id}").status_code == 404
    assert client.get(f"/structures/{organisation.id}/modifier").status_code == 404
    assert client.post(f"/structures/{organisation.id}/modifier", data=GOOD).status_code == 404
    assert client.post(f"/structures/{organisation.id}/inviter",
                       data={"email": "intrus@example.org"}).status_code == 404
    assert db.session.get(Organisation, organisation.id).name == "Nom d'origine"
    assert count(OrganisationInvitation) == 0


def test_an_instructor_views_but_cannot_edit_or_invite(client, login_as):
    organisation = factories.make_organisation(members=[factories.make_user()], name="Nom d'origine")
    login_as("instructor")
    page = client.get(f"/structures/{organisation.id}")
    assert page.status_code == 200 and "Nom d'origine" in page.page
    assert f"/structures/{organisation.id}/modifier" not in page.text
    assert "Envoyer l'invitation" not in page.page
    assert client.get(f"/structures/{organisation.id}/modifier").status_code == 403
    assert client.post(f"/structures/{organisation.id}/modifier", data=GOOD).status_code == 403
    assert client.post(f"/structures/{organisation.id}/inviter",
                       data={"email": "x@example.org"}).status_code == 403
    assert db.session.get(Organisation, organisation.id).name == "Nom d'origine"
    assert count(OrganisationInvitation) == 0


@pytest.mark.parametrize("path", ["/structures", "/structures/nouvelle", "/structures/{id}",
                                  "/structures/{id}/modifier"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, path):
    organisation = factories.make_organisation()
    response = client.get(path.format(id=organisation.id))
    assert response.status_code == 302 and response.location.startswith("/connexion")


# --- The list ---------------------------------------------------------------------------------------------------

def test_a_holder_lists_only_their_own_organisations(client, login_as):
    factories.make_organisation(members=[factories.make_user()], name="Structure d'autrui")
    holder = login_as()
    factories.make_organisation(members=[holder], name="Ma structure")
    response = client.get("/structures")
    assert response.status_code == 200 and "Mes structures" in response.page
    assert listed_names(response) == ["Ma structure"]


def test_a_holder_without_organisation_is_invited_to_create_one(client, login_as):
    login_as()
    page = client.get("/structures").page
    assert "Vous n'avez pas encore enregistré de structure." in page


def test_staff_list_every_organisation(client, login_as):
    factories.make_organisation(members=[factories.make_user()], name="Alpha")
    factories.make_organisation(members=[factories.make_user()], name="Bravo")
    login_as("instructor")
    response = client.get("/structures")
    assert listed_names(response) == ["Alpha", "Bravo"]
    assert "2 structures" in response.page


@pytest.fixture
def three_organisations(login_as):
    holder = login_as()
    factories.make_organisation(members=[holder], name="Jardin partagé", siret="73282932000074",
                                legal_form="association", commune_insee="93066")
    factories.make_organisation(members=[holder], name="Coopérative alimentaire", siret=None,
                                rna=None, legal_form="scic", commune_insee="93001")
    factories.make_organisation(members=[holder], name="Ressourcerie", siret=None, rna="W931234567",
                                legal_form="association", commune_insee="93001")


@pytest.mark.parametrize("query, expected", [
    ("q=jardin", ["Jardin partagé"]),
    ("q=73282932", ["Jardin partagé"]),
    ("q=W9312", ["Ressourcerie"]),
    ("forme=scic", ["Coopérative alimentaire"]),
    ("commune=93001", ["Coopérative alimentaire", "Ressourcerie"]),
    ("forme=association&commune=93001", ["Ressourcerie"]),
    ("tri=name&ordre=desc", ["Ressourcerie", "Jardin partagé", "Coopérative alimentaire"]),
    ("tri=name", ["Coopérative alimentaire", "Jardin partagé", "Ressourcerie"]),
])
def test_the_list_is_filtered_and_sorted(client, three_organisations, query, expected):
    response = client.get(f"/structures?{query}")
    assert response.status_code == 200 and listed_names(response) == expected


def test_a_filter_that_matches_nothing_says_so(client, three_organisations):
    response = client.get("/structures?q=introuvable")
    assert listed_names(response) == [] and "Aucune structure ne correspond à ces filtres." in response.page


def test_searching_for_a_percent_sign_does_not_match_everything(client, three_organisations):
    assert listed_names(client.get("/structures?q=%25")) == []


def test_the_list_runs_as_many_queries_for_30_organisations_as_for_3(client, login_as, count_queries):
    holder = login_as()

    def add(n):
        for _ in range(n):
            factories.make_organisation(members=[holder, factories.make_user()])

    def queries_for_list() -> tuple[int, int]:
        with count_queries() as counted:
            response = client.get("/structures")
        assert response.status_code == 200
        return counted.n, len(listed_names(response))

    add(3)
    client.get("/structures")  # warm-up: anything cached once per process
    few, shown = queries_for_list()
    assert shown == 3
    add(27)
    many, shown = queries_for_list()
    assert shown == 30 and many == few


# --- Inviting a co-member ---------------------------------------------------------------------------------------

def invite(client, organisation, email="camille@example.org"):
    return client.post(f"/structures/{organisation.id}/inviter", data={"email": email})


def invitation_link(client, organisation, mailbox, worker, email="camille@example.org") -> str:
    assert invite(client, organisation, email).status_code == 302
    worker.drain()
    [mail] = mailbox.to(email)
    return link_in(mailbox.text(mail))


def test_a_member_invites_someone_who_accepts_and_becomes_a_member(client, login_as, mailbox, worker):
    holder = login_as()
    organisation = factories.make_organisation(members=[holder], name="Les Jardins partagés")
    response = invite(client, organisation, "Camille@Example.org ")
    assert response.status_code == 302 and response.location == f"/structures/{organisation.id}"
    assert "Invitation envoyée à camille@example.org." in client.get(response.location).page

    worker.drain()
    [mail] = mailbox.to("camille@example.org")
    assert mail["Subject"] == "Invitation à rejoindre une structure sur le service des appels à projets ESS"
    assert "> Structure : Les Jardins partagés" in mailbox.text(mail)
    link = link_in(mailbox.text(mail))
    assert re.fullmatch(r"/structures/invitation/[\w-]+", link)
    token = link.removeprefix("/structures/invitation/")
    invitation = db.session.scalars(db.select(OrganisationInvitation)).one()
    assert invitation.email == "camille@example.org" and token not in invitation.token_hash

    invitee = client.login(factories.make_user(email="camille@example.org"))
    page = client.get(link)
    assert page.status_code == 200 and "Rejoindre « Les Jardins partagés »" in page.page
    assert members_of(organisation) == {holder.id}  # a GET alone changes nothing

    accepted = client.post(link)
    assert accepted.status_code == 302 and accepted.location == f"/structures/{organisation.id}"
    assert members_of(organisation) == {holder.id, invitee.id}
    assert db.session.get(OrganisationInvitation, invitation.id).accepted_at is not None
    assert "Vous êtes maintenant membre de « Les Jardins partagés »." in client.get(accepted.location).page


def test_an_invitation_link_works_only_once(client, login_as, mailbox, worker):
    organisation = factories.make_organisation(members=[login_as()])
    link = invitation_link(client, organisation, mailbox, worker)
    client.login(factories.make_user(email="camille@example.org"))
    assert client.post(link).status_code == 302
    for reused in (client.get(link), client.post(link)):
        assert reused.status_code == 400 and NOT_VALID_ANY_MORE in reused.page
    assert count(Membership) == 2


def test_an_invitation_cannot_be_accepted_from_another_account(client, login_as, mailbox, worker):
    organisation = factories.make_organisation(members=[login_as()])
    link = invitation_link(client, organisation, mailbox, worker)
    other = client.login(factories.make_user(email="dominique@example.org"))
    for attempt in (client.get(link), client.post(link)):
        assert attempt.status_code == 403
        assert ("Cette invitation a été envoyée à camille@example.org. Connectez-vous avec ce compte, "
                "ou créez-le, pour l'accepter.") in attempt.page
    assert other.id not in members_of(organisation)
    assert db.session.scalars(db.select(OrganisationInvitation.accepted_at)).one() is None


def test_an_expired_invitation_is_refused(client, login_as, mailbox, worker):
    organisation = factories.make_organisation(members=[login_as()])
    link = invitation_link(client, organisation, mailbox, worker)
    invitation = db.session.scalars(db.select(OrganisationInvitation)).one()
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    invitee = client.login(factories.make_user(email="camille@example.org"))
    response = client.post(link)
    assert response.status_code == 400 and NOT_VALID_ANY_MORE in response.page
    assert invitee.id not in members_of(organisation)


def test_an_unknown_invitation_token_is_refused(client, login_as):
    login_as()
    response = client.get("/structures/invitation/pas-un-vrai-jeton")
    assert response.status_code == 400 and NOT_VALID_ANY_MORE in response.page


def test_an_invalid_address_is_refused_and_no_invitation_is_made(client, login_as, mailbox, worker):
    organisation = factories.make_organisation(members=[login_as()])
    response = invite(client, organisation, "camille.example.org")
    assert response.status_code == 400
    assert field_error(response, "email") == "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."
    assert count(OrganisationInvitation) == 0
    worker.drain()
    assert mailbox.to("camille.example.org") == []


def test_an_anonymous_visitor_on_an_invitation_link_is_sent_to_login(client, login_as, mailbox, worker):
    organisation = factories.make_organisation(members=[login_as()])
    link = invitation_link(client, organisation, mailbox, worker)
    client.post("/deconnexion")
    response = client.get(link)
    assert response.status_code == 302 and response.location.startswith("/connexion")
    assert count(Membership) == 1
