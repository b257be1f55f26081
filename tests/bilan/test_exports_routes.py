"""The downloads: live figures and open data for administrators, published versions and open data for the public."""
import csv
import io
import json
from datetime import date

import pytest

from aap.bilan.figures import snapshot as live_snapshot
from aap.bilan.scdl_checks import csv_problems
from aap.core.models import utcnow
from tests import factories
from tests.bilan.exports_world import grant, publish, realistic_call, sign, snapshot
from tests.bilan.figures_world import edition


def admin(client):
    return client.login(factories.make_user(roles=("admin",), totp=True))


def scdl_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


@pytest.mark.parametrize("fmt, mimetype", [("csv", "text/csv"), ("json", "application/json"),
                                           ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")])
def test_an_admin_downloads_the_live_figures_of_any_call(client, session, fmt, mimetype):
    call, _grants = realistic_call()
    admin(client)
    response = client.get(f"/admin/appels/{call.id}/bilan/export.{fmt}")
    assert response.status_code == 200 and response.mimetype == mimetype
    assert f'filename="bilan-appel-ouvert-donnees-ouvertes-2026.{fmt}"' in response.headers["Content-Disposition"]
    if fmt == "json":
        body = json.loads(response.get_data())
        assert body["version"] is None and body["snapshot"]["call"]["id"] == call.id
        assert body["snapshot"]["funnel"] == live_snapshot(call, utcnow())["funnel"]
        assert body["snapshot"]["funnel"]["funded"] >= 7  # the authority's grants in force, equity included


def test_the_live_figures_are_the_admins_alone(client, session):
    call, _grants = realistic_call()
    assert client.get(f"/admin/appels/{call.id}/bilan/export.csv").status_code == 302
    client.login(factories.make_user(roles=("instructor",), totp=True))
    assert client.get(f"/admin/appels/{call.id}/bilan/export.csv").status_code == 403
    admin(client)
    assert client.get("/admin/appels/999999/bilan/export.csv").status_code == 404
    assert client.get(f"/admin/appels/{call.id}/bilan/export.pdf").status_code == 404


def test_the_public_downloads_a_published_version_as_it_was_published(client, session):
    call = edition(2021, 15, title="Appel publié")
    publish(call, snapshot(), 1)
    publish(call, snapshot(supported_unlisted=4), 2)
    body = json.loads(client.get(f"/bilans/{call.id}/v1/export.json").get_data())
    assert (body["version"], body["snapshot"]["supported_unlisted"]) == (1, 3)
    assert body["published_at"] == "2026-12-02T09:00:00+00:00"
    assert json.loads(client.get(f"/bilans/{call.id}/v2/export.json").get_data())["snapshot"]["supported_unlisted"] == 4
    response = client.get(f"/bilans/{call.id}/v2/export.csv")
    assert response.status_code == 200 and "-v2.csv" in response.headers["Content-Disposition"]
    assert client.get(f"/bilans/{call.id}/v1/export.xlsx").status_code == 200
    structures = client.get(f"/bilans/{call.id}/v1/structures.csv")
    assert structures.status_code == 200 and "'=HYPERLINK" in structures.get_data(as_text=True)


def test_an_unpublished_version_or_another_calls_is_not_found(client, session):
    call, other = edition(2021, 15, title="Appel publié"), edition(2021, 16, title="Appel sans bilan")
    publish(call, snapshot(), 1)
    assert client.get(f"/bilans/{call.id}/v2/export.json").status_code == 404
    assert client.get(f"/bilans/{other.id}/v1/export.json").status_code == 404
    assert client.get(f"/bilans/{other.id}/v1/structures.csv").status_code == 404
    assert client.get("/bilans/999999/v1/export.csv").status_code == 404


def test_the_open_data_is_public_once_a_version_of_the_bilan_is_published(client, session):
    call, _grants = realistic_call()
    assert client.get(f"/bilans/{call.id}/subventions.csv").status_code == 404
    publish(call, snapshot(), 1)
    response = client.get(f"/bilans/{call.id}/subventions.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="subventions-appel-ouvert-donnees-ouvertes-2026.csv"' in response.headers["Content-Disposition"]
    assert len(scdl_rows(response)) == 4 and csv_problems(response.get_data(as_text=True)) == []
    assert client.get("/bilans/999999/subventions.csv").status_code == 404


def test_an_admin_always_gets_the_open_data(client, session):
    call, _grants = realistic_call()
    client.login(factories.make_user(roles=("instructor",), totp=True))
    assert client.get(f"/admin/appels/{call.id}/bilan/subventions.csv").status_code == 403
    admin(client)
    response = client.get(f"/admin/appels/{call.id}/bilan/subventions.csv")
    assert response.status_code == 200 and len(scdl_rows(response)) == 4


def test_rows_the_schema_would_refuse_stop_the_admin_who_is_told_which_and_why(client, session):
    call, grants = realistic_call()
    nameless = grant(call, "4000", siret=None, rna=None, name="<script>alert(1)</script> Collectif")
    admin(client)
    response = client.get(f"/admin/appels/{call.id}/bilan/subventions.csv")
    assert response.status_code == 409
    assert "1 subvention ne peut pas figurer dans le fichier au format SCDL « subventions »" in response.page
    assert nameless.dossier.reference in response.page
    assert "ni idBeneficiaire ni rnaBeneficiaire : l'un des deux est obligatoire" in response.page
    assert grants["waiting"].dossier.reference in response.page and "la convention requise" in response.page
    assert "<script>alert(1)</script>" not in response.text and "&lt;script&gt;" in response.text
    assert "seules à figurer dans le fichier (celui que le public télécharge une fois le bilan publié) : 4." \
        in response.page
    assert f"/admin/appels/{call.id}/bilan/subventions.csv?sans-lignes-invalides=1" in response.page
    taken = client.get(f"/admin/appels/{call.id}/bilan/subventions.csv?sans-lignes-invalides=1")
    assert taken.status_code == 200 and len(scdl_rows(taken)) == 4
    publish(call, snapshot(), 1)
    public = client.get(f"/bilans/{call.id}/subventions.csv")
    assert public.status_code == 200 and len(scdl_rows(public)) == 4  # the public file holds the valid rows


def test_a_misconfigured_authority_is_told_to_the_admin(app, client, session, monkeypatch):
    call, _grants = realistic_call()
    monkeypatch.setitem(app.config, "AUTHORITY_SIRET", "")
    admin(client)
    response = client.get(f"/admin/appels/{call.id}/bilan/subventions.csv")
    assert response.status_code == 409 and "renseignez AUTHORITY_NAME et un AUTHORITY_SIRET valide" in response.page


def downloads_queries(client, count_queries, count: int) -> tuple[int, int]:
    """The queries of the admin's and of the public's open-data download of a call of `count` grants."""
    call = edition(2026, 40 + count, title=f"Appel ouvert — {count} lignes")
    for index in range(count):
        one = grant(call, "6000" if index % 2 else "30000")
        if index % 2 == 0:
            sign(one.decision, date(2026, 3, 20))
    publish(call, snapshot(), 1)
    with count_queries() as counted:
        assert len(scdl_rows(client.get(f"/admin/appels/{call.id}/bilan/subventions.csv"))) == count
    with count_queries() as public:
        assert len(scdl_rows(client.get(f"/bilans/{call.id}/subventions.csv"))) == count
    return counted.n, public.n


def test_the_open_data_downloads_cost_the_same_queries_for_2_grants_as_for_40(client, session, count_queries):
    admin(client)
    client.get("/admin/appels/999999/bilan/subventions.csv")  # the session's first request loads the account
    assert downloads_queries(client, count_queries, 2) == downloads_queries(client, count_queries, 40)


def test_a_published_versions_download_costs_the_same_queries_whatever_its_size(client, session, count_queries):
    small, large = edition(2021, 15, title="Petit bilan"), edition(2021, 16, title="Grand bilan")
    publish(small, snapshot(), 1)
    publish(large, snapshot(supported=snapshot()["supported"] * 200), 1)
    counts = []
    for call_id in (small.id, large.id):
        with count_queries() as counted:
            assert client.get(f"/bilans/{call_id}/v1/export.xlsx").status_code == 200
        counts.append(counted.n)
    assert counts == [1, 1]  # the version, its snapshot inside
