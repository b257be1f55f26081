"""The administrator writes the bilan's texts, previews it, publishes it; a correction is version 2 with its note."""
import re

import pytest
from sqlalchemy import func, select

from aap.bilan import operations
from aap.bilan.models import Bilan, BilanVersion
from aap.bilan.operations import texts_digest
from aap.core.formatting import date_time, short_date
from aap.core.queue import get_queue
from aap.extensions import db
from tests import factories
from tests.bilan.publication_world import admin, figures_by_hand, finished_call, in_progress, snapshot, words


@pytest.fixture
def figures(monkeypatch):
    return figures_by_hand(monkeypatch)


def edit_url(call) -> str:
    return f"/admin/appels/{call.id}/bilan"


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', page)
    assert match, f"no {name} in the page"
    return match.group(1)


def save(client, call, introduction="", commentary="", based_on=None, **extra):
    based_on = based_on if based_on is not None else hidden(client.get(edit_url(call)).text, "based_on")
    return client.post(edit_url(call), data={"introduction": introduction, "commentary": commentary,
                                             "based_on": based_on, **extra})


def publish(client, call, confirm=True, note="", number=None, seen=None):
    page = client.get(edit_url(call) + "/apercu").text
    data = {"number": number if number is not None else hidden(page, "number"),
            "seen": seen if seen is not None else hidden(page, "seen"), "correction_note": note}
    if confirm:
        data["confirm"] = "y"
    return client.post(edit_url(call) + "/publier", data=data)


def versions(call) -> list[BilanVersion]:
    db.session.expire_all()
    return list(db.session.execute(select(BilanVersion).join(Bilan).where(Bilan.call_id == call.id)
                                   .order_by(BilanVersion.number)).scalars())


@pytest.fixture
def world(client, figures):
    person = client.login(admin())
    return finished_call(title="Appel ESS — 15e édition"), person


def test_the_admin_writes_previews_then_publishes_version_1(client, world):
    call, person = world
    answer = save(client, call, "Une édition **record**.", "Merci aux partenaires.")
    assert answer.status_code == 302 and answer.location.endswith(edit_url(call))
    preview = client.get(edit_url(call) + "/apercu")
    assert preview.status_code == 200
    assert "<strong>record</strong>" in preview.text and "Merci aux partenaires." in preview.page
    assert "Ressourcerie du Landy" in preview.page and "Publier la version 1 du bilan" in preview.page
    answer = publish(client, call)
    assert answer.status_code == 302 and answer.location.endswith(f"/bilans/{call.id}/v1")
    [version] = versions(call)
    assert (version.number, version.introduction, version.commentary) == (1, "Une édition **record**.",
                                                                          "Merci aux partenaires.")
    assert version.snapshot == snapshot(call) and version.correction_note == ""
    assert version.published_by_id == person.id and version.published_by_label == person.display_name
    page = words(client.get(f"/bilans/{call.id}/v1"))
    assert "La version 1 du bilan est publiée" in page and "Une édition record." in page


def test_publishing_asks_for_the_confirmation(client, world):
    call, _person = world
    answer = publish(client, call, confirm=False)
    assert answer.status_code == 400
    assert "Cochez la case pour confirmer que vous avez relu l'aperçu avant de publier." in answer.page
    assert versions(call) == []


def test_a_correction_is_version_2_with_its_note_and_version_1_stays_readable(client, world):
    call, _person = world
    save(client, call, "Première introduction.")
    publish(client, call)
    save(client, call, "Introduction corrigée.")
    answer = publish(client, call)
    assert answer.status_code == 400
    assert "Dites ce que corrige la version 2" in answer.page and len(versions(call)) == 1
    answer = publish(client, call, note="Montant versé à la Ressourcerie du Landy rectifié.")
    assert answer.location.endswith(f"/bilans/{call.id}/v2")
    first, second = versions(call)
    assert (first.introduction, second.introduction) == ("Première introduction.", "Introduction corrigée.")
    assert second.correction_note == "Montant versé à la Ressourcerie du Landy rectifié."
    client.post("/deconnexion")
    old = client.get(f"/bilans/{call.id}/v1")
    assert old.status_code == 200 and "Première introduction." in old.page
    assert f"Version corrigée le {short_date(second.published_at)} : voir la version 2." in words(old)
    assert "Ce qu'elle corrige : Montant versé à la Ressourcerie du Landy rectifié." in old.page
    new = client.get(f"/bilans/{call.id}/v2").page
    assert "Cette version corrige la version 1 : Montant versé" in new and "Version corrigée" not in new
    assert client.get(f"/bilans/{call.id}").location.endswith(f"/bilans/{call.id}/v2")


