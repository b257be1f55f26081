"""The published bilans, read by anyone with no account: the list, each version, its charts and data tables."""
import re

import pytest

from aap.bilan.models import Bilan
from aap.extensions import db
from tests.bilan.publication_world import admin, figures_by_hand, finished_call, published, snapshot, words


@pytest.fixture
def figures(monkeypatch):
    return figures_by_hand(monkeypatch)


PARTS = ["Introduction", "Chiffres clés", "Les dossiers et les montants", "Répartitions", "Délais de traitement",
         "Évolution sur plusieurs éditions", "Structures soutenues plusieurs fois", "Les structures soutenues",
         "Commentaire", "Télécharger ce bilan"]


@pytest.fixture
def person(session, figures):
    return admin()


def test_the_list_names_every_published_bilan_by_year_with_its_versions(client, person):
    recent = finished_call(title="Appel ESS — 15e édition", year=2021, edition=15)
    older = finished_call(title="Appel ESS — 14e édition", year=2020, edition=14)
    draft = finished_call(title="Appel ESS — bilan en cours d'écriture", year=2022, edition=16)
    published(recent, person)
    published(recent, person, note="Un montant rectifié.")
    published(older, person)
    db.session.add(Bilan(call_id=draft.id, introduction="Pas encore public.", commentary=""))
    db.session.commit()
    answer = client.get("/bilans")
    page = words(answer)
    assert answer.status_code == 200
    assert page.index("2021") < page.index("Bilan — Appel ESS — 15e édition") < page.index("2020") \
        < page.index("Bilan — Appel ESS — 14e édition")
    assert "Version 2, publiée le" in page and "Versions précédentes : version 1" in page
    assert "15 dossiers financés · 90\u202f000\u00a0€ accordés" in page
    assert "bilan en cours d'écriture" not in page and "2022" not in page
    assert f'href="/bilans/{recent.id}/v2"' in answer.text and f'href="/bilans/{recent.id}/v1"' in answer.text


def test_an_empty_list_says_so(client, session):
    assert "Aucun bilan n'est encore publié." in words(client.get("/bilans"))


def test_a_bilan_never_published_is_not_found(client, person):
    call = finished_call()
    db.session.add(Bilan(call_id=call.id, introduction="Brouillon.", commentary=""))
    db.session.commit()
    assert client.get(f"/bilans/{call.id}").status_code == 404
    assert client.get(f"/bilans/{call.id}/v1").status_code == 404
    client.login(person)  # administrators preview it in the administration, not here
    assert client.get(f"/bilans/{call.id}/v1").status_code == 404
    published(call, person)
    assert client.get(f"/bilans/{call.id}/v2").status_code == 404
    assert client.get("/bilans/99999999/v1").status_code == 404


def test_a_version_shows_every_part_of_the_bilan(client, person):
    call = finished_call(title="Appel ESS — 15e édition")
    published(call, person, "Une édition record.", "Merci aux partenaires.")
    answer = client.get(f"/bilans/{call.id}")
    assert answer.location.endswith(f"/bilans/{call.id}/v1")
    page = words(client.get(f"/bilans/{call.id}/v1"))
    positions = [page.index(part) for part in PARTS]
    assert positions == sorted(positions)
    for shown in ("Une édition record.", "Merci aux partenaires.", "Dossiers reçus43dont 38 recevables",
                  "taux de réussite : 34,9\u00a0%", "Montant accordé90\u202f000\u00a0€enveloppe : 120\u202f000\u00a0€",
                  "Demande rapportée à l'enveloppe2,58", "Effet levier4,12", "23,5 prévus", "18 créés",
                  "Pierrefitte-sur-Seine", "Du dépôt à la décision15 42 jours 60 jours", "Création → Développement",
                  "12 structures ont été financées lors de plusieurs éditions", "Ressourcerie du Landy",
                  "Collecte et revente d'objets.", "Atelier de réemploi — 6\u202f000\u00a0€ · Subvention",
                  "13 autres structures financées n'ont pas souhaité être nommées", "Plaine Commune · édition 15"):
        assert shown in page, shown


