import json

import pyotp

from aap.auth.operations import find_user
from aap.auth.passwords import verify_password
from aap.calls.models import Call
from aap.committee.models import CommitteeSession
from aap.demo import PERSONAS, credentials_path, load_demo
from aap.demo_history import TITLE as EDITION_2021
from aap.dossiers.models import Dossier
from aap.dossiers.reviewers import Assignment
from aap.extensions import db
from aap.mail.models import Mail
from aap.organisations.identifiers import is_valid_siret
from aap.organisations.models import Organisation
from aap.review.models import Review


def test_demo_is_idempotent_with_random_passwords_kept_under_instance(app, session, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    first = load_demo()
    organisations = db.session.execute(db.select(db.func.count()).select_from(Organisation)).scalar_one()
    second = load_demo()
    assert first == second
    assert db.session.execute(db.select(db.func.count()).select_from(Organisation)).scalar_one() == organisations
    assert set(first) == {"holder", "instructor", "committee", "admin"}
    for persona, login in first.items():
        user = find_user(login["email"])
        assert verify_password(user.password_hash, login["password"])
        assert login["email"].split("@")[0] not in login["password"].lower()
        assert login["totp"] == (persona != "holder") == user.totp_enabled
    assert json.loads(credentials_path().read_text()) == first
    assert credentials_path().stat().st_mode & 0o777 == 0o600
    assert all(is_valid_siret(o.siret) for o in db.session.execute(db.select(Organisation)).scalars())


def test_demo_passwords_differ_from_one_install_to_the_next(app, session, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "one"))
    (tmp_path / "one").mkdir()
    first = load_demo()
    for email, *_ in PERSONAS.values():
        db.session.delete(find_user(email))
    db.session.commit()
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "two"))
    (tmp_path / "two").mkdir()
    assert load_demo()["admin"]["password"] != first["admin"]["password"]


def test_invite_command_prints_the_invitation_link(app, session):
    result = app.test_cli_runner().invoke(args=["aap", "invite", "--email", "Chargee@Example.org",
                                                "--role", "instructor"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("http://localhost/invitation/")
    assert find_user("chargee@example.org").has_role("instructor")


def test_invite_command_refuses_a_call_role_without_a_call(app, session):
    result = app.test_cli_runner().invoke(args=["aap", "invite", "--email", "x@example.org", "--role", "committee"])
    assert result.exit_code == 2 and "committee is granted on a call" in result.output


def test_totp_code_command_prints_the_current_code(app, session):
    from tests import factories

    user = factories.make_user(email="admin@example.org", roles=("admin",), totp=True)
    result = app.test_cli_runner().invoke(args=["aap", "totp-code", "--email", "admin@example.org"])
    assert result.output.strip() == pyotp.TOTP(user.totp_secret).now()
    unknown = app.test_cli_runner().invoke(args=["aap", "totp-code", "--email", "nobody@example.org"])
    assert unknown.exit_code == 1 and "Aucun compte" in unknown.output


def test_worker_command_delivers_queued_mail_in_burst_mode(app, session, mailbox):
    from aap.mail.outbox import queue_mail
    from tests import factories

    user = factories.make_user(email="porteur@example.org")
    queue_mail(user.email, "verify_email", user=user, link="http://localhost/x")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["aap", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert len(mailbox.to("porteur@example.org")) == 1
    assert db.session.execute(db.select(Mail.status)).scalar_one() == "sent"


def test_the_demo_shows_a_review_to_read_and_reviews_to_write(app, client, session, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    load_demo()
    load_demo()  # the review's demo is idempotent too
    edition = db.session.execute(db.select(Call).where(Call.title == EDITION_2021)).scalar_one()
    client.login(find_user(PERSONAS["instructor"][0]))
    ranking = client.get(f"/instruction/appels/{edition.id}/classement")
    assert ranking.status_code == 200 and "calibrée" in ranking.page and "<td>3</td>" in ranking.page
    habits = client.get(f"/instruction/appels/{edition.id}/classement/relecteurs")
    assert "Nadia Benali" in habits.page and "calibré" in habits.page
    assert db.session.execute(db.select(db.func.count()).select_from(Review).where(
        Review.dossier_id.in_(db.select(Dossier.id).where(Dossier.call_id == edition.id)))).scalar_one() == 37 * 3
    client.post("/deconnexion")
    committee = find_user(PERSONAS["committee"][0])
    client.login(committee)
    todo = db.session.execute(db.select(Assignment).where(Assignment.user_id == committee.id)).scalars().all()
    assert len(todo) == 2 and all(a.state == "assigned" for a in todo)
    assert client.get(f"/relectures/dossiers/{todo[0].dossier_id}").status_code == 200


def test_the_demo_plans_a_committee_session_with_its_agenda(app, client, session, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    load_demo()
    load_demo()  # the committee's demo is idempotent too
    [meeting] = db.session.execute(db.select(CommitteeSession)).scalars().all()
    assert meeting.state == "planned" and len(meeting.members) == 5 and len(meeting.items) == 1
    client.login(find_user(PERSONAS["committee"][0]))
    hub = client.get("/comite").page
    assert "Comité de projets de printemps" in hub and "1 dossier" in hub
    assert "Fabrique de meubles en réemploi" in client.get(f"/comite/seances/{meeting.id}/preparation").page
    client.post("/deconnexion")
    client.login(find_user(PERSONAS["instructor"][0]))
    assert "Convoquer" in client.get(f"/comite/seances/{meeting.id}").page


def test_the_demo_admin_has_a_dossier_to_decide_and_the_past_edition_its_decisions(app, client, session, tmp_path,
                                                                                 monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    load_demo()
    client.login(find_user(PERSONAS["admin"][0]))
    hub = client.get("/decisions")
    assert hub.status_code == 200 and "Appel à projets ESS" in hub.page
    current = db.session.execute(db.select(Dossier).where(Dossier.title == "Ressourcerie du Landy",
                                                          Dossier.state == "committee_opinion")).scalar_one()
    board = client.get(f"/decisions/appels/{current.call_id}").page
    assert "Ressourcerie du Landy" in board and "À décider" in board
    page = client.get(f"/decisions/dossiers/{current.id}").page
    assert "Préparer la décision" in page
    # the 2021 edition's grants have had their advance paid
    edition = db.session.execute(db.select(Call).where(Call.title == EDITION_2021)).scalar_one()
    past = db.session.execute(db.select(Dossier).where(Dossier.call_id == edition.id,
                                                       Dossier.state == "advance_paid")).scalars().all()
    assert len(past) == 15 and all(dossier.requested_amount for dossier in past)
