"""Publishing freezes the figures as aap.bilan.figures computes them from the call's rows; later changes stay out."""
from decimal import Decimal

from aap.decisions.models import Decision
from aap.extensions import db
from aap.organisations.models import Organisation
from tests import factories
from tests.bilan import figures_world
from tests.bilan.publication_world import admin, words
from tests.bilan.test_publication import publish, save


def test_the_published_page_keeps_the_figures_of_its_publication(client, session):
    client.login(admin())
    _earlier, call = figures_world.two_editions()
    save(client, call, "L'édition 2021.")
    assert publish(client, call).status_code == 302
    client.get(f"/bilans/{call.id}/v1")  # the page that says it was published
    before = words(client.get(f"/bilans/{call.id}/v1"))
    assert "Atelier A" in before and "20\u202f000" in before
    atelier = db.session.execute(db.select(Organisation).where(Organisation.name == "Atelier A")).scalar_one()
    atelier.name = "Atelier renommé"
    granted = db.session.execute(db.select(Decision).where(Decision.amount == Decimal("8000"))).scalar_one()
    granted.amount = Decimal("9500")
    call.title = "Titre changé après la publication"
    db.session.commit()
    after = client.get(f"/bilans/{call.id}/v1")
    assert words(after) == before
    preview = words(client.get(f"/admin/appels/{call.id}/bilan/apercu"))
    assert "Atelier renommé" in preview and "21\u202f500" in preview  # the preview reads the rows as they are now


def test_only_the_holders_who_consented_are_named(client, session):
    client.login(admin())
    _earlier, call = figures_world.two_editions()
    publish(client, call)
    client.post("/deconnexion")
    page = words(client.get(f"/bilans/{call.id}/v1"))
    # A consented at submission; B, funded too, did not
    assert "Atelier A" in page and "Réparer et réemployer." in page
    assert "Brasserie B" not in page
    assert ("1 autre structure financée n'a pas souhaité être nommée : elle est comptée dans les chiffres, sans être "
            "citée.") in page


def test_the_preview_of_a_call_without_dossiers_says_there_is_nothing_yet(client, session):
    client.login(admin())
    call = factories.make_call(title="Appel ESS en préparation", state="draft")
    page = words(client.get(f"/admin/appels/{call.id}/bilan/apercu"))
    assert "Dossiers reçus0" in page and "Aucune structure n'a été financée." in page
