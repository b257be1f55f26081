"""A version's PDF seen from the web: its progress for anyone, the download once ready, printing it again for the
administrators when it failed, and their preview of the live figures."""
import re

import pytest

from aap.bilan.models import PDF_FAILED, PDF_READY
from aap.bilan.pdf_tasks import queue_version_pdf
from aap.extensions import db
from tests import factories
from tests.bilan.figures_world import two_editions
from tests.bilan.pdf_world import published_version
from tests.bilan.test_pdf import text_of
from tests.dossiers.test_reading import pdf_text


@pytest.fixture
def version(session, uploads):
    call = factories.make_call(title="Appel PDF pages", year=2021)
    version = published_version(call, number=2)
    queue_version_pdf(version)
    db.session.commit()
    return version


@pytest.fixture
def failed(session, uploads):
    """A version whose job has run and failed: nothing is left in the queue."""
    call = factories.make_call(title="Appel PDF pages", year=2021)
    version = published_version(call, number=2, pdf_state=PDF_FAILED, pdf_error="panne", pdf_total=9)
    db.session.commit()
    return version


def base(version) -> str:
    return f"/bilans/{version.bilan.call_id}/v{version.number}"


def test_while_it_is_printed_the_page_says_how_far_it_got_and_refreshes_itself(client, version):
    page = client.get(base(version) + "/pdf/etat")
    assert page.status_code == 200 and '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page.text
    assert "PDF en préparation — 0 / 9 sections" in page.page and 'role="status"' in page.text
    assert re.search(r'<label for="(bilan-pdf-progress-\d+)"[^>]*>.*</label>.*<progress id="\1" max="9" value="0">',
                     page.text, re.S)
    assert 'src="/static/js/bilan-pdf.js" defer' in page.text and "Voir où en est le PDF" in page.page
    assert client.get(base(version) + "/pdf/etat.json").json == {"state": "queued", "done": 0, "total": 9,
                                                                  "size": None, "url": None}


def test_the_download_is_refused_until_it_is_ready_then_served_with_a_clean_name(client, version, worker):
    assert client.get(base(version) + "/bilan.pdf").status_code == 404
    worker.drain()
    answer = client.get(base(version) + "/bilan.pdf")
    assert answer.headers["Content-Disposition"] == "attachment; filename=bilan-2021-appel-pdf-pages-v2.pdf"
    assert "Version 2, publiée le 20/01/2022" in pdf_text(answer)
    page = client.get(base(version) + "/pdf/etat")
    assert 'http-equiv="refresh"' not in page.text
    assert f"Télécharger le PDF ({version.file_size // 1024} Ko)" in page.page
    state = client.get(base(version) + "/pdf/etat.json").json
    assert state["state"] == "ready" and state["size"] == version.file_size and state["url"] == base(version) + "/bilan.pdf"


def test_an_unknown_version_or_call_is_not_found(client, version):
    call_id = version.bilan.call_id
    for path in (f"/bilans/{call_id}/v9/bilan.pdf", f"/bilans/{call_id}/v9/pdf/etat", "/bilans/999999/v2/pdf/etat.json"):
        assert client.get(path).status_code == 404


def test_a_failure_shows_its_reason_and_a_button_to_the_admins_only(client, failed, login_as):
    version = failed
    version.pdf_error = "Le fichier dépasse la taille maximale de 10 Mo."
    db.session.commit()
    public = client.get(base(version) + "/pdf/etat").page
    assert "n'a pas pu être préparé" in public and "10 Mo" not in public and "Préparer le PDF de nouveau" not in public
    login_as("admin")
    page = client.get(base(version) + "/pdf/etat").page
    assert "Erreur : Le fichier dépasse la taille maximale de 10 Mo." in page and "Préparer le PDF de nouveau" in page


def test_an_admin_has_a_failed_pdf_printed_again(client, failed, login_as, worker):
    version = failed
    login_as("admin")
    answer = client.post(base(version) + "/pdf/regenerer", follow_redirects=True)
    assert "Le PDF de la version 2 est de nouveau en préparation." in answer.page
    assert "PDF en préparation — 0 / 9 sections" in answer.page
    assert worker.drain() == 1
    db.session.refresh(version)
    assert version.pdf_state == PDF_READY
    again = client.post(base(version) + "/pdf/regenerer", follow_redirects=True)
    assert "Le PDF de la version 2 n'est pas en échec : il n'y a rien à refaire." in again.page
    assert worker.drain() == 0


def test_printing_again_is_refused_to_others(client, failed, login_as):
    version = failed
    assert client.post(base(version) + "/pdf/regenerer").status_code == 302  # to the login page
    login_as("instructor")
    assert client.post(base(version) + "/pdf/regenerer").status_code == 403
    db.session.refresh(version)
    assert version.pdf_state == PDF_FAILED


def test_the_admin_preview_prints_the_live_figures_and_the_draft_texts(client, session, login_as):
    _earlier, call = two_editions()
    login_as("admin")
    answer = client.get(f"/admin/appels/{call.id}/bilan/apercu.pdf")
    assert re.fullmatch(r'attachment; filename="bilan-2021-appel-figures-\d+-apercu\.pdf"',
                        answer.headers["Content-Disposition"])
    text = text_of(answer.data)
    assert "Aperçu, non publié" in text and "Atelier A" in text and "Brasserie B" not in text
    assert "1 autre dossier soutenu n'est pas nommé" in text


def test_the_preview_is_for_admins(client, session, login_as):
    call = factories.make_call(title="Appel PDF aperçu", year=2021)
    login_as("instructor")
    assert client.get(f"/admin/appels/{call.id}/bilan/apercu.pdf").status_code == 403