def test_each_chart_is_a_figure_with_an_accessible_svg_and_its_data_table(client, person):
    call = finished_call()
    published(call, person)
    text = client.get(f"/bilans/{call.id}/v1").text
    figures_shown = re.findall(r'<figure class="bilan-chart" id="([^"]+)">(.*?)</figure>', text, re.S)
    assert [key for key, _body in figures_shown] == [
        "bilan-funnel", "bilan-amounts", "bilan-split-strand", "bilan-split-commune", "bilan-split-legal_form",
        "bilan-split-instrument", "bilan-split-funder", "bilan-trend-demand", "bilan-trend-granted"]
    for key, body in figures_shown:
        assert re.search(r"<figcaption>[^<]+</figcaption>", body)
        svg = re.search(r'<svg [^>]*role="img"[^>]*aria-labelledby="([^"]+)"[^>]*>', body)
        title_id, desc_id = svg.group(1).split()
        assert re.search(rf'<title id="{title_id}">[^<]+</title>', body)
        assert re.search(rf'<desc id="{desc_id}">[^<]+</desc>', body)
        assert re.search(r"<rect x=\"0\" y=\"[\d.]+\" width=\"[\d.]+\"", body), key  # bars drawn
        assert re.search(r'<table class="data-table bilan-data">\s*<caption id="[^"]+">Données : ', body)
        assert 'th scope="col"' in body and 'th scope="row"' in body
        assert "<script" not in body
    funnel = figures_shown[0][1]
    assert ">38 (88,4\u00a0%)</text>" in funnel  # the value is written at the end of its bar, not left to colour


def test_every_value_is_escaped(client, person, figures):
    hostile = "<script>alert('x')</script>"
    call = finished_call(title=f"Appel {hostile}")

    def with_hostile_names(live):
        figures_now = snapshot(live)
        figures_now["supported"][0]["organisation"] = hostile
        figures_now["splits"]["commune"][0]["label"] = hostile
        return figures_now

    figures.set(with_hostile_names)
    published(call, person, note="")
    text = client.get(f"/bilans/{call.id}/v1").text
    assert "<script>" not in text and text.count("&lt;script&gt;") >= 4  # title, structure, chart, its table
    assert "&lt;script&gt;" in client.get("/bilans").text


def test_the_version_links_its_exports_and_says_where_its_pdf_stands(client, person):
    call = finished_call()
    published(call, person)
    answer = client.get(f"/bilans/{call.id}/v1")
    for link in ("v1/export.csv", "v1/export.xlsx", "v1/export.json", "v1/structures.csv", "subventions.csv"):
        assert f'href="/bilans/{call.id}/{link}"' in answer.text
    assert "PDF en préparation — 0 / " in words(answer)
    assert client.get(f"/bilans/{call.id}/v1/export.json").status_code == 200


def test_the_site_leads_to_the_bilans(client, session):
    for path in ("/", "/appels"):
        assert 'href="/bilans"' in client.get(path).text


def test_the_pages_cost_the_same_queries_whatever_the_versions_and_bilans(client, person, count_queries):
    first = finished_call()
    published(first, person)

    def costs():
        with count_queries() as version_page:
            assert client.get(f"/bilans/{first.id}/v1").status_code == 200
        with count_queries() as list_page:
            assert client.get("/bilans").status_code == 200
        return version_page.n, list_page.n

    few = costs()
    for number in range(2, 6):
        published(first, person, note=f"Correction {number}.")
    for _ in range(4):
        published(finished_call(), person)
    assert costs() == few


def test_a_visitor_reading_in_english_gets_the_page_in_english_around_the_published_french(client, person):
    call = finished_call(title="Appel ESS — 15e édition")
    published(call, person, "Une édition record.")
    client.post("/langue", data={"locale": "en"})
    page = words(client.get(f"/bilans/{call.id}/v1"))
    assert "Key figures" in page and "Data: From dossiers received to dossiers funded" in page
    assert "Une édition record." in page and "Ressourcerie du Landy" in page  # what was published stays as written
    assert "Reports of the calls for projects" in words(client.get("/bilans"))
