"""Hostile or clumsy input gets a clear French refusal, never a 500, on SQLite and on PostgreSQL."""
import re
from pathlib import Path

import pytest

from aap.calls.models import Call
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.organisations.models import Organisation
from tests import factories
from tests.calls.test_calls import FORM as CALL_FORM

CONTROL = "caractère de contrôle"
NOT_A_NUMBER = "Saisissez un nombre, par exemple 12500 ou 12500,50."
TOO_LARGE = "Ce nombre est trop grand"
HUGE_NUMBERS = [str(2**31), str(2**63), "9" * 5000]


def holder_and_draft(login_as):
    holder = login_as("holder")
    call = factories.make_open_call()
    dossier = factories.make_dossier(call, factories.make_organisation(members=[holder]), holder)
    return holder, dossier


# -- control characters -------------------------------------------------------------------------------------------

SEARCHES = [("holder", "/dossiers?q="), ("holder", "/structures?q="), ("admin", "/dossiers?q="),
            ("admin", "/structures?q="), ("admin", "/admin/utilisateurs?q="), ("admin", "/admin/courriels?q=")]


@pytest.mark.parametrize("role, path", SEARCHES)
def test_a_control_character_in_a_search_is_refused_in_french(client, login_as, role, path):
    login_as(role)
    response = client.get(path + "%C3%A9picerie%00")
    assert response.status_code == 400
    assert CONTROL in response.page


def test_a_control_character_in_an_address_is_refused_in_french(client, login_as):
    login_as("holder")
    response = client.get("/structures/invitation/abc%00def")
    assert response.status_code == 400 and CONTROL in response.page


def _organisation(client, login_as, text):
    login_as("holder")
    form = {"name": text, "legal_form": "association", "siret": "73282932000074", "address": "1 place",
            "commune_insee": "93066", "paid_staff_fte": "1", "volunteers": "2"}
    return client.post("/structures/nouvelle", data=form), "name"


def _organisation_edit(client, login_as, text):
    holder = login_as("holder")
    organisation = factories.make_organisation(members=[holder])
    form = {"name": "Association", "legal_form": "association", "siret": "73282932000074", "address": text,
            "commune_insee": "93066", "paid_staff_fte": "1", "volunteers": "2"}
    return client.post(f"/structures/{organisation.id}/modifier", data=form), "address"


def _dossier(client, login_as, text):
    _holder, dossier = holder_and_draft(login_as)
    return client.post(f"/dossiers/{dossier.id}/modifier",
                       data={"version": str(dossier.lock_version), "title": "Épicerie", "summary": text}), "summary"


def _message(client, login_as, text):
    _holder, dossier = holder_and_draft(login_as)
    return client.post(f"/dossiers/{dossier.id}/messages", data={"message-body": text}), "message-body"


def _account(client, login_as, text):
    login_as("holder")
    return client.post("/compte", data={"full_name": text, "locale": "fr"}), "full_name"


def _registration(client, login_as, text):
    return client.post("/inscription", data={"full_name": text, "email": "nouvelle@example.org",
                                             "password": "Correct-Cheval-Batterie-42",
                                             "confirm": "Correct-Cheval-Batterie-42"}), "full_name"


def _bulk(client, login_as, text):
    login_as("admin")
    return client.post("/admin/messages/nouveau", data={"role": "holders", "call_id": "", "subject": "Réunion",
                                                        "body": text, "action": "hold"}), "body"


def _action_comment(client, login_as, text):
    _holder, dossier = holder_and_draft(login_as)
    return client.post(f"/dossiers/{dossier.id}/actions/withdraw",
                       data={"withdraw-version": str(dossier.lock_version), "withdraw-comment": text}), \
        "withdraw-comment"


def _call(client, login_as, text):
    login_as("admin")
    return client.post("/admin/appels/nouveau", data={**CALL_FORM, "strands-0-name": text}), "strands-0-name"


WRITES = [_organisation, _organisation_edit, _dossier, _message, _account, _registration, _bulk, _action_comment,
          _call]


@pytest.mark.parametrize("write", WRITES, ids=lambda write: write.__name__.strip("_"))
@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f"], ids=["nul", "escape", "delete"])
def test_a_control_character_in_a_text_field_is_refused_next_to_it(client, login_as, write, character):
    response, field = write(client, login_as, f"Une ligne\nune autre{character} fin")
    # the registration page answers 200 to every refused form, as it always has
    assert response.status_code == (200 if write is _registration else 400), response.page
    error = re.search(rf'id="{re.escape(field)}-error"[^>]*>(.*?)</p>', response.page, re.S)
    assert error and CONTROL in error.group(1), f"no message next to {field}"
    assert "Une ligne\nune autre" in response.page  # what was typed is still there


