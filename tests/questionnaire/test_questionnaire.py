from decimal import Decimal

import pytest

from aap.extensions import db
from aap.questionnaire.budget import problems
from aap.questionnaire.definition import DefinitionError, default_source, parse_source
from aap.workflow import engine
from tests import factories

COMPLETE = {
    "version": None, "title": "Ressourcerie", "summary": "Collecte et revente.", "requested_amount": "10000",
    "q_representative_name": "Awa Diallo", "q_representative_role": "Présidente", "q_volunteers": "12",
    "q_employees": "2", "q_fte": "1.5", "q_objectives": "Réduire les déchets.", "q_beneficiaries": ["Familles"],
    "q_communes": ["Saint-Denis"], "q_in_qpv": "non", "q_start_date": "2026-01-01", "q_end_date": "2026-12-31",
    "q_indicators": "Tonnes collectées.", "q_jobs_created": "1", "q_republican_commitment": "oui",
    "q_accuracy": "oui", "q_budget-b_60": "5000", "q_budget-b_64": "15000", "q_budget-b_74_call": "10000",
    "q_budget-b_70": "10000",
}


@pytest.fixture
def draft(session, client):
    call = factories.with_cerfa_form(factories.make_open_call(max_share_percent=70, max_amount=15000))
    holder = factories.make_user()
    organisation = factories.make_organisation(members=[holder])
    dossier = factories.make_dossier(call, organisation, holder, complete=False)
    client.login(holder)
    return dossier


def save(client, dossier, **changes):
    data = {**COMPLETE, "version": str(dossier.lock_version), **changes}
    return client.post(f"/dossiers/{dossier.id}/modifier", data={k: v for k, v in data.items() if v is not None})


def test_the_default_form_follows_the_cerfa(draft, client):
    page = client.get(f"/dossiers/{draft.id}/modifier").page
    for heading in ("Identification de la structure", "Moyens humains", "Le projet", "Budget prévisionnel du projet",
                    "Déclarations", "64 – Charges de personnel", "74 – Subvention demandée à cet appel"):
        assert heading in page


def test_a_complete_form_can_be_submitted(draft, client):
    assert save(client, draft).status_code == 302
    db.session.refresh(draft)
    assert draft.answers["budget"]["74-call"] == "10000" and draft.answers["beneficiaries"] == ["Familles"]
    assert draft.missing_items() == []
    engine.apply_transition(draft.id, "submit", draft.organisation.memberships[0].user)


def test_answers_survive_a_second_sitting(draft, client):
    save(client, draft, q_objectives="Réduire les déchets du quartier.", q_budget=None)
    form = client.get(f"/dossiers/{draft.id}/modifier").page
    assert "Réduire les déchets du quartier." in form and 'value="Awa Diallo"' in form


@pytest.mark.parametrize("changes, message", [
    ({"q_budget-b_70": "9000"}, "budget prévisionnel non équilibré (charges 20\u202f000\u00a0€, produits 19\u202f000\u00a0€)"),
    ({"requested_amount": "12000"}, "la subvention demandée dans le budget (10\u202f000\u00a0€) doit être égale au montant demandé (12\u202f000\u00a0€)"),
    ({"q_budget-b_64": "5000", "q_budget-b_70": "0"}, "la subvention demandée dépasse 70 % du budget du projet"),
    ({"q_accuracy": "non"}, "Je certifie exactes les informations du présent dossier. (réponse « oui » attendue)"),
    ({"q_objectives": ""}, "Objectifs du projet"),
    ({"q_in_qpv": "oui"}, "Quartiers concernés"),
])
def test_what_blocks_submission_is_listed_and_linked(draft, client, changes, message):
    save(client, draft, **changes)
    db.session.refresh(draft)
    assert message in draft.missing_items()
    with pytest.raises(engine.TransitionRefused, match="Le dossier est incomplet"):
        engine.apply_transition(draft.id, "submit", draft.organisation.memberships[0].user)
    db.session.rollback()


def test_a_conditional_question_is_only_required_when_relevant(draft, client):
    save(client, draft, q_in_qpv="non")
    db.session.refresh(draft)
    assert "Quartiers concernés" not in draft.missing_items()


def test_a_negative_or_malformed_amount_is_refused_when_saving(draft, client):
    response = save(client, draft, **{"q_budget-b_60": "-5"})
    assert response.status_code == 400 and "Saisissez un nombre positif." in response.page
    malformed = save(client, draft, q_volunteers="douze")
    assert malformed.status_code == 400


