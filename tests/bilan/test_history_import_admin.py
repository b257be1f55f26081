"""The import of past editions in the administration: upload, preview, confirmation and result, for admins only."""
from io import BytesIO
from pathlib import Path

from sqlalchemy import func, select

from aap.bilan import history_template as template
from aap.bilan.history_operations import digest
from aap.bilan.models import HistoryImport
from aap.core.storage import storage
from aap.dossiers.models import Dossier
from aap.extensions import db
from tests.bilan.history_world import csv_bytes, refused, row

PAGE = "/admin/historique"
EXAMPLE = Path(__file__).resolve().parents[2] / "aap" / "data" / "historique-exemple.csv"


def upload(client, data: bytes, name: str = "historique 2012.csv"):
    return client.post(PAGE + "/apercu", data={"file": (BytesIO(data), name), "workflow": "plaine-commune"},
                       content_type="multipart/form-data")


def confirm(client, data: bytes, name: str = "historique 2012.csv", sha256: str | None = None):
    return client.post(PAGE + "/importer", data={"sha256": sha256 or digest(data), "file_name": name,
                                                 "workflow": "plaine-commune"})


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_upload_preview_then_confirm_imports_the_file_and_records_who(app, client, session, login_as, uploads):
    admin = login_as("admin")
    data = csv_bytes([row(), refused(reference="HT-2012-002")])
    shown = upload(client, data)
    assert shown.status_code == 200
    assert "Le fichier est correct. Voici ce que l'import créerait ; rien n'est encore importé." in shown.page
    assert "1 édition nouvelle" in shown.page and "2 dossiers" in shown.page and "2 versements" in shown.page
    assert "2012, n° 6" in shown.page and "AAP ESS test — 6e édition" in shown.page
    assert "Importer ces 2 dossiers" in shown.page and digest(data) in shown.text
    assert count(Dossier) == 0 and storage().path(digest(data)).read_bytes() == data
    done = confirm(client, data)
    record = db.session.execute(select(HistoryImport)).scalar_one()
    assert done.status_code == 302 and done.location.endswith(f"{PAGE}/{record.id}")
    assert (record.file_name, record.rows, record.imported_by_id, record.imported_by_label) == (
        "historique 2012.csv", 2, admin.id, admin.email)
    assert count(Dossier) == 2 and not storage().path(digest(data)).exists()
    result = client.get(done.location)
    assert "Import terminé : 1 édition(s)" in result.page and "2 dossiers" in result.page
    listed = client.get(PAGE).page
    assert "historique 2012.csv" in listed and "1 import" in listed and admin.email in listed


def test_a_bad_file_shows_every_problem_and_offers_no_import(app, client, session, login_as, uploads):
    login_as("admin")
    data = csv_bytes([row(siret="1"), row(reference="HT-2", commune="Paris")])
    shown = upload(client, data)
    assert shown.status_code == 400
    assert "Le fichier ne peut pas être importé : il compte 2 problèmes. Rien n'a été importé." in shown.page
    assert "<th scope=\"row\" class=\"number\">2</th>" in shown.text and "siret (G)" in shown.page
    assert "« 1 » n'est pas un SIRET : il compte 14 chiffres." in shown.page and "commune (J)" in shown.page
    assert "Importer ces" not in shown.page and not storage().path(digest(data)).exists()
    assert confirm(client, data).location.endswith(PAGE) and count(Dossier) == 0
    assert "Le fichier de l'aperçu n'est plus disponible" in client.get(PAGE).page


def test_the_confirmation_reads_only_the_kept_file_of_that_digest(app, client, session, login_as, uploads):
    login_as("admin")
    data = csv_bytes([row()])
    upload(client, data)
    assert confirm(client, data, sha256="../../etc/passwd").status_code == 400
    assert confirm(client, data, sha256="A" * 64).status_code == 400
    storage().path(digest(data)).write_bytes(csv_bytes([row(reference="CHANGÉ")]))  # altered on the disk
    assert confirm(client, data).location.endswith(PAGE) and count(Dossier) == 0


def test_the_same_file_twice_changes_nothing_and_says_so(app, client, session, login_as, uploads):
    login_as("admin")
    data = csv_bytes([row()])
    upload(client, data)
    confirm(client, data)
    again = upload(client, data)
    assert again.status_code == 200 and "Ce fichier a déjà été importé le" in again.page
    assert "Importer ce" not in again.page
    assert count(HistoryImport) == 1 and count(Dossier) == 1


def test_a_file_imported_meanwhile_is_refused_at_confirmation_with_its_problems(app, client, session, login_as,
                                                                              uploads):
    login_as("admin")
    first, second = csv_bytes([row()]), csv_bytes([row(reference="HT-9", enveloppe="50 000")])
    assert upload(client, second).status_code == 200
    upload(client, first)
    confirm(client, first)
    late = confirm(client, second)
    assert late.status_code == 409 and "l'édition 2012 n° 6 a déjà été importée avec une enveloppe" in late.page
    assert count(Dossier) == 1


def test_an_oversized_upload_is_refused(app, client, session, login_as, uploads):
    login_as("admin")
    shown = upload(client, b"a;b\n" * (template.MAX_BYTES // 4 + 1))
    assert shown.status_code == 400 and "Le fichier dépasse 5 Mo" in shown.page


def test_only_administrators_reach_the_import(app, client, session, login_as, uploads):
    data = csv_bytes([row()])
    assert client.get(PAGE).status_code == 302
    login_as("instructor")
    assert client.get(PAGE).status_code == 403
    assert upload(client, data).status_code == 403 and confirm(client, data).status_code == 403
    assert count(Dossier) == 0 and not storage().path(digest(data)).exists()


def test_the_forms_need_their_csrf_token(app, client, session, login_as, uploads, monkeypatch):
    login_as("admin")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    data = csv_bytes([row()])
    assert upload(client, data).status_code == 400 and not storage().path(digest(data)).exists()
    assert confirm(client, data).status_code == 400 and count(Dossier) == 0


def test_the_help_page_documents_every_column_and_the_example_downloads(app, client, session, login_as):
    login_as("admin")
    help_page = client.get(PAGE + "/aide")
    assert help_page.status_code == 200
    for column in template.COLUMNS:
        assert f"<code>{column.name}</code>" in help_page.text
    assert "date_versement_1" in help_page.page and "12.000,50 sont refusés" in help_page.page
    example = client.get(PAGE + "/historique-exemple.csv")
    assert example.status_code == 200 and example.mimetype == "text/csv"
    assert example.data == EXAMPLE.read_bytes()
    assert "attachment" in example.headers["Content-Disposition"]


def test_the_admin_area_links_the_import(app, client, session, login_as):
    login_as("admin")
    page = client.get(PAGE).text
    assert '<a href="/admin/historique" aria-current="page">' in page
    assert 'href="/admin/historique"' in client.get("/admin/appels").text
    assert 'href="/admin/historique"' in client.get("/admin/bilans").text


def test_the_list_of_imports_costs_the_same_whatever_their_number(app, client, session, login_as, count_queries):
    login_as("admin")

    def add(n):
        db.session.add_all(HistoryImport(file_name=f"historique-{n}-{i}.csv", file_sha256=f"{n:032d}{i:032d}", rows=3,
                                         created={"dossiers": 3}) for i in range(n))
        db.session.commit()

    add(1)
    client.get(PAGE)
    with count_queries() as one:
        assert client.get(PAGE).status_code == 200
    add(30)
    with count_queries() as many:
        assert "31 imports" in client.get(PAGE).page
    assert many.n == one.n
