"""Generating a grant's agreement: by those who follow the grant, from the call's template version of the day, kept as
generated, regenerated before signature only, read by its holder and as a PDF."""
import hashlib
from datetime import date

from sqlalchemy import select

from aap.core.models import utcnow
from aap.decisions.agreement_operations import AGREEMENT_GENERATED, agreement_of
from aap.decisions.agreement_templates import default_source, save_template
from aap.decisions.models import POSTPONED, REFUSED
from aap.extensions import db
from aap.workflow.models import AuditRecord
from tests import factories
from tests.decisions.documents_world import co_funder, granted, make_decision, plain
from tests.decisions.test_letters import text_of


def generate(client, decision):
    return client.post(f"/decisions/{decision.id}/convention/generer")


def test_staff_generate_the_agreement_from_the_default_template(client, session):
    world = granted("30000", organisation="Les Jardins du Canal", title="Jardin partagé")
    client.login(world.admin)
    page = client.get(f"/decisions/{world.decision.id}/convention").page
    assert "La convention n'est pas encore générée." in page and "Générer la convention" in page
    assert "Au-delà de 23 000 €, la convention est obligatoire" in plain(page)
    response = generate(client, world.decision)
    assert response.status_code == 302
    page = client.get(response.location).page
    assert "La convention est générée : relisez-la" in page
    assert "modèle par défaut" in page and "En attente de signature." in page
    agreement = agreement_of(world.decision)
    assert agreement.generated_by_id == world.admin.id and agreement.template_id is None
    assert agreement.template_sha256 == hashlib.sha256(default_source().encode()).hexdigest()
    text = plain(agreement.text)
    assert "**Les Jardins du Canal**" in text and "« Jardin partagé »" in text and world.dossier.reference in text
    assert "**30 000 €** (trente mille euros)" in text and "- Acompte : 21 000 € (70 %), à la signature" in text
    assert "Saint-Denis" in text and "au plus tard le 30 juin 2027" in text
    record = db.session.execute(select(AuditRecord).where(AuditRecord.dossier_id == world.dossier.id)).scalar_one()
    assert record.transition == AGREEMENT_GENERATED and not record.holder_visible
    assert record.payload["agreement"]["text_sha256"] == hashlib.sha256(agreement.text.encode()).hexdigest()


def test_the_agreement_pdf_holds_its_text(client, session):
    world = granted("30000", organisation="<b>Les Amis</b> & **Cie**")
    client.login(world.admin)
    generate(client, world.decision)
    client.login(world.holder)
    response = client.get(f"/decisions/{world.decision.id}/convention.pdf")
    assert response.status_code == 200
    assert f"convention-{world.dossier.reference}-{world.decision.id}.pdf" in response.headers["Content-Disposition"]
    text = text_of(response.data)
    assert "Convention d'attribution — Subvention (aide en numéraire)" in text
    assert "<b>Les Amis</b> & **Cie**, Association loi 1901" in text
    assert "Article 6 — Sommes non utilisées et reversement" in text and "Cerfa n° 15059" in text
    assert "30 000 € (trente mille euros)" in text


def test_the_agreement_keeps_the_template_version_it_was_generated_from(client, session):
    world = granted("30000")
    version_1 = save_template(world.call, "Convention v1 pour {{ structure }}.", world.admin, utcnow())
    db.session.commit()
    client.login(world.admin)
    generate(client, world.decision)
    assert agreement_of(world.decision).template_id == version_1.id
    save_template(world.call, "Convention v2 pour {{ structure }} : {{ montant|money }}.", world.admin, utcnow())
    db.session.commit()
    agreement = agreement_of(world.decision)
    assert agreement.text.startswith("Convention v1 pour")  # kept as generated
    page = client.get(f"/decisions/{world.decision.id}/convention").page
    assert "modèle de l'appel, version 1" in page and "Générer de nouveau la convention" in page
    response = generate(client, world.decision)
    assert "Un nouveau texte de la convention est généré : il remplace celui du" in client.get(response.location).page
    agreement = agreement_of(world.decision)
    assert agreement.text.startswith("Convention v2 pour") and agreement.template.version == 2


def test_a_grant_up_to_the_threshold_may_have_one_too(client, session):
    world = granted("15000")
    client.login(world.admin)
    assert "la convention n'est pas obligatoire" in client.get(f"/decisions/{world.decision.id}/convention").page
    generate(client, world.decision)
    assert "**15 000 €**" in plain(agreement_of(world.decision).text)


def test_a_signed_agreement_is_not_regenerated(client, session):
    world = granted("30000")
    client.login(world.admin)
    generate(client, world.decision)
    agreement = agreement_of(world.decision)
    agreement.signed_on, text = date.today(), agreement.text
    db.session.commit()
    response = generate(client, world.decision)
    assert "son texte ne peut plus être régénéré" in client.get(response.location).page
    assert agreement_of(world.decision).text == text
    assert "Générer" not in client.get(f"/decisions/{world.decision.id}/convention").page


def test_holders_read_it_but_only_those_who_follow_the_grant_generate_it(client, session):
    world = granted("30000")
    client.login(world.holder)
    assert "Générer" not in client.get(f"/decisions/{world.decision.id}/convention").page
    assert generate(client, world.decision).status_code == 403
    assert client.get(f"/decisions/{world.decision.id}/convention.pdf").status_code == 404  # not generated yet
    assert agreement_of(world.decision) is None
    client.login(factories.make_user(roles=("instructor",), totp=True))
    assert client.get(f"/decisions/{world.decision.id}/convention").status_code == 200
    assert generate(client, world.decision).status_code == 403
    client.login(granted("1000").holder)
    assert client.get(f"/decisions/{world.decision.id}/convention").status_code == 404
    assert generate(client, world.decision).status_code == 404


def test_no_agreement_for_a_refusal_an_adjournment_or_a_staged_grant(client, session):
    world = granted("30000", released=False)
    refused = make_decision(world.dossier, outcome=REFUSED, motivation="Hors critères.")
    postponed = make_decision(world.dossier, outcome=POSTPONED, motivation="À revoir.")
    client.login(world.admin)
    for decision in (world.decision, refused, postponed):
        assert client.get(f"/decisions/{decision.id}/convention").status_code == 404
        assert generate(client, decision).status_code == 404
    assert agreement_of(world.decision) is None


def test_a_co_funders_decider_generates_its_own_agreement_only(client, session):
    world = granted("30000")
    decider = factories.make_user(roles=("funder",), call=world.call, totp=True)
    funder = co_funder(world.call, decider=decider)
    own = make_decision(world.dossier, "25000", funder=funder, tranches=())
    client.login(decider)
    assert generate(client, own).status_code == 302
    assert "**Département de la Seine-Saint-Denis**" in agreement_of(own).text
    assert "L'aide est versée en une seule fois" in agreement_of(own).text
    assert generate(client, world.decision).status_code == 404