def test_a_second_click_publishes_nothing_more(client, world):
    call, _person = world
    page = client.get(edit_url(call) + "/apercu").text
    data = {"number": hidden(page, "number"), "seen": hidden(page, "seen"), "confirm": "y"}
    assert client.post(edit_url(call) + "/publier", data=data).status_code == 302
    again = client.post(edit_url(call) + "/publier", data=data)
    assert again.status_code == 409
    assert "La version 1 de ce bilan est déjà publiée : elle ne l'est pas une seconde fois." in again.page
    assert [version.number for version in versions(call)] == [1]
    assert hidden(again.text, "number") == "2"  # the page now offers the next version


def test_an_edition_in_progress_is_refused_with_what_remains(client, figures, session):
    client.login(admin())
    call = factories.make_open_call(title="Appel ESS encore ouvert", year=2026, edition=20)
    figures.set(lambda live: in_progress(live, awaiting=3))
    preview = client.get(edit_url(call) + "/apercu")
    warning = (f"L'édition est encore en cours : l'appel est ouvert jusqu'au {date_time(call.closes_at)} ; "
               "3 dossiers reçus attendent encore leur décision. Le bilan se publie une fois l'appel clos et chaque "
               "dossier reçu décidé.")
    assert preview.status_code == 200 and warning in preview.page
    answer = publish(client, call)
    assert answer.status_code == 409 and warning in answer.page
    assert versions(call) == []


def test_a_closed_call_whose_dossiers_await_their_decision_says_how_many(client, world, figures):
    call, _person = world
    figures.set(lambda live: in_progress(live, awaiting=1))
    answer = publish(client, call)
    assert answer.status_code == 409
    assert ("L'édition est encore en cours : 1 dossier reçu attend encore sa décision. Le bilan se publie une fois "
            "l'appel clos et chaque dossier reçu décidé.") in answer.page
    assert versions(call) == []


def test_texts_saved_meanwhile_by_someone_else_are_not_overwritten(client, world, app):
    call, _person = world
    shown = hidden(client.get(edit_url(call)).text, "based_on")
    colleague = app.test_client()
    colleague.login(admin(email="collegue.bilan@example.org"))
    assert save(colleague, call, "Le texte de ma collègue.").status_code == 302
    answer = save(client, call, "Mon texte à moi.", based_on=shown)
    assert answer.status_code == 409
    assert "Les textes du bilan ont été modifiés par collegue.bilan@example.org" in answer.page
    assert "Mon texte à moi.</textarea>" in answer.page and "Le texte de ma collègue." in answer.page
    assert db.session.execute(select(Bilan.introduction).where(Bilan.call_id == call.id)).scalar_one() == \
        "Le texte de ma collègue."
    assert save(client, call, "Mon texte à moi.", based_on=hidden(answer.text, "based_on")).status_code == 302
    db.session.expire_all()
    assert db.session.execute(select(Bilan.introduction).where(Bilan.call_id == call.id)).scalar_one() == \
        "Mon texte à moi."


def test_a_text_too_long_is_refused_and_kept(client, world):
    call, _person = world
    typed = "Une édition exceptionnelle. " * 800
    answer = save(client, call, typed)
    assert answer.status_code == 400
    assert "Ce texte dépasse 20 000 caractères : raccourcissez-le." in answer.page
    assert typed.strip() in answer.page
    assert db.session.execute(select(func.count(Bilan.id)).where(Bilan.call_id == call.id)).scalar() == 0