def test_html_in_answers_is_escaped(draft, client):
    save(client, draft, q_objectives="<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in client.get(f"/dossiers/{draft.id}/modifier").text


def test_editing_the_form_never_changes_a_started_dossier(draft, client, login_as):
    from aap.calls.operations import save_form

    save(client, draft)
    call = draft.call
    shorter = default_source().replace("      - {key: contact_phone, type: text, label: Téléphone de la personne "
                                       "chargée du dossier, identifying: true}\n", "")
    assert shorter != default_source()
    save_form(call, shorter)
    db.session.commit()
    db.session.refresh(draft)
    assert draft.form_version.number == 1 and call.form_version.number == 2
    newcomer = factories.make_dossier(call, draft.organisation, draft.organisation.memberships[0].user)
    assert newcomer.form_version.number == 2 and draft.answers["representative_name"] == "Awa Diallo"


@pytest.mark.parametrize("source, message", [
    ("sections: []", "le formulaire doit contenir une liste « sections »"),
    ("sections:\n  - {key: a, title: A, fields: [{key: x, label: X, type: colour}]}", "type inconnu « colour »"),
    ("sections:\n  - {key: a, title: A, fields: [{key: x, label: X}, {key: x, label: Y}]}", "clé en double"),
    ("sections:\n  - {key: a, title: A, fields: [{key: x, label: X, show_if: {field: y, equals: oui}}]}",
     "« show_if » doit nommer un champ placé avant lui"),
    ("sections:\n  - {key: a, title: A, fields: [{key: x, label: X, type: choice}]}", "« choices » est obligatoire"),
    ("sections:\n  - {key: a, title: A, fields: [{key: x, label: X, identifying: oui}]}",
     "« identifying » vaut true ou false"),
    ("sections: [unclosed", "YAML illisible"),
])
def test_a_broken_form_definition_is_refused(source, message):
    with pytest.raises(DefinitionError, match=message):
        parse_source(source)


def test_the_cerfa_marks_the_answers_that_could_name_the_holder():
    fields = {question.key: question for question in parse_source(default_source()).fields()}
    assert {key for key, question in fields.items() if question.identifying} == {
        "representative_name", "contact_name", "contact_email", "contact_phone"}
    assert parse_source("sections:\n  - {key: a, title: A, fields: [{key: x, label: X}]}").fields()[0].identifying is False


def test_budget_rules_on_their_own():
    assert problems({}, Decimal(1000), None) == ["budget prévisionnel : aucune charge saisie"]
    assert problems({"60": "1000", "74-call": "1000"}, Decimal(1000), Decimal(100)) == []


def test_admin_edits_the_form_in_the_browser_and_errors_are_explained(client, login_as):
    login_as("admin")
    call = factories.make_open_call()
    page = client.get(f"/admin/appels/{call.id}/formulaire")
    assert page.status_code == 200 and "Identification de la structure" in page.page
    broken = client.post(f"/admin/appels/{call.id}/formulaire", data={"source": "sections:\n  - {key: a}"})
    assert broken.status_code == 400 and "section 1 : « key » et « title » sont obligatoires" in broken.page
    db.session.refresh(call)
    assert call.form_version is None
    assert client.post(f"/admin/appels/{call.id}/formulaire", data={"source": default_source()}).status_code == 302
    db.session.refresh(call)
    assert call.form_version.number == 1


def test_a_file_question_is_answered_in_the_attachments_section(session, client):
    from io import BytesIO

    from aap.calls.operations import save_form
    from tests.workflow.test_engine import PDF

    call = factories.make_open_call()
    source = default_source().replace(
        "      - {key: contact_phone, type: text, label: Téléphone de la personne chargée du dossier, identifying: true}\n",
        "      - {key: contact_phone, type: text, label: Téléphone de la personne chargée du dossier, identifying: true}\n"
        "      - {key: rib, type: file, label: Relevé d'identité bancaire, required: true}\n")
    save_form(call, source)
    db.session.commit()
    holder = factories.make_user()
    dossier = factories.make_dossier(call, factories.make_organisation(members=[holder]), holder, complete=False)
    client.login(holder)
    save(client, dossier)
    db.session.refresh(dossier)
    assert dossier.missing_items() == ["Relevé d'identité bancaire"]
    assert "joignez ce document dans la rubrique Pièces jointes" in client.get(f"/dossiers/{dossier.id}/modifier").page
    client.post(f"/dossiers/{dossier.id}/pieces", data={"kind": "rib", "file": (BytesIO(PDF), "rib.pdf")},
                content_type="multipart/form-data")
    db.session.refresh(dossier)
    assert dossier.missing_items() == []
