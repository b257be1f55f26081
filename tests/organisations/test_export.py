import csv
import io

from tests import factories


def rows(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_staff_export_the_filtered_list_for_a_spreadsheet(client, login_as):
    login_as("instructor")
    factories.make_organisation(name="Vélos solidaires", legal_form="scic", commune_insee="93001", in_qpv=True)
    factories.make_organisation(name="=HYPERLINK(\"http://evil\")", commune_insee="93066")
    response = client.get("/structures/export.csv?commune=93001")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="structures.csv"' in response.headers["Content-Disposition"]
    header, *lines = rows(response)
    assert header[:3] == ["Nom", "Forme juridique", "SIRET"]
    assert [line[0] for line in lines] == ["Vélos solidaires"]
    assert lines[0][5:8] == ["Aubervilliers", "93001", "Oui"] and lines[0][9] == "1,50"


def test_a_formula_in_a_name_is_exported_as_text(client, login_as):
    login_as("admin")
    factories.make_organisation(name='=HYPERLINK("http://evil")')
    [_header, line] = rows(client.get("/structures/export.csv"))
    assert line[0] == "'=HYPERLINK(\"http://evil\")"


def test_holders_cannot_export(client, login_as):
    login_as("holder")
    assert client.get("/structures/export.csv").status_code == 403


def test_a_disguised_formula_in_a_name_is_exported_as_text(client, login_as):
    login_as("admin")
    for name in (" =1+1", "＝1+1", "\n=1+1"):
        factories.make_organisation(name=name)
    exported = {line[0] for line in rows(client.get("/structures/export.csv"))[1:]}
    assert exported == {"' =1+1", "'＝1+1", "'\n=1+1"}
