"""The reading view of a dossier: every answer in the form's order, formatted, on screen and in the PDFs."""
import html
import io
import re
from datetime import datetime, timezone
from io import BytesIO

import pytest
from pypdf import PdfReader

from aap.core.storage import storage
from aap.dossiers.attachments import attach
from aap.dossiers.queries import receipts_of
from aap.dossiers.reviewers import Assignment, Conflict
from aap.extensions import db
from aap.workflow import engine
from tests import factories

ORGANISATION = "Ressourcerie Lumière du Canal"
ANSWERS = {
    "representative_name": "Awa Diallo", "representative_role": "Présidente",
    "contact_email": "awa.diallo@ressourcerie.example", "contact_phone": "01 48 13 13 13",
    "volunteers": "15", "employees": "2", "fte": "1.5",
    "objectives": "Réduire les déchets.\nCréer du lien <script>alert('x')</script>",
    "beneficiaries": ["Familles", "Jeunes"], "communes": ["Stains", "Saint-Denis"], "in_qpv": "non",
    "qpv_names": "Clos Saint-Lazare", "start_date": "2027-01-01", "end_date": "2027-12-31",
    "indicators": "Tonnes collectées.", "jobs_created": "1",
    "budget": {"60": "8000", "64": "16000.50", "70": "12000.50", "74-call": "12000"},
    "republican_commitment": "oui", "accuracy": "oui",
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_text(response) -> str:
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    return spaced("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages))


def spaced(text: str) -> str:
    """Text compared without its line breaks and its kinds of spaces."""
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))


def flat(page: str) -> str:
    """The words a page shows, without its markup."""
    return spaced(html.unescape(re.sub(r"<[^>]*>", " ", page)))


def make_world(hidden=False, pieces=1):
    call = factories.with_cerfa_form(factories.make_open_call(hide_holder_identity=hidden))
    holder = factories.make_user()
    organisation = factories.make_organisation(members=[holder], name=ORGANISATION, siret="73282932000074",
                                               rna="W931234567", address="12 quai de la Gare")
    dossier = factories.make_dossier(call, organisation, holder)
    dossier.answers = dict(ANSWERS)
    for number in range(pieces):
        attach(dossier, "autre", storage().save(BytesIO(PDF), f"statuts-{number}.pdf"), holder)
    db.session.commit()
    return call, holder, dossier


def submit(dossier, holder):
    engine.apply_transition(dossier.id, "submit", holder)
    db.session.commit()


@pytest.fixture
def world(session):
    return make_world()


def test_staff_read_every_answer_in_the_form_order_each_formatted_for_its_type(client, world):
    _call, holder, dossier = world
    submit(dossier, holder)
    client.login(factories.make_user(roles=("instructor",), totp=True))
    response = client.get(f"/dossiers/{dossier.id}/lecture")
    assert response.status_code == 200
    page = flat(response.text)
    order = ["Identification de la structure", "Nom et prénom du représentant légal", "Awa Diallo",
             "Moyens humains", "Salarié·es en équivalent temps plein (ETP)", "1,5", "Le projet", "Publics bénéficiaires",
             "Familles", "Jeunes", "Communes concernées", "Stains", "Saint-Denis",
             "Le projet se déroule-t-il en quartier prioritaire (QPV) ?", "Non", "Date de début du projet",
             "01/01/2027", "31/12/2027", "Budget prévisionnel du projet", "Charges", "60 – Achats", "8 000 €",
             "64 – Charges de personnel", "16 000,50 €", "Total des charges", "24 000,50 €", "Produits",
             "Total des produits", "24 000,50 €", "Budget équilibré.", "Déclarations", "Oui"]
    positions = [page.find(text, page.find(order[index - 1]) if index else 0) for index, text in enumerate(order)]
    assert -1 not in positions and positions == sorted(positions), list(zip(order, positions))
    assert "Nombre de bénéficiaires attendus Non renseigné" in page  # unanswered
    assert "Quartiers concernés" not in page and "Clos Saint-Lazare" not in page  # a condition that does not apply
    for identity in (ORGANISATION, "73282932000074", "W931234567", "12 quai de la Gare", "Association loi 1901",
                     "Saint-Denis", "12 000 €", "Épicerie solidaire"):
        assert identity in page
    [piece] = dossier.attachments
    assert f'href="/dossiers/{dossier.id}/pieces/{piece.id}"' in response.text and "statuts-0.pdf" in page
    show = client.get(f"/dossiers/{dossier.id}").text
    assert f'href="/dossiers/{dossier.id}/lecture"' in show and f'href="/dossiers/{dossier.id}/dossier-complet.pdf"' in show


