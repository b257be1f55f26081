"""Each call's own indicators for the final report: edited by administrators, one a line, checked line by line."""
import pytest

from aap.extensions import db
from tests import factories


@pytest.fixture
def call(session):
    return factories.make_open_call(title="Appel ESS aux indicateurs")


def _url(call):
    return f"/admin/appels/{call.id}/indicateurs-compte-rendu"


def test_an_administrator_sets_the_indicators_reachable_from_the_calls_list(client, call, login_as):
    login_as("admin")
    assert _url(call) in client.get("/admin/appels").page
    response = client.post(_url(call), data={"labels": "Personnes accompagnées vers l'emploi\n\n  Repas servis  \n"})
    assert response.status_code == 302
    db.session.refresh(call)
    assert call.report_indicators == [{"key": "personnes-accompagnees-vers-l-emploi",
                                       "label": "Personnes accompagnées vers l'emploi"},
                                      {"key": "repas-servis", "label": "Repas servis"}]
    assert "Repas servis" in client.get(_url(call)).page


@pytest.mark.parametrize("typed, message", [
    ("Repas servis\nrepas  servis", "« repas  servis » figure deux fois"),
    ("Beneficiaries", "« Beneficiaries » figure deux fois (ou reprend les emplois créés ou les bénéficiaires"),
    ("!!!", "« !!! » doit contenir au moins une lettre ou un chiffre."),
    ("x" * 201, "dépasse 200 caractères."),
    ("\n".join(f"Indicateur {n}" for n in range(21)), "Au plus 20 indicateurs par appel."),
])
def test_a_bad_list_is_refused_and_kept_as_typed(client, call, login_as, typed, message):
    login_as("admin")
    response = client.post(_url(call), data={"labels": typed})
    assert response.status_code == 400 and message in response.page
    db.session.refresh(call)
    assert call.report_indicators == []


def test_only_administrators(client, call, login_as):
    login_as("instructor")
    assert client.get(_url(call)).status_code == 403
