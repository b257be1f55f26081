"""Demo data for `make run`: personas with random passwords, organisations of the territory, a call."""
import json
import secrets
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import click
from flask import current_app
from markupsafe import escape

from aap.auth import operations as auth_operations
from aap.auth.models import User
from aap.auth.passwords import hash_password, password_problems
from aap.auth.totp import new_secret
from aap.bilan.models import Bilan
from aap.bilan.operations import publish, save_texts, texts_digest
from aap.bulk import operations as bulk
from aap.bulk.models import BulkMessage
from aap.calls.models import Call, Strand
from aap.calls.operations import DEFAULT_CHECKLIST, open_call, save_form
from aap.core.models import utcnow
from aap.core.storage import storage
from aap.demo_committee import load_committee_demo
from aap.demo_history import TITLE as EDITION_2021
from aap.demo_history import load_2021_edition, load_past_editions, luhn_siret
from aap.demo_review import load_review_demo
from aap.dossiers.attachments import attach
from aap.dossiers.models import Dossier
from aap.dossiers.operations import start_dossier
from aap.extensions import db
from aap.instruction import checklist
from aap.instruction.operations import save_ticks
from aap.organisations.communes import current_communes
from aap.organisations.models import Membership, Organisation
from aap.questionnaire.definition import default_source
from aap.workflow import engine

PERSONAS = {
    "holder": ("porteur@example.org", "Camille Porteur", "Porteur·se de projet", []),
    "instructor": ("instructeur@example.org", "Dominique Instructeur", "Instructeur·rice", [("instructor", None)]),
    "committee": ("comite@example.org", "Alex Comité", "Membre du comité",
                  [("committee", "call"), ("reviewer", "call")]),
    "admin": ("admin@example.org", "Dominique Admin", "Administrateur·rice", [("admin", None)]),
}

ORGANISATIONS = [
    ("Les Jardins partagés de la Plaine", "association", "93066", True, "W931000001", 1998),
    ("Coopérative Vélos Solidaires", "scic", "93001", True, None, 2015),
    ("Repair Café de Stains", "association", "93072", False, "W931000003", 2012),
    ("La Fabrique à Projets", "scop", "93070", False, None, 2009),
    ("Cuisine du Monde en Partage", "association", "93027", True, None, 2017),
    ("Réemploi 93", "esus", "93031", False, None, 2019),
]


def random_password(email: str) -> str:
    while True:
        candidate = secrets.token_urlsafe(15)
        if not password_problems(candidate, email):
            return candidate


def credentials_path() -> Path:
    return Path(current_app.instance_path) / "demo-credentials.json"


def load_demo() -> dict:
    """Idempotent: a second run changes nothing and returns the logins kept under instance/."""
    path = credentials_path()
    stored = json.loads(path.read_text()) if path.exists() else {}
    call = _demo_call()
    logins = {}
    for persona, (email, name, label, grants) in PERSONAS.items():
        user = auth_operations.find_user(email)
        password = stored.get(persona, {}).get("password")
        if user is None or password is None:
            password = random_password(email)
            user = user or User(email=email, full_name=name, email_verified_at=utcnow())
            user.password_hash = hash_password(password)
            db.session.add(user)
        for role, scope in grants:
            auth_operations.grant_role(user, role, call.id if scope == "call" else None)
        if user.requires_two_factor() and not user.totp_enabled:
            user.totp_secret, user.totp_enabled_at = new_secret(), utcnow()
        logins[persona] = {"label": label, "email": email, "password": password,
                           "totp": user.requires_two_factor()}
    db.session.flush()
    _demo_organisations(auth_operations.find_user(PERSONAS["holder"][0]))
    people = {persona: auth_operations.find_user(email) for persona, (email, *_) in PERSONAS.items()}
    _demo_dossiers(call, people)
    _demo_bulk_message(call, people["admin"])
    load_2021_edition(people)
    load_past_editions()
    edition = db.session.execute(db.select(Call).where(Call.title == EDITION_2021)).scalars().first()
    load_review_demo(call, edition, people["committee"])
    load_committee_demo(call, people["instructor"], people["committee"])
    _demo_bilan(edition, people["admin"])
    db.session.commit()
    path.write_text(json.dumps(logins, indent=2, ensure_ascii=False))
    path.chmod(0o600)
    return logins