def test_the_complete_pdf_holds_the_same_content(client, world):
    _call, holder, dossier = world
    submit(dossier, holder)
    client.login(factories.make_user(roles=("instructor",), totp=True))
    response = client.get(f"/dossiers/{dossier.id}/dossier-complet.pdf")
    assert response.headers["Content-Disposition"] == f'attachment; filename="dossier-complet-{dossier.reference}.pdf"'
    text = (pdf_text(response))
    for shown in (ORGANISATION, "Awa Diallo", "01/01/2027", "Total des charges", "24 000,50 €", "Familles",
                  "Non renseigné", "statuts-0.pdf"):
        assert shown in text
    assert "Clos Saint-Lazare" not in text


def test_html_typed_in_an_answer_is_escaped_on_the_page_and_in_the_pdfs(client, world, app):
    _call, holder, dossier = world
    submit(dossier, holder)
    client.login(holder)
    page = client.get(f"/dossiers/{dossier.id}/lecture").text
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "Créer du lien <script>alert('x')</script>" in (pdf_text(client.get(
        f"/dossiers/{dossier.id}/dossier-complet.pdf")))  # shown as text, never run
    [receipt] = receipts_of(dossier)
    assert "<script>alert('x')</script>" in (pdf_text(client.get(f"/dossiers/{dossier.id}/accuses/{receipt.id}.pdf")))
    from flask import render_template

    from aap.dossiers.reading import build, current_source
    with app.test_request_context():
        source = render_template("dossiers/complete_pdf.html", dossier=dossier, now=datetime.now(timezone.utc),
                                 reading=build(current_source(dossier), False))
    assert "<script>" not in source and "&lt;script&gt;" in source


def test_a_holder_reads_their_answers_once_submitted_and_edits_a_draft(client, world):
    _call, holder, dossier = world
    client.login(holder)
    draft = client.get(f"/dossiers/{dossier.id}/lecture")
    assert draft.status_code == 302 and draft.location.endswith(f"/dossiers/{dossier.id}/modifier")
    assert client.get(f"/dossiers/{dossier.id}").text.count("/lecture") == 0
    submit(dossier, holder)
    assert client.get(f"/dossiers/{dossier.id}/lecture").status_code == 200
    assert "Awa Diallo" in (pdf_text(client.get(f"/dossiers/{dossier.id}/dossier-complet.pdf")))


def test_the_receipt_pdf_holds_the_content_as_submitted_not_as_it_is_now(client, world):
    _call, holder, dossier = world
    submit(dossier, holder)
    dossier.answers = {**dossier.answers, "objectives": "Des objectifs réécrits après le dépôt."}
    dossier.organisation.name = "Nouveau nom de la structure"
    db.session.commit()
    [receipt] = receipts_of(dossier)
    client.login(holder)
    text = (pdf_text(client.get(f"/dossiers/{dossier.id}/accuses/{receipt.id}.pdf")))
    assert "Réduire les déchets." in text and ORGANISATION in text and "Total des charges" in text
    assert "réécrits" not in text and "Nouveau nom" not in text and "Association loi 1901" in text
    assert "réécrits" in (pdf_text(client.get(f"/dossiers/{dossier.id}/dossier-complet.pdf")))


@pytest.mark.parametrize("reader", ["other_holder", "instructor_on_draft", "unassigned_reviewer",
                                    "declined_reviewer", "admin_on_draft"])
