"""The printed bilan: its text, extracted from the PDF, gives the figures in French, names only the consenting
structures, says which version it is, and keeps whatever was typed as text."""
import io
import re

from pypdf import PdfReader

from aap.bilan.pdf import bilan_pdf_bytes, file_name, section_count
from tests import factories
from tests.bilan.pdf_world import HOSTILE_NAME, published_version, snapshot


def text_of(document: bytes) -> str:
    assert document.startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(document)).pages)
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))


def printed(app, frozen=None, introduction="", commentary="", version=None, progress=None) -> str:
    with app.test_request_context():
        return text_of(bilan_pdf_bytes(frozen or snapshot(), introduction, commentary, version, progress))


def test_the_figures_are_written_in_french(app, session):
    text = printed(app)
    assert "Plaine Commune" in text and "Bilan 2021" in text and "15e édition, 2021" in text
    assert "43 dossiers reçus" in text and "15 dossiers soutenus" in text
    assert "34,9 % taux de succès" in text and "2,58 sursouscription" in text and "4,12 effet de levier" in text
    assert "310 000 € demandés" in text and "90 000 € accordés" in text and "63 000 € versés" in text
    assert "66,7 % des structures soutenues en QPV 10 structures sur 15" in text
    assert "23,5 emplois prévus (ETP) emplois créés : 18 ETP" in text
    assert "Du dépôt à la décision 15 42 jours 60 jours" in text
    assert "Pierrefitte-sur-Seine 3 1 21 000 € 6 000 €" in text
    assert "Région Île-de-France 2 12 500,50 €" in text
    assert "2007 1re 15 000 € 27 000 € 15 000 € 15 000 € 12 5 1,80" in text
    assert "Création → Développement 4" in text and "12 structures ont été soutenues lors de plusieurs éditions" in text


def test_only_the_structures_that_consented_are_named_and_the_others_are_counted(app, session):
    text = printed(app)
    assert "Ressourcerie du Landy Atelier de réemploi Collecter et réparer les objets du quartier." in text
    assert "Pierrefitte-sur-Seine · SCIC — Avance remboursable : 12 500,50 €" in text
    assert "13 autres dossiers soutenus ne sont pas nommés" in text
    alone = printed(app, snapshot(supported=[], supported_unlisted=1))
    assert "Ressourcerie du Landy" not in alone and "1 autre dossier soutenu n'est pas nommé" in alone


def test_a_published_version_says_its_number_and_date_and_a_preview_says_it_is_not_published(app, session):
    call = factories.make_call(title="Appel à projets ESS — 15e édition", year=2021)
    version = published_version(call, number=2, correction_note="Montant versé corrigé.")
    text = printed(app, version=version)
    assert "Version 2, publiée le 20/01/2022" in text and "Montant versé corrigé." in text
    assert "Version 2 publiée le 20/01/2022 Page 2" in text  # the running footer and the page number
    assert "Aperçu" not in text
    assert "Aperçu, non publié" in printed(app)


def test_typed_text_stays_text_and_nothing_is_fetched(app, session, monkeypatch):
    frozen = snapshot()
    frozen["supported"][0]["organisation"] = HOSTILE_NAME
    frozen["splits"]["commune"][0]["label"] = "<b>Bobigny</b>"
    fetched = []
    monkeypatch.setattr("aap.core.pdf._RefusingFetcher.__call__",
                        lambda self, url, *args, **kwargs: fetched.append(url) or (_ for _ in ()).throw(ValueError()))
    text = printed(app, frozen, introduction="Intro <em>brute</em> ![logo](https://evil.example/logo.png) **fin**",
                   commentary="<script>alert(2)</script> Bon *travail*")
    assert HOSTILE_NAME in text and "<b>Bobigny</b>" in text
    assert "Introduction Intro <em>brute</em> fin" in text and "<script>alert(2)</script> Bon travail" in text
    assert fetched == ["https://evil.example/logo.png"]  # asked for, refused: the page prints without it


def test_each_section_is_reported_as_it_is_laid_out(app, session):
    heard = []
    printed(app, introduction="Intro", commentary="", progress=lambda done, total: heard.append((done, total)))
    assert heard == [(0, 8)] + [(done, 8) for done in range(1, 9)]
    assert section_count(snapshot(), "Intro", "") == 8 and section_count(snapshot(), "Intro", "Fin") == 9


def test_an_edition_without_figures_prints_dashes_and_leaves_out_the_history(app, session):
    empty = snapshot(
        funnel={"received": 0, "eligible": 0, "reviewed": 0, "funded": 0},
        amounts={"requested": "0.00", "proposed": None, "granted": "0.00", "paid": "0.00", "envelope": None},
        rates={"success": None, "oversubscription": None, "qpv_share": None, "leverage": None},
        structures={"supported": 0, "in_qpv": 0, "first_time": 0, "returning": 0},
        jobs={"planned": "0.00", "created": None},
        delays={key: {"count": 0, "median_days": None, "p90_days": None} for key in ("decision", "first_payment")},
        splits={key: [] for key in ("strand", "commune", "legal_form", "instrument", "funder")},
        supported=[], supported_unlisted=0, trends=[], paths={"several_times": 0, "patterns": []})
    empty["call"]["in_progress"] = True
    text = printed(app, empty)
    assert "— taux de succès" in text and "— enveloppe de l'appel" in text and "emplois créés : pas encore connus" in text
    assert "Du dépôt à la décision 0 — —" in text and "Aucune aide accordée." in text
    assert "Édition en cours" in text and "Évolution sur plusieurs éditions" not in text


def test_the_file_name_is_plain_ascii():
    frozen = snapshot()
    frozen["call"]["title"] = 'Appel « ESS » : l\'été/2021 <x>'

    class Version:
        number = 3

    assert file_name(frozen, Version()) == "bilan-2021-appel-ess-l-ete-2021-x-v3.pdf"
    assert file_name(frozen) == "bilan-2021-appel-ess-l-ete-2021-x-apercu.pdf"
