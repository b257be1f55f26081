"""A draft belongs to its organisation until it is submitted; staff see drafts as a count, admins open one for support."""
from io import BytesIO

import pytest

from aap.core.storage import storage
from aap.dossiers.attachments import attach
from aap.dossiers.reviewers import Assignment
from aap.extensions import db
from aap.workflow import engine
from aap.workflow.models import AuditRecord
from tests import factories
from tests.workflow.test_engine import PDF


@pytest.fixture
def draft_world(session):
    call = factories.make_open_call(title="Appel ouvert")
    holder = factories.make_user()
    organisation = factories.make_organisation(members=[holder], name="Ressourcerie du Landy")
    draft = factories.make_dossier(call, organisation, holder, title="Projet encore secret")
    piece = attach(draft, "autre", storage().save(BytesIO(PDF), "budget.pdf"), holder)
    submitted = factories.make_dossier(call, organisation, holder, title="Projet déposé")
    engine.apply_transition(submitted.id, "submit", holder)
    db.session.commit()
    staff = {role: factories.make_user(roles=(role,), call=call, totp=True)
             for role in ("instructor", "reviewer", "committee", "funder", "admin")}
    db.session.add(Assignment(dossier_id=submitted.id, user_id=staff["reviewer"].id))
    db.session.commit()
    return {"call": call, "holder": holder, "draft": draft, "piece": piece, "submitted": submitted, **staff}


@pytest.mark.parametrize("role", ["instructor", "reviewer", "committee", "funder"])
def test_staff_never_open_a_draft_nor_its_files(client, draft_world, role):
    client.login(draft_world[role])
    draft = draft_world["draft"]
    assert client.get(f"/dossiers/{draft.id}").status_code == 404
    assert client.get(f"/dossiers/{draft.id}/pieces/{draft_world['piece'].id}").status_code == 404
    assert client.get(f"/dossiers/{draft.id}/assistance").status_code == 403
    listing = client.get("/dossiers").page
    assert "Projet encore secret" not in listing and "Projet déposé" in listing
    assert ("1 dossier est en cours de rédaction" in listing) == (role != "reviewer")  # reviewers see their own
    assert client.get(f"/dossiers/{draft_world['submitted'].id}").status_code == 200


def test_the_holder_keeps_their_draft(client, draft_world):
    client.login(draft_world["holder"])
    assert client.get(f"/dossiers/{draft_world['draft'].id}").status_code == 200
    assert "Projet encore secret" in client.get("/dossiers").page


def test_an_administrator_opens_a_draft_for_support_and_the_holder_sees_it(client, app, draft_world):
    draft, admin = draft_world["draft"], draft_world["admin"]
    client.login(admin)
    response = client.get(f"/dossiers/{draft.id}")
    assert response.status_code == 302 and response.location.endswith(f"/dossiers/{draft.id}/assistance")
    assert client.get(f"/dossiers/{draft.id}/pieces/{draft_world['piece'].id}").status_code == 404
    refused = client.post(f"/dossiers/{draft.id}/assistance", data={"reason": "  "})
    assert refused.status_code == 400 and "Indiquez le motif de cette ouverture." in refused.page
    assert client.post(f"/dossiers/{draft.id}/assistance", data={"reason": "Appel de la structure : budget"},
                       follow_redirects=True).status_code == 200
    assert client.get(f"/dossiers/{draft.id}/pieces/{draft_world['piece'].id}").status_code == 200
    record = db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id == draft.id)
                                .order_by(AuditRecord.sequence.desc())).scalars().first()
    assert (record.transition, record.actor_id, record.comment, record.holder_visible) == (
        "support_access", admin.id, "Appel de la structure : budget", True)
    assert "Projet encore secret" not in client.get("/dossiers").page  # lists keep drafts out, support or not
    other_browser = app.test_client()
    other_browser.login(admin)
    assert other_browser.get(f"/dossiers/{draft.id}").status_code == 302  # the opening holds for this session only
    holder = app.test_client()
    holder.login(draft_world["holder"])
    page = holder.get(f"/dossiers/{draft.id}").page
    assert "Brouillon ouvert par l'administration pour assistance" in page and "Appel de la structure" in page


def test_draft_call_titles_stay_out_of_the_dossier_filter(client, draft_world):
    factories.make_call(state="draft", title="Appel en préparation secrète")
    for role in ("holder", "reviewer", "committee", "funder"):
        client.login(draft_world[role])
        assert "Appel en préparation secrète" not in client.get("/dossiers").page, role
        assert "Appel ouvert" in client.get("/dossiers").page
    client.login(draft_world["instructor"])
    assert "Appel en préparation secrète" in client.get("/dossiers").page
