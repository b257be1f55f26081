"""The call's agreement template page: the values beside the text, a preview on a sample, each save a new version, and
a template reaching beyond its values refused with nothing saved."""
import pytest
from sqlalchemy import func, select

from aap.decisions.agreement_models import AgreementTemplate
from aap.decisions.agreement_templates import default_source, in_use
from aap.extensions import db
from tests import factories


@pytest.fixture
def call(client, session):
    client.login(factories.make_user(roles=("admin",), totp=True))
    return factories.make_open_call(title="Appel modèle de convention")


def versions(call) -> int:
    return db.session.execute(select(func.count()).select_from(AgreementTemplate)
                              .where(AgreementTemplate.call_id == call.id)).scalar()


def save(client, call, source: str, **extra):
    return client.post(f"/admin/appels/{call.id}/convention", data={"source": source, **extra})


def test_the_page_shows_the_default_text_its_values_and_a_preview(client, call):
    response = client.get(f"/admin/appels/{call.id}/convention")
    assert response.status_code == 200
    page = response.page
    assert "Cet appel utilise le modèle par défaut" in page
    assert "## Article 6 — Sommes non utilisées et reversement" in page  # the text area holds the default
    assert "{{ montant_en_lettres }}" in page and "Le montant accordé, en toutes lettres" in page
    assert "{% for ligne in echeances %}" in page and "ligne.declencheur" in page and "|money" in page
    assert "Aperçu avec des valeurs d'exemple" in page and "Association Les Jardins du Canal" in page
    assert "Aucune version propre à l'appel" in page


def test_each_save_is_a_new_version_and_the_same_text_makes_none(client, call):
    first = save(client, call, "# Convention\r\n\r\nEntre {{ autorite }} et {{ structure }}.")
    assert first.status_code == 302
    assert "Le modèle de convention est enregistré (version 1)" in client.get(first.location).page
    save(client, call, "# Convention\n\nEntre {{ autorite }} et {{ structure }}, pour {{ montant|money }}.")
    response = save(client, call, "# Convention\n\nEntre {{ autorite }} et {{ structure }}, pour {{ montant|money }}.")
    assert "Le texte n'a pas changé : aucune nouvelle version n'est enregistrée." in client.get(response.location).page
    assert versions(call) == 2
    assert in_use(call.id).row.version == 2 and in_use(call.id).source.endswith("{{ montant|money }}.")
    page = client.get(f"/admin/appels/{call.id}/convention").page
    assert "Version 2 en service" in page and "Version 1" in page
    first_version = client.get(f"/admin/appels/{call.id}/convention/versions/1")
    assert first_version.status_code == 200
    assert "Entre {{ autorite }} et {{ structure }}." in first_version.page
    assert "Remplacée depuis par la version 2." in first_version.page
    assert client.get(f"/admin/appels/{call.id}/convention/versions/3").status_code == 404


def test_saving_the_default_unchanged_makes_it_the_calls_version_1(client, call):
    assert save(client, call, default_source()).status_code == 302
    assert versions(call) == 1 and in_use(call.id).source == default_source()


@pytest.mark.parametrize("source, problem", [
    ("Bonjour\n{{ config }}", "Ligne 2 : « config » n'est pas une valeur disponible"),
    ("{{ ''.__class__.__mro__ }}", "Ligne 1 : « __mro__ » est un nom interne"),
    ("a\nb\n{{ self }}", "Ligne 3 : « self » n'est pas une valeur disponible"),
    ("{% include 'base.html' %}", "Ligne 1 : la balise {% include %} n'est pas permise"),
    ("{{ cycler() }}", "Ligne 1 : les appels de fonction ou de méthode ne sont pas permis"),
    ("{{ inconnue }}", "Ligne 1 : « inconnue » n'est pas une valeur disponible"),
    ("x" * 100_001, "Le modèle dépasse 100"),
])
def test_a_template_reaching_beyond_its_values_is_refused_and_nothing_is_saved(client, call, source, problem):
    response = save(client, call, source)
    assert response.status_code == 400
    assert problem in response.page.replace("\u202f", " ")
    assert versions(call) == 0
    assert "Erreur :" in response.page  # the page's title says so, and the text typed is kept
    assert source[:50] in response.page


def test_the_preview_renders_the_sample_and_saves_nothing(client, call):
    response = save(client, call, "# Essai\n\n**{{ structure }}** reçoit {{ montant|money }} ({{ montant_en_lettres }}).",
                    apercu="1")
    assert response.status_code == 200
    assert "Aperçu avec les valeurs d'exemple : rien n'est encore enregistré." in response.page
    assert "<strong>Association Les Jardins du Canal</strong> reçoit 30" in response.page
    assert "(trente mille euros)" in response.page
    assert versions(call) == 0
    refused = save(client, call, "{{ request }}", apercu="1")
    assert refused.status_code == 400 and "« request » n'est pas une valeur disponible" in refused.page


def test_an_unknown_call_is_not_found(client, call):
    assert client.get("/admin/appels/99999999/convention").status_code == 404
