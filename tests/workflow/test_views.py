"""The dossier page and its actions over HTTP: refusals keep the input, files are checked by content."""
from datetime import timedelta
from io import BytesIO

from aap.core.models import utcnow
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.workflow import engine
from tests import factories
from tests.workflow.test_engine import PDF


def granted_dossier(w):
    dossier = factories.make_dossier(w.call, w.organisation, w.holder)
    for name, actor, data in (("submit", w.holder, {}), ("declare_eligible", w.instructor, {}),
                              ("schedule_committee", w.instructor, {}),
                              ("record_opinion", w.committee, {"comment": "ok"}),
                              ("grant", w.admin, {"amount": "9000"})):
        engine.apply_transition(dossier.id, name, actor, data)
    db.session.commit()
    return dossier


def act(client, dossier, name, **fields):
    data = {f"{name}-{key}": value for key, value in fields.items()}
    data.setdefault(f"{name}-version", str(dossier.lock_version))
    return client.post(f"/dossiers/{dossier.id}/actions/{name}", data=data, content_type="multipart/form-data")


def test_an_action_applies_and_says_so(world, client):
    dossier = factories.make_dossier(world.call, world.organisation, world.holder)
    client.login(world.holder)
    response = act(client, dossier, "submit")
    assert response.status_code == 302
    page = client.get(response.location).page
    assert "« Déposer le dossier » : c'est fait. Le dossier est maintenant à l'état « Déposé »." in page


def test_a_missing_comment_is_refused_and_the_typed_amount_is_kept(world, client):
    dossier = factories.make_dossier(world.call, world.organisation, world.holder)
    engine.apply_transition(dossier.id, "submit", world.holder)
    db.session.commit()
    client.login(world.instructor)
    response = act(client, dossier, "request_info", comment="   ")
    assert response.status_code == 400
    assert "Un commentaire est obligatoire pour cette action." in response.page
    assert 'aria-invalid="true"' in response.text
    db.session.refresh(dossier)
    assert dossier.state == "submitted"


def test_a_stale_page_and_a_replayed_post_are_answered_clearly(world, client):
    dossier = factories.make_dossier(world.call, world.organisation, world.holder)
    client.login(world.holder)
    seen = dossier.lock_version
    assert act(client, dossier, "submit", version=seen).status_code == 302
    replay = act(client, dossier, "submit", version=seen)
    assert replay.status_code == 409 and "« Déposer le dossier » a déjà été fait le" in replay.page
    stale = act(client, dossier, "withdraw", version=seen)
    assert stale.status_code == 409 and "Le dossier a changé depuis l'ouverture de cette page." in stale.page
    db.session.refresh(dossier)
    assert (dossier.state, dossier.audit_count) == ("submitted", 2)


def test_another_organisation_gets_404_and_a_wrong_role_403(world, client):
    dossier = factories.make_dossier(world.call, world.organisation, world.holder)
    client.login(world.other_holder)
    assert client.get(f"/dossiers/{dossier.id}").status_code == 404
    assert act(client, dossier, "submit").status_code == 404
    client.login(world.instructor)
    assert act(client, dossier, "submit").status_code == 404  # a draft is its organisation's until submitted
    engine.apply_transition(dossier.id, "submit", world.holder)
    db.session.commit()
    client.login(world.holder)
    forbidden = act(client, dossier, "declare_eligible")
    assert forbidden.status_code == 403 and "Votre rôle ne permet pas « Déclarer recevable »." in forbidden.page
    assert act(client, dossier, "teleport").status_code == 404


