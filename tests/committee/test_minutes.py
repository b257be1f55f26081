"""The minutes: generated from the session, the chair's text, previewed, locked for good, corrected as a new version."""
import hashlib
import json
import re
from decimal import Decimal

import pytest

from aap.committee import minutes, minutes_operations
from aap.committee.models import OPEN, AgendaItem, CommitteeSession, Minutes
from aap.core.models import utcnow
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.mail.models import Mail
from aap.workflow.models import AuditRecord
from tests import factories
from tests.committee.minutes_world import meeting


@pytest.fixture
def world(session):
    return meeting()


def url(world, path=""):
    return f"/comite/seances/{world['session'].id}/proces-verbal{path}"


def flat(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", page).replace("\u202f", " ").replace("\u00a0", " "))


def lock_fields(page: str) -> dict:
    version = re.search(r'name="lock-version"[^>]*value="(\d+)"', page) or re.search(
        r'value="(\d+)"[^>]*name="lock-version"', page)
    seen = re.search(r'name="lock-seen"[^>]*value="([0-9a-f]{64})"', page) or re.search(
        r'value="([0-9a-f]{64})"[^>]*name="lock-seen"', page)
    return {"lock-version": version.group(1), "lock-seen": seen.group(1), "lock-confirm": "y"}


def stored(world) -> list[Minutes]:
    db.session.expire_all()
    return list(db.session.execute(db.select(Minutes).where(Minutes.session_id == world["session"].id)
                                   .order_by(Minutes.version)).scalars())


def lock_now(client, world):
    return client.post(url(world, "/verrouiller"), data=lock_fields(client.get(url(world)).text),
                       follow_redirects=True)


def test_a_member_reads_the_minutes_as_the_session_recorded_them(client, world):
    client.login(world["members"]["Bruno Banque"])
    page = client.get(url(world))
    assert page.status_code == 200
    text = flat(page.page)
    assert "4 membres convoqués : 1 en salle, 1 à distance, 1 absent·es, 1 non renseigné·es — 2 présent·es." in text
    assert "Alice Réseau Têtes de réseau Présent·e en salle" in text
    assert "Bruno Banque Banques et finance Présent·e à distance" in text
    assert "David Service Hors des viviers de l'appel Non renseignée" in text
    assert "Quorum requis : 2 membres présents." in text and "2 membres présents à l'ouverture. Quorum atteint." in text
    assert "Présidence Alice Réseau" in text
    titles = re.findall(r"\d\. AAP-C\d{5} — ([^<]+?) Structure", text)
    assert titles == ["Jardin partagé", "Café associatif", "Recyclerie", "Atelier vélo"]
    assert "Membres déporté·es Bruno Banque Votes Favorable : 0 · Défavorable : 1 · Abstention : 0" in text
    assert "Avis du comité Avis favorable — 8 000 €" in text
    assert "Avis du comité Ajourné — reporté à séance d'autome" not in text
    assert "Avis du comité Ajourné — reporté à séance d'automne" in text
    assert "Création 1 8 000 € Développement 1 5 000 € Total 2 13 000 €" in text
    assert "2 avis favorables, 1 avis défavorable, 1 dossier ajourné, 0 dossiers sans avis." in text
    assert "Enregistrer le brouillon" not in text and "Verrouiller" not in text  # a member who does not chair


def test_a_session_without_quorum_says_so(client, world):
    world["session"].present_at_opening, world["session"].quorum_met = 1, False
    db.session.commit()
    client.login(world["chair"])
    text = flat(client.get(url(world)).page)
    assert "1 membre présent à l'ouverture. Quorum non atteint." in text


def test_the_chair_writes_previews_then_locks(client, world):
    client.login(world["chair"])
    preview = client.post(url(world), data={"minutes-text": "Séance ouverte à 14 h.", "apercu": "1",
                                            "minutes-based_on": minutes_operations.text_digest("")})
    assert preview.status_code == 200 and "rien n'est encore enregistré" in preview.page
    assert "Séance ouverte à 14 h." in flat(preview.page) and stored(world) == []
    saved = client.post(url(world), data={"minutes-text": "Séance ouverte à 14 h.\r\nBonne séance.",
                                          "minutes-based_on": minutes_operations.text_digest("")},
                        follow_redirects=True)
    assert "Le texte du procès-verbal est enregistré (brouillon)." in saved.page
    draft, = stored(world)
    assert draft.version == 1 and draft.text == "Séance ouverte à 14 h.\nBonne séance." and draft.locked_at is None
    assert draft.content["totals"]["amount"] == "13000.00"  # the content is stored with the version
    locked = lock_now(client, world)
    assert "La version 1 du procès-verbal est verrouillée" in locked.page
    version, = stored(world)
    assert version.locked_by_id == world["chair"].id and version.locked_at is not None
    canonical = json.dumps({"content": version.content, "text": version.text, "version": 1,
                            "session": world["session"].id}, sort_keys=True, ensure_ascii=False,
                           separators=(", ", ": ")).encode()
    assert version.fingerprint == hashlib.sha256(canonical).hexdigest()
    assert version.fingerprint in locked.page and "Verrouiller la version" not in locked.page


def test_the_fingerprint_enters_each_dossiers_audit_chain(client, world):
    client.login(world["chair"])
    lock_now(client, world)
    version, = stored(world)
    for dossier in world["dossiers"]:
        record = db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id == dossier.id)
                                    .order_by(AuditRecord.sequence.desc())).scalars().first()
        assert record.transition == "minutes_locked" and record.holder_visible is False
        assert record.payload == {"minutes": version.id, "session": world["session"].id, "version": 1,
                                  "fingerprint": version.fingerprint}
        assert record.from_state == record.to_state == "on_agenda"
        assert db.session.get(Dossier, dossier.id).audit_head == record.hash
    staff = factories.make_user(roles=("admin",), totp=True)
    client.login(staff)
    timeline = client.get(f"/dossiers/{world['dossiers'][0].id}").page
    assert "Procès-verbal de la séance verrouillé" in timeline and version.fingerprint in timeline