def test_tabs_and_line_breaks_are_ordinary_text(client, login_as):
    _holder, dossier = holder_and_draft(login_as)
    response = client.post(f"/dossiers/{dossier.id}/modifier", data={
        "version": str(dossier.lock_version), "title": "Épicerie", "summary": "Objectifs :\r\n\t- nourrir"})
    assert response.status_code == 302
    assert db.session.get(Dossier, dossier.id).summary == "Objectifs :\r\n\t- nourrir"


# -- integers too large for the database ---------------------------------------------------------------------------

def _int_routes(app) -> list[tuple[str, str]]:
    """(method, rule) of every route that takes a number in its address."""
    return sorted(("GET" if "GET" in rule.methods else "POST", rule.rule) for rule in app.url_map.iter_rules()
                  if "<int:" in rule.rule)


def test_every_integer_route_is_walked(app):
    assert len(_int_routes(app)) >= 25


@pytest.mark.parametrize("number", HUGE_NUMBERS, ids=["2^31", "2^63", "5000-digits"])
def test_every_integer_in_an_address_too_large_for_the_database_is_not_found(app, client, login_as, number):
    login_as("admin")
    answers = {}
    for method, rule in _int_routes(app):
        path = re.sub(r"<int:\w+>", number, rule)
        path = re.sub(r"<(?:\w+:)?\w+>", "x", path)
        answers[f"{method} {rule}"] = client.open(path, method=method).status_code
    assert {route: status for route, status in answers.items() if status != 404} == {}


LISTS = ["/dossiers", "/structures", "/notifications", "/admin/utilisateurs", "/admin/courriels", "/admin/messages"]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("number", [*HUGE_NUMBERS[:2], "-3", "0", "abc"],
                         ids=["2^31", "2^63", "negative", "zero", "text"])
def test_a_page_number_out_of_range_shows_the_first_page(client, login_as, path, number):
    login_as("admin")
    assert client.get(f"{path}?page={number}").status_code == 200


@pytest.mark.parametrize("number", HUGE_NUMBERS[:2], ids=["2^31", "2^63"])
def test_a_call_filter_too_large_for_the_database_filters_nothing(client, login_as, number):
    _holder, dossier = holder_and_draft(login_as)
    response = client.get(f"/dossiers?appel={number}")
    assert response.status_code == 200 and dossier.title in response.page


def test_a_list_of_notifications_marked_read_ignores_numbers_too_large(client, login_as):
    login_as("holder")
    response = client.post("/notifications/lues", data={"notification": [str(2**63), "12"]})
    assert response.status_code == 302


# -- amounts that are not numbers ------------------------------------------------------------------------------------

NOT_FINITE = ["NaN", "nan", "sNaN", "Infinity", "-Infinity", "inf"]


@pytest.mark.parametrize("value, message", [*((value, NOT_A_NUMBER) for value in NOT_FINITE),
                                            ("1e999999", TOO_LARGE), ("douze", NOT_A_NUMBER)])
def test_a_requested_amount_that_is_not_a_number_is_refused(client, login_as, value, message):
    _holder, dossier = holder_and_draft(login_as)
    response = client.post(f"/dossiers/{dossier.id}/modifier", data={
        "version": str(dossier.lock_version), "title": "Épicerie gardée", "requested_amount": value})
    assert response.status_code == 400
    assert message in response.page and 'value="Épicerie gardée"' in response.text
    assert f'value="{value}"' in response.text  # what was typed is shown again, to be corrected


@pytest.mark.parametrize("field", ["total_envelope", "min_amount", "max_amount", "max_share_percent",
                                   "strands-0-envelope"])
@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-inf"])
def test_a_call_amount_that_is_not_a_number_is_refused(client, login_as, field, value):
    login_as("admin")
    response = client.post("/admin/appels/nouveau", data={**CALL_FORM, field: value})
    assert response.status_code == 400
    assert NOT_A_NUMBER in response.page
    assert db.session.execute(db.select(Call)).first() is None


def test_staff_numbers_that_are_not_numbers_are_refused(client, login_as):
    login_as("holder")
    response = client.post("/structures/nouvelle", data={
        "name": "Association", "legal_form": "association", "siret": "73282932000074", "address": "1 place",
        "commune_insee": "93066", "paid_staff_fte": "NaN", "volunteers": "2"})
    assert response.status_code == 400 and NOT_A_NUMBER in response.page
    assert db.session.execute(db.select(Organisation)).first() is None


