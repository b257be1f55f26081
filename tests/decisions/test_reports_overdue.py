"""An organisation whose final report is overdue: its holders are warned when they apply again, and the staff
instructing its other dossiers see it on the dossier page and in their lists; each page asks once."""
from datetime import timedelta

import pytest

from aap.core.models import utcnow
from aap.decisions.reports_operations import submit
from aap.extensions import db
from aap.workflow import engine
from tests import factories
from tests.decisions.reports_world import granted_dossier, today
from tests.decisions.test_reports_review import CONTENT

LATE = "Compte-rendu financier en retard"


@pytest.fixture
def late(session):
    """A project ended eight months ago: its report was due two months ago and is still a draft."""
    return granted_dossier(end_date=today() - timedelta(days=240), reference="AAP-2025-0007",
                           title="Ressourcerie de quartier")


def _new_application(world, call=None):
    call = call or factories.make_open_call(title="Appel ESS suivant")
    return factories.make_dossier(call, world.organisation, world.holder, title="Nouveau projet")


def test_a_holder_applying_again_is_warned_on_the_dossier_form_and_the_start_page(client, late):
    dossier = _new_application(late)
    client.login(late.holder)
    page = client.get(f"/dossiers/{dossier.id}/modifier").page
    assert LATE in page and "AAP-2025-0007 — Ressourcerie de quartier" in page
    assert f'href="/dossiers/{late.dossier.id}/compte-rendu"' in page
    assert LATE in client.get(f"/dossiers/{dossier.id}").page
    assert LATE in client.get(f"/appels/{dossier.call_id}/deposer").page


def test_no_warning_before_the_due_day_nor_once_submitted(client, session):
    on_time = granted_dossier(end_date=today() - timedelta(days=170))  # due in about ten days
    dossier = _new_application(on_time)
    client.login(on_time.holder)
    assert LATE not in client.get(f"/dossiers/{dossier.id}/modifier").page
    late = granted_dossier(end_date=today() - timedelta(days=240), holder=on_time.holder,
                           organisation=on_time.organisation)
    assert LATE in client.get(f"/dossiers/{dossier.id}/modifier").page
    submit(late.dossier, CONTENT, late.holder, utcnow())
    db.session.commit()
    assert LATE not in client.get(f"/dossiers/{dossier.id}/modifier").page


def test_no_warning_once_the_workflow_no_longer_awaits_the_report(client, late):
    dossier = _new_application(late)
    engine.apply_transition(late.dossier.id, "withdraw", late.holder)
    db.session.commit()
    client.login(late.holder)
    assert LATE not in client.get(f"/dossiers/{dossier.id}/modifier").page


def test_staff_see_it_on_the_organisations_other_dossier_and_in_their_lists(client, late):
    dossier = _new_application(late, call=late.call)
    engine.apply_transition(dossier.id, "submit", late.holder)
    db.session.commit()
    client.login(late.instructor)
    page = client.get(f"/dossiers/{dossier.id}").page
    assert "Cette structure n'a pas déposé à temps le compte-rendu financier d'un autre dossier" in page
    assert "AAP-2025-0007" in page
    own = client.get(f"/dossiers/{late.dossier.id}").page
    assert "Cette structure n'a pas déposé à temps" not in own and "en retard" in own  # its own report, late
    listing = client.get(f"/instruction/appels/{late.call.id}/dossiers").page
    assert listing.count("compte-rendu en retard") == 1  # on the other dossier's row, not on the late one's
    assert client.get(f"/dossiers?appel={late.call.id}").page.count("compte-rendu en retard") == 1


def test_the_lists_ask_once_whatever_the_number_of_organisations(client, session, count_queries):
    call = factories.make_open_call(title="Appel ESS compté")
    instructor = factories.make_user(roles=("instructor",), totp=True)

    def one_more(index):
        late = granted_dossier(end_date=today() - timedelta(days=240), title=f"Projet en retard {index}")
        dossier = _new_application(late, call=call)
        engine.apply_transition(dossier.id, "submit", late.holder)
        db.session.commit()

    one_more(0)
    client.login(instructor)
    pages = (f"/instruction/appels/{call.id}/dossiers", f"/dossiers?appel={call.id}")
    counts = {}
    for path in pages:
        with count_queries() as counted:
            assert client.get(path).page.count("compte-rendu en retard") == 1
        counts[path] = counted.n
    for index in range(1, 5):
        one_more(index)
    for path in pages:
        with count_queries() as counted:
            assert client.get(path).page.count("compte-rendu en retard") == 5
        assert counted.n == counts[path], path