def test_each_member_is_mailed_once_per_version_with_the_pdf_link(client, world, worker, mailbox):
    client.login(world["chair"])
    lock_now(client, world)
    version, = stored(world)
    mails = db.session.execute(db.select(Mail).where(Mail.template == "minutes_locked")).scalars().all()
    assert sorted(mail.to_address for mail in mails) == sorted(member.email for member in world["members"].values())
    assert {mail.idempotency_key for mail in mails} == {f"minutes_locked:{version.id}:{member.id}"
                                                        for member in world["members"].values()}
    minutes_operations._mail_members(world["session"], version)  # again: the keys make it a no-op
    db.session.commit()
    assert db.session.execute(db.select(db.func.count(Mail.id)).where(Mail.template == "minutes_locked")).scalar() == 4
    worker.drain()
    received = mailbox.to(world["members"]["Chloé Région"].email)
    assert len(received) == 1 and "Procès-verbal verrouillé" in received[0]["Subject"]
    body = mailbox.text(received[0])
    assert f"/comite/seances/{world['session'].id}/proces-verbal/1.pdf" in body and version.fingerprint in body


def test_locking_asks_for_the_confirmation(client, world):
    client.login(world["chair"])
    fields = {**lock_fields(client.get(url(world)).text), "lock-confirm": ""}
    answer = client.post(url(world, "/verrouiller"), data=fields)
    assert answer.status_code == 400 and "Cochez la case pour confirmer" in answer.page and stored(world) == []


def test_locking_an_open_session_is_refused(client, world):
    client.login(world["chair"])
    fields = lock_fields(client.get(url(world)).text)
    world["session"].state = OPEN
    db.session.commit()
    answer = client.post(url(world, "/verrouiller"), data=fields, follow_redirects=True)
    assert "La séance n'est pas close" in answer.page and stored(world) == []
    assert "Le procès-verbal se verrouille une fois la séance close." in answer.page


def test_what_is_locked_is_what_was_read(client, world):
    client.login(world["chair"])
    fields = lock_fields(client.get(url(world)).text)
    item = db.session.get(AgendaItem, world["items"][0].id)
    item.amount = Decimal("7000")
    db.session.commit()
    answer = client.post(url(world, "/verrouiller"), data=fields, follow_redirects=True)
    assert "Le procès-verbal a changé depuis que vous l'avez affiché" in answer.page
    assert all(version.locked_at is None for version in stored(world))
    assert "7 000 €" in flat(answer.page)


def test_locked_minutes_refuse_every_edit(client, world):
    client.login(world["chair"])
    lock_now(client, world)
    answer = client.post(url(world), data={"minutes-text": "Un ajout après coup.",
                                           "minutes-based_on": minutes_operations.text_digest("")})
    assert answer.status_code == 409
    assert "La version 1 du procès-verbal a été verrouillée le" in answer.page and "Un ajout après coup." in answer.page
    assert "Verrouiller la version" not in client.get(url(world)).page
    db.session.commit()  # what the requests wrote stays when this test's session rolls back below
    with pytest.raises(minutes_operations.LockedMinutes):
        minutes_operations.save_text(db.session.get(CommitteeSession, world["session"].id), "autre", None)
    db.session.rollback()
    version, = stored(world)
    version.text = "Réécrit en douce."
    with pytest.raises(minutes_operations.LockedMinutes, match="verrouillée"):
        db.session.flush()
    db.session.rollback()
    version, = stored(world)
    db.session.delete(version)
    with pytest.raises(minutes_operations.LockedMinutes):
        db.session.flush()
    db.session.rollback()
    assert stored(world)[0].text == ""