def _demo_call() -> Call:
    call = db.session.execute(db.select(Call).where(Call.title == "Appel à projets ESS")).scalars().first()
    if call is None:
        now = utcnow()
        call = Call(title="Appel à projets ESS", year=date.today().year, edition=20, workflow_name="plaine-commune",
                    opens_at=now - timedelta(days=30), closes_at=now + timedelta(days=45),
                    funders=["Plaine Commune"], description=DEMO_DESCRIPTION, total_envelope=Decimal(120000),
                    min_amount=Decimal(3000), max_amount=Decimal(15000), max_share_percent=Decimal(70),
                    eligible_legal_forms=["association", "scic", "scop", "esus"],
                    eligible_communes=[c.insee_code for c in current_communes()],
                    required_attachments=[{"key": "statuts", "label": "Statuts signés"},
                                          {"key": "budget", "label": "Budget de la structure"}],
                    eligibility_checklist=list(DEFAULT_CHECKLIST))
        call.strands = [Strand(name=name, position=i, description=text) for i, (name, text) in enumerate(STRANDS)]
        db.session.add(call)
        open_call(call)
        db.session.flush()
        save_form(call, default_source())
    return call


DEMO_DESCRIPTION = """L'appel à projets soutient les structures de l'économie sociale et solidaire du territoire
qui créent des emplois, développent leurs activités ou coopèrent entre elles.

## Qui peut répondre ?

- les associations, SCIC, SCOP et entreprises agréées ESUS ;
- dont le siège est situé sur le territoire.
"""
STRANDS = [("Création", "Démarrage d'une activité, création d'emplois attendue."),
           ("Développement", "Nouvelle activité ou changement d'échelle."),
           ("Coopération", "Projet porté par au moins deux structures de l'ESS du territoire.")]

#: a demo step that is no transition: the instructor ticks the first points of the checklist (all by default)
TICK = "tick_checklist"
#: (organisation index, title, amount, steps taken by persona)
DEMO_DOSSIERS = [
    (1, "Jardin partagé des Francs-Moisins", 8000, []),
    (1, "Atelier vélo solidaire", 12000, [("submit", "holder", {}),
                                          ("request_info", "instructor", {"comment": "Merci de joindre le budget "
                                                                                     "prévisionnel détaillé."})]),
    (2, "Réparer plutôt que jeter", 15000, [("submit", "holder", {}), (TICK, "instructor", {"points": 3})]),
    (3, "Cantine du monde", 14000, [("submit", "holder", {}), (TICK, "instructor", {}),
                                    ("declare_eligible", "instructor", {})]),
    (4, "Fabrique de meubles en réemploi", 15000, [("submit", "holder", {}), (TICK, "instructor", {}),
                                                    ("declare_eligible", "instructor", {}),
                                                    ("schedule_committee", "instructor", {})]),
    (6, "Ressourcerie du Landy", 11000, [("submit", "holder", {}), (TICK, "instructor", {}),
                                         ("declare_eligible", "instructor", {}),
                                         ("schedule_committee", "instructor", {}),
                                         ("record_opinion", "admin", {"comment": "Avis favorable du comité de projets "
                                                                                 "de l'hiver : 9 000 €."})]),
]


def _demo_dossiers(call: Call, people: dict) -> None:
    if db.session.execute(db.select(Dossier.id).where(Dossier.call_id == call.id).limit(1)).first():
        return
    organisations = db.session.execute(db.select(Organisation).order_by(Organisation.id)).scalars().all()
    for index, title, amount, steps in DEMO_DOSSIERS:
        organisation = organisations[index - 1]
        holder = organisation.memberships[0].user
        dossier = start_dossier(call, organisation, holder, title=title, requested_amount=Decimal(amount),
                                summary=f"{title} : un projet de {organisation.name}.")
        if steps:  # what is submitted carries its answers and its required pieces
            dossier.answers = demo_answers(organisation, Decimal(amount))
            for piece in call.required_attachments:
                stored = storage().save(BytesIO(_demo_pdf(piece["label"])), f"{piece['key']}.pdf")
                attach(dossier, piece["key"], stored, holder)
        for name, persona, data in steps:
            actor = holder if persona == "holder" else people[persona]
            if name == TICK:
                points = checklist.items_of(dossier)[:data.get("points")]
                save_ticks(dossier.id, actor, points, checklist.fingerprint(checklist.ticks_of(dossier)))
            else:
                engine.apply_transition(dossier.id, name, actor, data)