def test_publishing_after_the_texts_changed_is_refused(client, world):
    call, _person = world
    save(client, call, "Avant.")
    page = client.get(edit_url(call) + "/apercu").text
    save(client, call, "Après, écrit dans un autre onglet.")
    answer = client.post(edit_url(call) + "/publier", data={"number": "1", "seen": hidden(page, "seen"),
                                                             "confirm": "y"})
    assert answer.status_code == 409 and "ont été modifiés" in answer.page
    assert versions(call) == []
    assert hidden(answer.text, "seen") == texts_digest("Après, écrit dans un autre onglet.", "")


def test_the_texts_are_markdown_without_raw_html(client, world):
    call, _person = world
    save(client, call, "Un **bilan** <script>alert('x')</script> [lien](javascript:alert(1))")
    publish(client, call)
    page = client.get(f"/bilans/{call.id}/v1").text
    assert "<strong>bilan</strong>" in page and "<script>alert" not in page
    assert "&lt;script&gt;" in page and 'href="javascript:' not in page


def test_a_draft_call_has_no_bilan_to_publish(client, figures, session):
    client.login(admin())
    call = factories.make_call(title="Appel ESS en préparation", state="draft")
    answer = publish(client, call)
    assert answer.status_code == 409 and "L'appel n'a pas encore été publié" in answer.page
    assert versions(call) == []


def test_the_pages_of_an_unknown_call_are_not_found(client, world):
    assert client.get("/admin/appels/99999999/bilan").status_code == 404
    assert client.get("/admin/appels/99999999/bilan/apercu").status_code == 404
    assert client.post("/admin/appels/99999999/bilan/publier").status_code == 404


def test_the_admin_list_says_where_each_bilan_stands(client, world):
    call, _person = world
    other = finished_call(title="Appel ESS — 14e édition", year=2020, edition=14)
    save(client, other, "Brouillon.")
    publish(client, call)
    page = client.get("/admin/bilans").page
    assert "Appel ESS — 15e édition (2021)" in page and "1 version publiée" in page
    assert "Appel ESS — 14e édition (2020)" in page and "En cours d'écriture, pas encore publié" in page
    assert f'href="/admin/appels/{call.id}/bilan"' in client.get("/admin/appels").text
    assert f'href="/admin/appels/{call.id}/bilan"' in client.get(f"/admin/appels/{call.id}/modifier").text


def test_a_published_version_never_changes_whoever_writes(client, world):
    call, person = world
    publish(client, call)
    [version] = versions(call)
    version.pdf_state, version.pdf_done, version.pdf_total = "running", 1, 3  # its PDF is made afterwards
    db.session.commit()
    for name, value in (("introduction", "Réécrite."), ("snapshot", {}), ("number", 7), ("correction_note", "x")):
        setattr(version, name, value)
        with pytest.raises(operations.PublishedVersionFixed):
            db.session.flush()
        db.session.rollback()
    assert versions(call)[0].introduction == "" and versions(call)[0].pdf_state == "running"


def test_publishing_queues_the_versions_pdf_once_committed(client, world, worker, app):
    call, _person = world
    publish(client, call, confirm=False)
    assert get_queue(app).count == 0  # a refused publication queues nothing
    publish(client, call)
    assert get_queue(app).count == 1
    [version] = versions(call)
    assert version.pdf_state == "queued" and version.pdf_total > 0
    worker.drain()
    assert versions(call)[0].pdf_state == "ready"
    assert f'href="/bilans/{call.id}/v1/bilan.pdf"' in client.get(f"/bilans/{call.id}/v1").text


def test_a_refused_correction_keeps_its_note_as_typed(client, world):
    call, _person = world
    publish(client, call)
    page = client.get(edit_url(call) + "/apercu").text
    save(client, call, "Changé dans un autre onglet.")
    answer = client.post(edit_url(call) + "/publier", data={
        "number": "2", "seen": hidden(page, "seen"), "confirm": "y", "correction_note": "Le montant versé rectifié."})
    assert answer.status_code == 409 and "ont été modifiés" in answer.page
    assert "Le montant versé rectifié.</textarea>" in answer.page
    assert [version.number for version in versions(call)] == [1]