def test_who_may_not_read_the_answers_gets_a_404(client, world, reader):
    call, holder, dossier = world
    if not reader.endswith("_on_draft"):
        submit(dossier, holder)
    person = {
        "other_holder": lambda: factories.make_user(),
        "instructor_on_draft": lambda: factories.make_user(roles=("instructor",), totp=True),
        "unassigned_reviewer": lambda: factories.make_user(roles=("reviewer",), call=call, totp=True),
        "declined_reviewer": lambda: factories.make_user(roles=("reviewer",), call=call, totp=True),
        "admin_on_draft": lambda: factories.make_user(roles=("admin",), totp=True),
    }[reader]()
    if reader == "other_holder":
        factories.make_organisation(members=[person])
    if reader == "declined_reviewer":
        db.session.add(Assignment(dossier_id=dossier.id, user_id=person.id, state="declined"))
        db.session.commit()
    client.login(person)
    for path in ("lecture", "dossier-complet.pdf"):
        response = client.get(f"/dossiers/{dossier.id}/{path}")
        assert response.status_code == 404 and ORGANISATION not in response.get_data(as_text=True)


def test_a_reviewer_in_conflict_is_told_they_are_recused(client, world):
    call, holder, dossier = world
    submit(dossier, holder)
    reviewer = factories.make_user(roles=("reviewer",), call=call, totp=True)
    db.session.add_all([Assignment(dossier_id=dossier.id, user_id=reviewer.id),
                        Conflict(dossier_id=dossier.id, user_id=reviewer.id, kind="other", details="Ancien salarié",
                                 declared_at=datetime.now(timezone.utc))])
    db.session.commit()
    client.login(reviewer)
    response = client.get(f"/dossiers/{dossier.id}/lecture")
    assert response.status_code == 404 and "Vous êtes déporté·e pour ce dossier." in response.text
    assert "Awa Diallo" not in response.text


def assigned_reviewer(call, dossier):
    reviewer = factories.make_user(roles=("reviewer",), call=call, totp=True)
    db.session.add(Assignment(dossier_id=dossier.id, user_id=reviewer.id))
    db.session.commit()
    return reviewer


IDENTIFYING = (ORGANISATION, "73282932000074", "W931234567", "12 quai de la Gare", "Awa Diallo",
               "awa.diallo@ressourcerie.example", "01 48 13 13 13")


def test_a_blind_reviewer_reads_the_answers_without_the_holders_identity(client, session):
    call, holder, dossier = make_world(hidden=True)
    submit(dossier, holder)
    client.login(assigned_reviewer(call, dossier))
    [receipt] = receipts_of(dossier)
    shown = {"page": flat(client.get(f"/dossiers/{dossier.id}/lecture").text),
             "complete pdf": (pdf_text(client.get(f"/dossiers/{dossier.id}/dossier-complet.pdf"))),
             "receipt pdf": (pdf_text(client.get(f"/dossiers/{dossier.id}/accuses/{receipt.id}.pdf"))),
             "dossier page": flat(client.get(f"/dossiers/{dossier.id}").text)}
    secrets = (*IDENTIFYING, holder.email, "statuts-0.pdf")  # a file's name may name the holder too
    for where, text in shown.items():
        assert not [secret for secret in secrets if secret in text], where
        assert "Masqué pour la relecture" in text and "fichier non communiqué pour la relecture" in text, where
    assert "La structure porteuse" in shown["dossier page"]  # who submitted, in the history
    for where in ("page", "complete pdf", "receipt pdf"):
        text = re.sub(r" AAP-\d{4}-\d{4} — \d+/\d+", "", shown[where])  # a page's footer may fall anywhere
        assert "Nom et prénom du représentant légal Masqué pour la relecture" in text, where
        assert "Présidente" in text and "Réduire les déchets." in text and "24 000,50 €" in text, where
        assert "Autres pièces fichier non communiqué pour la relecture (1 Ko)" in text, where
    [piece] = dossier.attachments
    assert f"/pieces/{piece.id}" not in client.get(f"/dossiers/{dossier.id}/lecture").text
    assert client.get(f"/dossiers/{dossier.id}/pieces/{piece.id}").status_code == 404