BILAN_INTRODUCTION = (
    "Depuis 2007, l'appel à projets de l'économie sociale et solidaire accompagne les structures du territoire, "
    "de leur création à leurs coopérations. Ce bilan présente la quinzième édition et le chemin parcouru.")
BILAN_COMMENTARY = (
    "La demande a dépassé l'enveloppe de l'édition : le comité de projets a retenu les projets les plus "
    "avancés, en veillant à l'équilibre entre les trois volets et les communes.")


def _demo_bilan(edition: Call, admin: User) -> None:
    """The 2021 edition's bilan, published once: the public pages and the open data have something to show."""
    bilan = db.session.execute(db.select(Bilan).where(Bilan.call_id == edition.id)).scalar()
    if bilan is not None and bilan.versions:
        return
    save_texts(edition, BILAN_INTRODUCTION, BILAN_COMMENTARY, texts_digest(*(
        (bilan.introduction, bilan.commentary) if bilan else ("", ""))), admin)
    publish(edition, admin, utcnow(), 1, texts_digest(BILAN_INTRODUCTION, BILAN_COMMENTARY))


def _demo_bulk_message(call: Call, admin: User) -> None:
    """A message held for review, so that the administrator can try sending one."""
    if db.session.execute(db.select(BulkMessage.id).limit(1)).first():
        return
    bulk.hold(admin, "Réunion d'information sur l'appel à projets",
              "Bonjour,\n\nUne réunion d'information sur l'appel à projets a lieu jeudi à 18 h à la Maison de "
              "l'économie sociale et solidaire. Nous y répondrons à vos questions sur le budget et les pièces "
              "à joindre.\n\nÀ bientôt,\nle service ESS", bulk.Audience("holders", call.id))


def _demo_organisations(holder: User) -> None:
    for index, (name, form, commune, qpv, rna, year) in enumerate(ORGANISATIONS, start=1):
        exists = db.session.execute(db.select(Organisation.id).where(Organisation.name == name)).first()
        if exists:
            continue
        organisation = Organisation(
            name=name, legal_form=form, siret=luhn_siret(index * 7919), rna=rna,
            address=f"{index * 3} rue de la République", commune_insee=commune, in_qpv=qpv,
            creation_date=date(year, 3, 1), paid_staff_fte=Decimal(index) / 2, volunteers=index * 6)
        if index == 1:
            organisation.memberships.append(Membership(user_id=holder.id))
        else:  # a member without a password: no demo login, but the organisation can apply
            contact = User(email=f"contact{index}@example.org", full_name=f"Contact de {name}",
                           email_verified_at=utcnow())
            db.session.add(contact)
            db.session.flush()
            organisation.memberships.append(Membership(user_id=contact.id))
        db.session.add(organisation)
    db.session.flush()


def _demo_pdf(title: str) -> bytes:
    from weasyprint import HTML  # imported when a PDF is asked for: loading it costs half a second

    return HTML(string=f"<h1>{escape(title)}</h1><p>Pièce de démonstration.</p>").write_pdf()


def demo_answers(organisation: Organisation, requested: Decimal) -> dict:
    """A complete Cerfa form whose budget balances, with this call's subsidy at 50 % of the project."""
    return {
        "representative_name": "Dominique Martin", "representative_role": "Président·e", "volunteers": "12",
        "employees": "2", "fte": str(organisation.paid_staff_fte), "objectives": "Créer du lien et des emplois.",
        "beneficiaries": ["Familles", "Tout public"], "communes": ["Saint-Denis"], "in_qpv": "oui",
        "qpv_names": "Francs-Moisins", "start_date": f"{date.today().year}-01-01",
        "end_date": f"{date.today().year}-12-31", "indicators": "Personnes accueillies, emplois créés.",
        "jobs_created": "1", "republican_commitment": "oui", "accuracy": "oui",
        "budget": {"60": str(requested // 2), "64": str(requested * 3 // 2), "74-call": str(requested),
                   "70": str(requested)},
    }


def print_logins(logins: dict) -> None:
    click.echo("Comptes de démonstration (mots de passe aléatoires, conservés dans instance/) :")
    for login in logins.values():
        extra = "  + code : flask --app wsgi aap totp-code --email " + login["email"] if login["totp"] else ""
        click.echo(f"  {login['label']:<22} {login['email']:<26} {login['password']}{extra}")
