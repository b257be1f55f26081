"""The Plaine Commune 2021 edition for the demo: 3 strands, a 120 000 € envelope, 45 dossiers, 15 funded."""
import random
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from aap.auth.models import User
from aap.calls.models import Call, Strand
from aap.calls.operations import open_call
from aap.core.formatting import PARIS
from aap.decisions.models import GRANTED, POSTPONED, REFUSED
from aap.decisions.release import decide_at_once
from aap.dossiers.notifications import MUTED
from aap.dossiers.operations import start_dossier
from aap.extensions import db
from aap.organisations.communes import all_communes
from aap.organisations.models import Membership, Organisation
from aap.workflow import engine

TITLE = "Appel à projets ESS — 15e édition"
OPENS = datetime(2021, 4, 1, 7, 0, tzinfo=timezone.utc)
CLOSES = datetime(2021, 6, 30, 10, 0, tzinfo=timezone.utc)  # 30 June 2021, 12:00 in Paris
KINDS = ["Ressourcerie", "Épicerie solidaire", "Jardin partagé", "Atelier vélo", "Café associatif", "Cantine",
         "Tiers-lieu", "Recyclerie", "Coopérative d'habitants", "Crèche parentale", "Fablab", "Conciergerie"]
PLACES = ["des Francs-Moisins", "du Landy", "de la Plaine", "des Quatre-Routes", "du Clos Saint-Lazare",
          "de Pleyel", "des Poètes", "du Marcreux", "de l'Île", "des Cités-Jardins", "du Vieux-Saint-Ouen"]
FORMS = ["association"] * 6 + ["scic", "scop", "esus"]
#: (how many, the steps after submission)
OUTCOMES = [(15, ["declare_eligible", "schedule_committee", "record_opinion", GRANTED]),
            (20, ["declare_eligible", "schedule_committee", "record_opinion", REFUSED]),
            (5, ["declare_ineligible"]), (3, ["withdraw"]), (2, ["declare_eligible", "schedule_committee",
                                                                 "record_opinion", POSTPONED])]
DECISIONS = (GRANTED, REFUSED, POSTPONED)
#: five grants a strand, and the smallest strand holds 30,000 €
GRANT_CAP = Decimal(6000)


def load_2021_edition(people: dict) -> Call | None:
    if db.session.execute(db.select(Call.id).where(Call.title == TITLE)).first():
        return None
    rng = random.Random(2021)
    call = Call(title=TITLE, year=2021, edition=15, workflow_name="plaine-commune", opens_at=OPENS, closes_at=CLOSES,
                funders=["Plaine Commune"], description="Édition 2021 de l'appel à projets ESS.",
                total_envelope=Decimal(120000), min_amount=Decimal(3000), max_amount=Decimal(15000),
                max_share_percent=Decimal(70), eligible_legal_forms=[], eligible_communes=[],
                required_attachments=[])
    call.strands = [Strand(name=n, envelope=Decimal(e), position=i)
                    for i, (n, e) in enumerate((("Création", 40000), ("Développement", 50000),
                                                ("Coopération", 30000)))]
    db.session.add(call)
    open_call(call)
    db.session.flush()
    db.session.info[MUTED] = True
    try:
        _dossiers(call, people, rng)
    finally:
        db.session.info.pop(MUTED, None)
    call.state = "closed"
    return call


def _dossiers(call: Call, people: dict, rng: random.Random) -> None:
    communes = sorted(c.insee_code for c in all_communes().values())  # the nine communes of 2021
    number = 0
    for count, steps in OUTCOMES:
        for _ in range(count):
            number += 1
            holder, organisation = _organisation(number, communes[number % len(communes)], rng)
            submitted_at = OPENS + timedelta(days=rng.randint(20, 85), minutes=rng.randint(0, 600))
            amount = Decimal(rng.randrange(3000, 15001, 500))
            dossier = start_dossier(call, organisation, holder, now=submitted_at - timedelta(days=3),
                                    title=f"{rng.choice(KINDS)} {rng.choice(PLACES)}", requested_amount=amount,
                                    summary="Projet de l'édition 2021.", strand=call.strands[number % 3])
            engine.apply_transition(dossier.id, "submit", holder, now=submitted_at)
            moment = CLOSES + timedelta(days=10)
            for step in steps:
                moment += timedelta(days=rng.randint(3, 20))
                if step in DECISIONS:
                    _decide(dossier, step, min(amount, GRANT_CAP), people["admin"], moment)
                    continue
                data = {"comment": "Décision du comité de projets."}
                actor = holder if step == "withdraw" else people["admin"]
                when = submitted_at + timedelta(days=1) if step == "withdraw" else moment
                engine.apply_transition(dossier.id, step, actor, data, now=when)


def _decide(dossier, outcome: str, amount: Decimal, admin, now: datetime) -> None:
    """The authority's decision, released at once: the 2021 deliberation of the day it was taken."""
    form = {"outcome": outcome, "instrument": "grant", "amount": str(amount),
            "motivation": "" if outcome == GRANTED else "Décision du comité de projets.",
            "deliberation_reference": f"DEL-2021-{dossier.id:03d}", "deliberation_date": now.astimezone(PARIS).date()}
    decide_at_once(dossier, None, form, admin, now)


def _organisation(number: int, commune: str, rng: random.Random) -> tuple[User, Organisation]:
    name = f"{rng.choice(KINDS)} {rng.choice(PLACES)} ({number})"
    holder = User(email=f"structure{number}.2021@example.org", full_name=f"Contact {number}")
    organisation = Organisation(name=name, legal_form=rng.choice(FORMS), siret=luhn_siret(5000 + number),
                                address=f"{number} rue de l'Économie solidaire", commune_insee=commune,
                                in_qpv=rng.random() < 0.66, creation_date=date(rng.randint(1990, 2019), 1, 15),
                                paid_staff_fte=Decimal(rng.randint(0, 12)), volunteers=rng.randint(2, 60))
    db.session.add_all([holder, organisation])
    db.session.flush()
    organisation.memberships.append(Membership(user_id=holder.id))
    return holder, organisation


def _luhn_complete(digits: str) -> str:
    """Append the digit that makes the whole number pass the Luhn check."""
    for last in "0123456789":
        candidate = digits + last
        total = sum(int(d) if i % 2 == 0 else sum(divmod(int(d) * 2, 10))
                    for i, d in enumerate(reversed(candidate)))
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


def luhn_siret(seed: int) -> str:
    """A fictional SIRET whose keys are right, so the demo passes the same checks as real data."""
    siren = _luhn_complete(f"8{seed:07d}")
    return _luhn_complete(siren + "0001")