def test_questionnaire_money_and_budget_lines_that_are_not_numbers_are_refused(client, login_as):
    holder = login_as("holder")
    call = factories.with_cerfa_form(factories.make_open_call())
    dossier = factories.make_dossier(call, factories.make_organisation(members=[holder]), holder)
    page = client.get(f"/dossiers/{dossier.id}/modifier").text
    money = [name for name in re.findall(r'name="(q_[\w-]+)"', page) if "inputmode=\"decimal\"" in
             page[page.index(f'name="{name}"') - 300:page.index(f'name="{name}"') + 300]]
    assert money, "the Cerfa form has amounts"
    response = client.post(f"/dossiers/{dossier.id}/modifier", data={
        "version": str(dossier.lock_version), "title": "Épicerie", **{name: "NaN" for name in money}})
    assert response.status_code == 400 and NOT_A_NUMBER in response.page


# -- YAML written by administrators ----------------------------------------------------------------------------------

def test_an_impossible_date_in_the_form_editor_is_explained_with_its_line(client, login_as):
    login_as("admin")
    call = factories.make_open_call()
    source = "sections:\n  - key: a\n    title: 2021-13-45\n    fields: [{key: x, label: X}]\n"
    response = client.post(f"/admin/appels/{call.id}/formulaire", data={"source": source})
    assert response.status_code == 400
    assert "ligne 3 : YAML illisible : date impossible « 2021-13-45 »" in response.page
    assert call.form_version is None


WORKFLOW = (Path(__file__).resolve().parents[2] / "workflows" / "deux-temps.yaml").read_text(encoding="utf-8")


@pytest.fixture
def workflows(app, tmp_path, monkeypatch):
    """A workflows folder of this test's own, holding a copy of a shipped file."""
    (tmp_path / "deux-temps.yaml").write_text(WORKFLOW, encoding="utf-8")
    monkeypatch.setitem(app.config, "WORKFLOWS_FOLDER", str(tmp_path))
    return tmp_path


def test_an_infinite_version_is_an_error_for_the_check_command_and_the_admin_pages(app, client, login_as, workflows):
    (workflows / "deux-temps.yaml").write_text(re.sub(r"(?m)^version: \d+$", "version: .inf", WORKFLOW))
    result = app.test_cli_runner().invoke(args=["aap", "workflow", "check"])
    assert result.exit_code == 1 and "« version » doit être un entier positif" in result.output
    login_as("admin")
    index = client.get("/admin/workflows")
    assert index.status_code == 200 and "« version » doit être un entier positif" in index.page
    show = client.get("/admin/workflows/deux-temps")
    assert show.status_code == 422 and "« version » doit être un entier positif" in show.page


def test_a_workflow_name_of_five_thousand_characters_is_not_found(client, login_as, workflows):
    login_as("admin")
    assert client.get("/admin/workflows/" + "a" * 5000).status_code == 404
    assert client.get("/admin/workflows/deux-temps").status_code == 200


def test_a_call_naming_a_workflow_of_five_thousand_characters_is_refused(client, login_as):
    login_as("admin")
    response = client.post("/admin/appels/nouveau", data={**CALL_FORM, "workflow_name": "a" * 5000})
    assert response.status_code == 400
    assert db.session.execute(db.select(Call)).first() is None


# -- one layer for every form ------------------------------------------------------------------------------------------

def _subclasses(cls) -> set:
    found, todo = set(), [cls]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def test_every_form_of_the_application_goes_through_the_input_layer(app):
    from wtforms.fields import DecimalField
    from wtforms.fields.core import UnboundField
    from wtforms.form import BaseForm

    from aap.core.inputs import FiniteDecimalField, Form, SubForm
    from aap.dossiers.forms import questionnaire_form_class
    from aap.questionnaire.definition import default_source

    questionnaire_form_class(0, default_source())  # the forms built from a definition, with their budget table
    forms = [cls for cls in _subclasses(BaseForm) if cls.__module__.startswith("aap.") and cls not in (Form, SubForm)]
    assert len(forms) >= 20
    assert [cls.__qualname__ for cls in forms if not issubclass(cls, (Form, SubForm))] == []
    decimals = {(cls.__qualname__, name): value.field_class for cls in forms for base in cls.__mro__
                for name, value in vars(base).items()
                if isinstance(value, UnboundField) and issubclass(value.field_class, DecimalField)}
    assert len(decimals) >= 10
    assert [where for where, field_class in decimals.items() if not issubclass(field_class, FiniteDecimalField)] == []
