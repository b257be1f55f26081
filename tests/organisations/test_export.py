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


def _organisations(count: int, prefix: str) -> None:
    """`count` organisations with two members each, written in bulk."""
    from sqlalchemy import insert

    from aap.auth.models import User
    from aap.extensions import db
    from aap.organisations.models import Membership, Organisation

    ids = db.session.execute(insert(Organisation).returning(Organisation.id), [
        {"name": f"{prefix} {n}", "legal_form": "scic", "commune_insee": "93001", "in_qpv": n % 2 == 0}
        for n in range(count)]).scalars().all()
    users = db.session.execute(insert(User).returning(User.id), [
        {"email": f"{prefix.lower()}-{n}@example.org", "password_hash": "x", "session_token": f"{prefix}-{n}",
         "locale": "fr", "active": True} for n in range(2 * count)]).scalars().all()
    db.session.execute(insert(Membership), [{"organisation_id": ids[n // 2], "user_id": user_id}
                                            for n, user_id in enumerate(users)])
    db.session.commit()


def test_the_export_costs_the_same_queries_for_10_and_1000_organisations(client, login_as, count_queries):
    """[speed] Two queries for the file (the members' e-mails, then the organisations, streamed) whatever its length."""
    login_as("admin")
    counts = {}
    for count, prefix in ((10, "Petite"), (1000, "Grande")):
        _organisations(count, prefix)
        path = f"/structures/export.csv?q={prefix}"
        client.get(path).get_data()  # warm
        with count_queries() as counted:
            lines = rows(client.get(path))[1:]
        counts[count] = counted.n
        assert len(lines) == count
        assert lines[0][1].startswith("SCIC (") and lines[0][5] == "Aubervilliers" and lines[0][7] == "Oui"
        assert lines[0][11] == f"{prefix.lower()}-0@example.org, {prefix.lower()}-1@example.org"
    assert counts[10] == counts[1000], counts
    assert counts[1000] <= 4, counts  # the user and their grants, the members, the organisations