def test_identity_stays_for_staff_and_for_reviewers_of_an_open_call(client, session):
    call, holder, dossier = make_world(hidden=True)
    submit(dossier, holder)
    client.login(factories.make_user(roles=("instructor",), totp=True))
    assert all(secret in flat(client.get(f"/dossiers/{dossier.id}/lecture").text) for secret in IDENTIFYING)
    [piece] = dossier.attachments
    assert client.get(f"/dossiers/{dossier.id}/pieces/{piece.id}").status_code == 200
    open_call, other_holder, other = make_world(hidden=False)
    submit(other, other_holder)
    client.login(assigned_reviewer(open_call, other))
    assert all(secret in flat(client.get(f"/dossiers/{other.id}/lecture").text) for secret in IDENTIFYING)
    assert client.get(f"/dossiers/{other.id}/pieces/{other.attachments[0].id}").status_code == 200


def test_the_reading_page_costs_the_same_queries_whatever_its_answers_and_pieces(client, session, count_queries):
    instructor = factories.make_user(roles=("instructor",), totp=True)
    small_call, small_holder, small = make_world(pieces=1)
    small.answers = {"objectives": "Peu de réponses."}
    db.session.commit()
    _call, big_holder, big = make_world(pieces=8)
    for dossier, holder in ((small, small_holder), (big, big_holder)):
        dossier.reference = f"AAP-2026-{dossier.id:04d}"  # read as submitted, whatever it lacks
    db.session.commit()
    client.login(instructor)
    counts = []
    for dossier in (small, big):
        client.get(f"/dossiers/{dossier.id}/lecture")  # warm the per-process caches
        with count_queries() as counted:
            response = client.get(f"/dossiers/{dossier.id}/lecture")
        assert response.status_code == 200
        counts.append(counted.n)
    assert counts[0] == counts[1], counts
    assert "statuts-7.pdf" in client.get(f"/dossiers/{big.id}/lecture").text


def test_a_blind_reviewer_downloads_only_the_pieces_the_form_says_cannot_identify(client, session):
    from aap.calls.operations import save_form
    from aap.questionnaire.definition import default_source

    call = factories.make_open_call(hide_holder_identity=True)
    save_form(call, default_source().replace("  - key: budget\n", (
        "      - {key: workplan, type: file, label: Calendrier de réalisation}\n"
        "      - {key: rib, type: file, label: Relevé d'identité bancaire, identifying: true}\n"
        "  - key: budget\n")))
    db.session.commit()
    holder = factories.make_user()
    dossier = factories.make_dossier(call, factories.make_organisation(members=[holder]), holder)
    dossier.answers = dict(ANSWERS)
    pieces = {kind: attach(dossier, kind, storage().save(BytesIO(PDF), f"{kind}.pdf"), holder)
              for kind in ("workplan", "rib", "autre")}
    db.session.commit()
    submit(dossier, holder)
    client.login(assigned_reviewer(call, dossier))
    answers = {kind: client.get(f"/dossiers/{dossier.id}/pieces/{piece.id}").status_code for kind, piece in pieces.items()}
    assert answers == {"workplan": 200, "rib": 404, "autre": 404}
    page = client.get(f"/dossiers/{dossier.id}/lecture").text
    assert f"/pieces/{pieces['workplan'].id}" in page and f"/pieces/{pieces['rib'].id}" not in page
    assert "Calendrier de réalisation" in flat(page) and "Relevé d'identité bancaire" in flat(page)
    assert "workplan.pdf" in flat(page) and "rib.pdf" not in flat(page)
    shown = client.get(f"/dossiers/{dossier.id}").text
    assert f"/pieces/{pieces['workplan'].id}" in shown and f"/pieces/{pieces['rib'].id}" not in shown
    assert "rib.pdf" not in shown and "autre.pdf" not in shown


def test_the_reading_view_speaks_english_when_asked(client, world):
    _call, holder, dossier = world
    submit(dossier, holder)
    client.login(holder)
    client.post("/langue", data={"locale": "en", "next": "/"})
    page = flat(client.get(f"/dossiers/{dossier.id}/lecture").text)
    for english in ("Reading the application", "The organisation", "Not answered", "Total expenses", "Balanced budget.",
                    "Download the full application (PDF)"):
        assert english in page
    assert "Non renseigné" not in page and "Total des charges" not in page
