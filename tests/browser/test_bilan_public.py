"""An administrator writes the bilan's introduction, previews it and publishes it, then a correction; a visitor with
no account finds it from the menu, reads its charts beside their data tables, finds its PDF, and the first version's
notice. axe checks each page, with the site's CSP enforced."""
import re

import pytest
from playwright.sync_api import expect

from aap.extensions import db
from tests import factories
from tests.bilan import figures_world
from tests.browser.test_workflow import sign_in

pytestmark = pytest.mark.browser
TITLE = "Appel ESS — bilan public navigateur"
CHARTS = ["Des dossiers reçus aux dossiers financés", "Les montants face à l'enveloppe", "Par volet", "Par commune",
          "Par forme juridique", "Par instrument", "Par financeur",
          "La demande face à l'enveloppe, édition par édition", "Le montant accordé, édition par édition"]


@pytest.fixture
def bilan_world(live_app):
    with live_app.app_context():
        _earlier, call = figures_world.two_editions()
        call.title = TITLE
        person = factories.make_user(email="admin.bilan.public@example.org", roles=("admin",), totp=True)
        db.session.commit()
        return {"call": call.id, "admin": (person.email, person.totp_secret)}


def publish_with_texts(page, call_id):
    page.goto("/admin/bilans")
    page.audit()
    page.get_by_role("link", name=f"Écrire le bilan ({TITLE})").click()
    page.audit()
    page.get_by_label("Introduction").fill("L'édition 2021 a soutenu **deux** structures du territoire.")
    page.get_by_label("Commentaire").fill("La demande égale l'enveloppe.")
    page.get_by_role("button", name="Enregistrer et prévisualiser").click()
    page.audit()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Aperçu : le bilan tel que le public le lira")
    expect(main.locator("strong", has_text="deux")).to_be_visible()
    expect(main.get_by_role("img", name="Des dossiers reçus aux dossiers financés")).to_be_visible()
    page.get_by_label(re.compile("J'ai relu l'aperçu")).check()
    page.get_by_role("button", name="Publier la version 1 du bilan").click()
    page.audit()
    expect(page.get_by_role("main")).to_contain_text("La version 1 du bilan est publiée")
    assert page.url.endswith(f"/bilans/{call_id}/v1")


def correct(page):
    page.get_by_role("link", name="Corriger ce bilan : aperçu et publication d'une nouvelle version").click()
    page.audit()
    page.get_by_label("Ce que corrige cette version").fill("L'introduction précise le nombre de structures.")
    page.get_by_label(re.compile("J'ai relu l'aperçu")).check()
    page.get_by_role("button", name="Publier la version 2 du bilan").click()
    page.audit()
    expect(page.get_by_role("main")).to_contain_text("Cette version corrige la version 1")


def check_charts(page):
    main = page.get_by_role("main")
    expect(main.locator("figure.bilan-chart")).to_have_count(len(CHARTS))
    for title in CHARTS:
        figure = main.locator("figure.bilan-chart", has=page.locator("figcaption", has_text=title)).first
        expect(figure.get_by_role("img", name=title)).to_be_visible()
        expect(figure.get_by_role("table", name=f"Données : {title}")).to_be_visible()
    funnel = main.locator("figure.bilan-chart").first
    # each value is written at the end of its bar, not left to colour: eligible and reviewed are 3 of 4 here
    expect(funnel.locator("svg text", has_text="3 (75,0\u00a0%)")).to_have_count(2)
    row = funnel.get_by_role("table").get_by_role("row", name=re.compile("^Financés"))
    expect(row.get_by_role("cell")).to_have_text(["2", "50,0\u00a0%"])
    communes = main.get_by_role("table", name="Données : Par commune")
    expect(communes.get_by_role("rowheader", name="Pierrefitte-sur-Seine")).to_be_visible()


def test_a_published_bilan_is_read_by_anyone_with_its_charts_and_tables(browsers, bilan_world, live_worker):
    admin = browsers()
    sign_in(admin, *bilan_world["admin"])
    publish_with_texts(admin, bilan_world["call"])
    live_worker.drain()  # the version's PDF, queued by its publication
    visitor = browsers()
    visitor.goto("/")
    visitor.audit()
    visitor.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Bilans").click()
    visitor.audit()
    visitor.get_by_role("link", name=f"Bilan — {TITLE}").click()
    visitor.audit()
    check_charts(visitor)
    expect(visitor.get_by_role("link", name=re.compile(r"Télécharger le PDF \(\d+ Ko\)"))).to_be_visible()
    main = visitor.get_by_role("main")
    expect(main).to_contain_text("Atelier A")  # its holder consented to publication
    expect(main).not_to_contain_text("Brasserie B")
    expect(main).to_contain_text("1 autre structure financée n'a pas souhaité être nommée")
    correct(admin)
    visitor.reload()
    visitor.audit()
    notice = visitor.locator(".bilan-replaced")
    expect(notice).to_contain_text(re.compile(r"Version corrigée le \d\d/\d\d/\d{4} : voir la version 2"))
    expect(notice).to_contain_text("L'introduction précise le nombre de structures.")
    notice.get_by_role("link", name="voir la version 2").click()
    visitor.audit()
    expect(visitor.get_by_role("main")).to_contain_text("Version 2, publiée le")