def test_files_are_checked_by_content_and_stored_safely(buttons_world, client, app, tmp_path):
    world = buttons_world
    uploads = tmp_path / "uploads"
    previous, app.config["UPLOAD_FOLDER"] = app.config["UPLOAD_FOLDER"], str(uploads)
    try:
        dossier = granted_dossier(world)
        client.login(world.admin)
        cases = [(b"", "convention.pdf", "Le fichier est vide."),
                 (b"<html><script>alert(1)</script>", "convention.pdf", "Ce type de fichier n'est pas accepté"),
                 (b"MZ\x90\x00" + b"\x00" * 64, "convention.pdf", "Ce type de fichier n'est pas accepté"),
                 (b"%PDF-" + b"x" * (10 * 1024 * 1024), "convention.pdf", "dépasse la taille maximale de 10 Mo")]
        for content, name, message in cases:
            response = act(client, dossier, "sign_agreement", file=(BytesIO(content), name))
            assert response.status_code == 400 and message in response.page, name
        assert [p for p in uploads.rglob("*") if p.is_file()] == []  # nothing kept from a refused upload
        response = act(client, dossier, "sign_agreement", file=(BytesIO(PDF), "../../etc/passwd"))
        assert response.status_code == 302
        db.session.refresh(dossier)
        assert dossier.state == "agreement_signed"
        download = client.get(f"/dossiers/{dossier.id}/journal/{dossier.audit_count}/fichier")
        assert download.status_code == 200 and download.data == PDF
        assert download.headers["Content-Type"] == "application/pdf"
        assert download.headers["Content-Disposition"] == 'attachment; filename=passwd.pdf'
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in download.headers["Content-Security-Policy"]
        client.login(world.other_holder)
        assert client.get(f"/dossiers/{dossier.id}/journal/{dossier.audit_count}/fichier").status_code == 404
    finally:
        app.config["UPLOAD_FOLDER"] = previous


def test_lists_show_each_person_their_dossiers_with_constant_queries(world, client, count_queries):
    mine = factories.make_dossier(world.call, world.organisation, world.holder, title="Mon projet")
    other_org = factories.make_organisation(members=[world.other_holder])
    factories.make_dossier(world.call, other_org, world.other_holder, title="Projet voisin")
    client.login(world.holder)
    page = client.get("/dossiers").page
    assert "Mon projet" in page and "Projet voisin" not in page
    engine.apply_transition(mine.id, "submit", world.holder)
    db.session.commit()
    client.login(world.instructor)
    with count_queries() as few:
        client.get(f"/dossiers?appel={world.call.id}")
    for index in range(20):
        submitted = factories.make_dossier(world.call, other_org, world.other_holder, title=f"Projet {index}")
        engine.apply_transition(submitted.id, "submit", world.other_holder)
        db.session.commit()
    with count_queries() as many:
        staff_page = client.get(f"/dossiers?appel={world.call.id}&etat=submitted").page
    assert few.n == many.n
    assert "Projet 19" in staff_page and "Mon projet" in staff_page and "Projet voisin" not in staff_page
    assert "1 dossier est en cours de rédaction" in staff_page  # the neighbour's draft, as a count
    assert db.session.get(Dossier, mine.id).state == "submitted"


def test_admin_opens_a_call_which_pins_its_workflow(client, login_as):
    login_as("admin")
    call = factories.make_call(state="draft", title="Édition 2027", workflow_name="deux-temps")
    refused = client.post(f"/admin/appels/{call.id}/ouvrir", follow_redirects=True)
    assert "Indiquez la date de clôture avant de publier l'appel." in refused.page
    call.closes_at = utcnow() + timedelta(days=30)
    db.session.commit()
    response = client.post(f"/admin/appels/{call.id}/ouvrir")
    assert response.status_code == 302
    db.session.refresh(call)
    assert call.state == "published" and call.workflow_version.name == "deux-temps"
    again = client.post(f"/admin/appels/{call.id}/ouvrir", follow_redirects=True)
    assert "Cet appel est déjà publié : son cycle de traitement est fixé." in again.page


def test_admin_reads_each_workflow_as_a_diagram_and_a_table(client, login_as):
    login_as("admin")
    index = client.get("/admin/workflows").page
    assert "Instruction conjointe avec les cofinanceurs" in index
    page = client.get("/admin/workflows/plaine-commune")
    assert page.status_code == 200 and "<svg" in page.text and "Sans action pendant 30 jours" in page.page
    assert client.get("/admin/workflows/inconnu").status_code == 404
    assert client.get("/admin/workflows/..%2Fsecret").status_code == 404