def test_a_correction_is_a_new_version_and_the_earlier_one_stays_readable(client, world):
    client.login(world["chair"])
    client.post(url(world), data={"minutes-text": "Première rédaction.", "minutes-based_on":
                                  minutes_operations.text_digest("")})
    lock_now(client, world)
    corrected = client.post(url(world, "/corriger"), follow_redirects=True)
    assert "La version 2 est ouverte pour correction" in corrected.page
    first, second = stored(world)
    assert second.version == 2 and second.locked_at is None and second.text == "Première rédaction."
    item = db.session.get(AgendaItem, world["items"][0].id)
    item.amount = Decimal("7500")
    db.session.commit()
    old = client.get(url(world, "/1"))
    assert old.status_code == 200 and "Cette version a été remplacée par la version 2." in old.page
    assert "8 000 €" in flat(old.page) and "7 500 €" not in flat(old.page)
    assert "Enregistrer le brouillon" not in old.page and "Créer la version" not in old.page
    current = client.get(url(world))
    assert "7 500 €" in flat(current.page) and "Cette version a été remplacée" not in current.page
    assert client.post(url(world, "/corriger"), follow_redirects=True).page.count("encore un brouillon") == 1
    lock_now(client, world)
    first, second = stored(world)
    assert second.locked_at is not None and first.fingerprint != second.fingerprint
    keys = set(db.session.execute(db.select(Mail.idempotency_key).where(Mail.template == "minutes_locked")).scalars())
    assert len(keys) == 8  # four members, two versions


def test_a_text_too_long_is_refused_and_kept(client, world):
    client.login(world["chair"])
    typed = "Observation. " * 1600
    answer = client.post(url(world), data={"minutes-text": typed, "minutes-based_on":
                                           minutes_operations.text_digest("")})
    assert answer.status_code == 400 and "Le texte dépasse 20 000 caractères" in answer.page
    assert typed.strip() in answer.page and stored(world) == []


def test_a_text_saved_meanwhile_by_someone_else_is_not_overwritten(client, world):
    client.login(world["chair"])
    client.post(url(world), data={"minutes-text": "Version du secrétariat.",
                                  "minutes-based_on": minutes_operations.text_digest("")})
    answer = client.post(url(world), data={"minutes-text": "Ma version.",
                                           "minutes-based_on": minutes_operations.text_digest("")})
    assert answer.status_code == 409 and "modifié par une autre personne" in answer.page
    assert "Ma version." in answer.page and stored(world)[0].text == "Version du secrétariat."


def test_a_member_who_does_not_chair_cannot_write_and_staff_can(client, world):
    client.login(world["members"]["Bruno Banque"])
    assert client.post(url(world), data={"minutes-text": "x"}).status_code == 403
    assert client.post(url(world, "/verrouiller"), data={}).status_code == 403
    client.login(factories.make_user(roles=("instructor",), totp=True))
    assert client.post(url(world), data={"minutes-text": "Rédigé par l'instruction."}).status_code == 302
    assert stored(world)[0].text == "Rédigé par l'instruction."


def test_an_unknown_version_is_not_found(client, world):
    client.login(world["chair"])
    assert client.get(url(world, "/1")).status_code == 200  # the draft not saved yet
    assert client.get(url(world, "/2")).status_code == 404
    assert client.get(url(world, "/2.pdf")).status_code == 404


@pytest.mark.parametrize("locked", [False, True])
def test_the_page_costs_the_same_queries_for_5_and_50_items(client, count_queries, session, locked):
    from tests.committee.minutes_world import many

    costs = []
    for size, suffix in ((5, "a"), (50, "b")):
        place = meeting(items=many(size), suffix=suffix)
        client.login(place["chair"])
        if locked:
            lock_now(client, place)
        address = f"/comite/seances/{place['session'].id}/proces-verbal"
        client.get(address)
        with count_queries() as counted:
            page = client.get(address)
        assert page.status_code == 200 and ("Empreinte SHA-256" in page.page) == locked
        costs.append(counted.n)
    assert costs[0] == costs[1]


def test_locking_twice_by_the_operation_is_refused(world):
    session = db.session.get(CommitteeSession, world["session"].id)
    seen = minutes.fingerprint(minutes_operations.generate(session), "", 1, session.id)
    minutes_operations.lock(session, world["chair"], 1, seen, utcnow())
    db.session.commit()
    with pytest.raises(minutes_operations.LockedMinutes, match="a été verrouillée le"):
        minutes_operations.lock(session, world["chair"], 1, seen, utcnow())
