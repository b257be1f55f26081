"""A published bilan's PDF being printed: its block follows the job without reloading the page, then offers the
download; without a script, the page refreshes itself until the PDF is ready. axe checks each state."""
import re

import pytest

from aap.bilan.pdf_tasks import queue_version_pdf
from aap.extensions import db
from tests import factories
from tests.bilan.pdf_world import published_version

pytestmark = pytest.mark.browser


@pytest.fixture
def status_path(live_app, live_worker):
    with live_app.app_context():
        call = factories.make_call(title="Appel PDF navigateur", year=2021)
        version = published_version(call, number=1)
        queue_version_pdf(version)
        db.session.commit()
        return f"/bilans/{call.id}/v1/pdf/etat"


def test_the_block_follows_the_job_then_offers_the_download(browsers, live_worker, status_path):
    page = browsers()
    page.goto(status_path)
    page.audit()
    assert "PDF en préparation — 0 / 9 sections" in page.get_by_role("status").inner_text()
    assert page.get_by_label("PDF en préparation — 0 / 9 sections").evaluate("bar => bar.tagName") == "PROGRESS"
    page.evaluate("window.stayedOnThePage = true")
    live_worker.drain()
    link = page.get_by_role("link", name=re.compile(r"Télécharger le PDF \(\d+ Ko\)"))
    link.wait_for()
    assert page.evaluate("window.stayedOnThePage") is True  # the script swapped the block in place
    page.audit()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "bilan-2021-appel-pdf-navigateur-v1.pdf"
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"
    page.audit.finish()


def test_without_a_script_the_page_refreshes_itself_until_the_pdf_is_ready(browser, live_app, live_worker,
                                                                           status_path):
    context = browser.new_context(base_url=live_app.base_url, locale="fr-FR", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(status_path)
        assert "PDF en préparation — 0 / 9 sections" in page.get_by_role("status").inner_text()
        live_worker.drain()
        page.get_by_role("link", name=re.compile(r"Télécharger le PDF")).wait_for(timeout=15_000)
    finally:
        context.close()
