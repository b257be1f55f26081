"""`/comite`: the sessions each person prepares or attends."""
from datetime import timedelta

from aap.core.models import utcnow
from aap.extensions import db
from tests import factories
from tests.committee.agenda_world import make_session, put_on_agenda, ready_dossier


def test_members_see_their_sessions_and_staff_see_all(client, login_as, session):
    call = factories.make_open_call(title="Appel ESS 2026")
    member = factories.make_user(roles=("committee",), call=call, totp=True)
    spring = make_session(call, [member], title="Comité de printemps")
    make_session(call, [], title="Comité réservé")
    put_on_agenda(spring, [ready_dossier(call), ready_dossier(call)])
    client.login(member)
    page = client.get("/comite").page
    assert "Comité de printemps" in page and "Comité réservé" not in page and "2 dossiers" in page
    assert 'href="/comite" aria-current="page">Comité</a>' in page  # the menu names it
    login_as("instructor")
    page = client.get("/comite").page
    assert "Comité de printemps" in page and "Comité réservé" in page


def test_past_sessions_are_apart_latest_first(client, login_as, session):
    call = factories.make_open_call()
    old = make_session(call, [], title="Comité de 2024")
    older = make_session(call, [], title="Comité de 2023")
    for meeting, years in ((old, 2), (older, 3)):
        meeting.starts_at = utcnow() - timedelta(days=365 * years)
        meeting.ends_at = meeting.starts_at + timedelta(hours=2)
    db.session.commit()
    make_session(call, [], title="Comité à venir")
    login_as("admin")
    upcoming = client.get("/comite").page
    assert "Comité à venir" in upcoming and "Comité de 2024" not in upcoming
    past = client.get("/comite?quand=passees").page
    assert past.index("Comité de 2024") < past.index("Comité de 2023") and "Comité à venir" not in past
    beyond = client.get("/comite?quand=passees&page=7").page
    assert "La page 7 n'existe pas : voici la dernière, la page 1." in beyond and "Comité de 2023" in beyond


def test_a_person_without_sessions_is_told_and_the_menu_hides_it_from_holders(client, login_as, session):
    login_as("holder")
    page = client.get("/comite").page
    assert "Aucune séance à venir." in page and ">Comité</a>" not in page


def test_the_list_costs_the_same_queries_for_2_and_40_sessions(client, login_as, session, count_queries):
    call = factories.make_open_call()
    login_as("instructor")
    counts = []
    for number in (2, 38):
        for index in range(number):
            make_session(call, [], title=f"Séance {index}")
        client.get("/comite")
        with count_queries() as counted:
            assert client.get("/comite").status_code == 200
        counts.append(counted.n)
    assert counts[0] == counts[1]
