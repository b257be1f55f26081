"""The Plaine Commune editions for the demo: 2021 entered in the application (3 strands, a 120 000 € envelope,
45 dossiers, 15 funded), 2007 to 2020 brought by the import of past editions."""
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from schwifty import IBAN

from aap.auth.models import User
from aap.bilan.history_operations import DEFAULT_WORKFLOW, import_file
from aap.bilan.history_template import write_csv
from aap.calls.models import Call, Strand
from aap.calls.operations import open_call
from aap.core.formatting import PARIS
from aap.core.models import utcnow
from aap.decisions.bank_operations import BankDetails, record_bank_details
from aap.decisions.grant_models import PaymentTranche
from aap.decisions.models import GRANTED, POSTPONED, REFUSED, Decision
from aap.decisions.payments_operations import PaymentInput, record_payment
from aap.decisions.release import decide_at_once
from aap.dossiers.models import Dossier
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
            (5, ["declare_ineligible"]), (3, ["withdraw"]),
            # adjourned at the first session, refused at the next: every dossier of the edition has its answer
            (2, ["declare_eligible", "schedule_committee", "record_opinion", POSTPONED, "reschedule",
                 "record_opinion", REFUSED])]
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
            # the demo's dossiers have no questionnaire: the figures the bilan sums are given as a budget would
            dossier.project_budget, dossier.jobs_planned = amount * rng.randint(2, 6), Decimal(rng.choice((0, 1, 2)))
            moment = CLOSES + timedelta(days=10)
            for step in steps:
                moment += timedelta(days=rng.randint(3, 20))
                if step in DECISIONS:
                    _decide(dossier, step, min(amount, GRANT_CAP), people["admin"], moment)
                    if step == GRANTED:
                        _pay_advance(dossier, holder, people["admin"], moment + timedelta(days=rng.randint(25, 55)))
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


def _pay_advance(dossier, holder, admin, paid_at: datetime) -> None:
    """The holder gives the organisation's account, and the advance is paid some weeks after the decision."""
    details = BankDetails(dossier.organisation.name[:70], IBAN.generate("FR", bank_code="30003", branch_code="01000",
                                                                       account_code=f"{dossier.id:011d}").compact,
                          "SOGEFRPP")
    record_bank_details(dossier, details, holder, paid_at - timedelta(days=10))
    in_force = db.select(PaymentTranche).join(Decision).where(Decision.dossier_id == dossier.id,
                                                               Decision.released_at.is_not(None))
    advance = db.session.execute(in_force.order_by(PaymentTranche.position).limit(1)).scalar_one()
    record_payment(advance.id, PaymentInput(paid_at.astimezone(PARIS).date(), f"MANDAT-2021-{dossier.id:04d}"),
                   admin, paid_at)


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


PAST_YEARS = range(2007, 2021)
#: what past projects were about (the open call's demo dossiers keep their own titles)
PAST_PROJECTS = ["Atelier de réparation", "Chantier d'insertion", "Épicerie ambulante", "Repair café",
                 "Cuisine partagée", "Collecte de textiles", "Ateliers numériques", "Mobilité solidaire",
                 "Potager collectif", "Boutique de réemploi", "École de vélo", "Conciergerie de quartier"]
#: the next strand of a structure supported before: création, then développement, then coopération
STRAND_NAMES = ("Création", "Développement", "Coopération")
PAST_FILE = "demo-editions-2007-2020.csv"


def envelope_of(year: int) -> Decimal:
    """From 15 000 € in 2007 to 120 000 € in 2021, as Plaine Commune's budget grew, in steps of 500 €."""
    return Decimal(round(15000 * 8 ** ((year - 2007) / 14) / 500) * 500)


def edition_title(number: int) -> str:
    return f"Appel à projets ESS — {number}{'re' if number == 1 else 'e'} édition"


@dataclass
class PastStructure:
    name: str
    siret: str
    legal_form: str
    commune: str
    in_qpv: bool
    created: date
    rna: str = ""
    #: the strand of its next application (an index of STRAND_NAMES)
    stage: int = 0
    last_funded: int | None = None


def load_past_editions() -> None:
    """The editions 2007 to 2020, brought through the import of past editions as an authority would bring them."""
    if db.session.execute(db.select(Call.id).where(Call.year == 2007, Call.edition == 1)).first():
        return
    imported = import_file(past_editions_file(), PAST_FILE, DEFAULT_WORKFLOW, None, "démonstration", utcnow())
    if imported.problems:
        raise RuntimeError("\n".join(str(problem) for problem in imported.problems[:20]))


def past_editions_file() -> bytes:
    """The file of the editions 2007–2020, the same at every run (seeded), with structures that come back."""
    rng, pool, rows = random.Random(2007), [], []
    seeds = _seeds_from_2021(rng)
    for number, year in enumerate(PAST_YEARS, start=1):
        rows += _edition_rows(year, number, pool, seeds.get(year, []), rng)
    return write_csv(rows)


def _seeds_from_2021(rng: random.Random) -> dict[int, list]:
    """Structures of the 2021 edition supported before, one strand a year, so that their path ends in 2021."""
    edition = db.session.execute(db.select(Call).where(Call.title == TITLE)).scalars().first()
    seeds: dict[int, list] = {}
    if edition is None:
        return seeds
    for dossier in db.session.execute(db.select(Dossier).where(Dossier.call_id == edition.id)
                                      .order_by(Dossier.id)).scalars():
        stage = dossier.strand.position if dossier.strand else 0
        if stage == 0 or rng.random() < 0.4:
            continue
        organisation = dossier.organisation
        structure = PastStructure(organisation.name, organisation.siret, organisation.legal_form,
                                  organisation.commune_insee, organisation.in_qpv,
                                  organisation.creation_date or date(2000, 1, 15), organisation.rna or "")
        for step in range(stage):
            seeds.setdefault(2021 - stage + step, []).append((structure, step))
    return seeds


def _new_structure(pool: list, year: int, rng: random.Random) -> PastStructure:
    number = len(pool) + 1
    form = rng.choice(FORMS)
    structure = PastStructure(f"{rng.choice(KINDS)} {rng.choice(PLACES)} ({number})", luhn_siret(60000 + number),
                              form, rng.choice(PAST_COMMUNES), rng.random() < 0.62,
                              date(rng.randint(1990, year - 1), rng.randint(1, 12), 1),
                              f"W932{number:06d}" if form == "association" else "")
    pool.append(structure)
    return structure


PAST_COMMUNES = ("93001", "93027", "93031", "93039", "93059", "93066", "93070", "93072", "93079")


def _applicants(year: int, pool: list, seeds: list, rng: random.Random) -> list[tuple[PastStructure, int, bool]]:
    """(structure, strand, forced to be funded): the 2021 edition's past, structures coming back, newcomers."""
    count = min(45, max(20, round(20 + 25 * (year - 2007) / 13) + rng.randint(-3, 3)))
    applicants = [(structure, stage, True) for structure, stage in seeds]
    for structure in pool:
        if structure.last_funded and structure.stage < 3 and rng.random() < 0.45:
            applicants.append((structure, structure.stage, False))
    while len(applicants) < count:
        applicants.append((_new_structure(pool, year, rng), 0, False))
    return applicants[:count]


def _edition_rows(year: int, number: int, pool: list, seeds: list, rng: random.Random) -> list[dict]:
    envelope, left = envelope_of(year), envelope_of(year)
    deliberated = date(year, 10, rng.randint(5, 25))
    applicants = _applicants(year, pool, seeds, rng)
    funded_at_most = round(len(applicants) * rng.uniform(0.3, 0.45))
    cap = min(15000, max(3000, int(envelope * Decimal("0.3")) // 500 * 500))
    rows, funded = [], 0
    for index, (structure, stage, forced) in enumerate(applicants, start=1):
        requested = Decimal(round(rng.triangular(1500, cap, min(3000, cap)) / 500) * 500)
        row = _past_row(year, number, envelope, structure, stage, index, requested, rng)
        granted = min(requested, Decimal(max(1000, round(float(requested) * rng.uniform(0.5, 0.95) / 500) * 500)))
        fate = rng.random()
        if not forced and fate < 0.08:
            row["recevable"] = "non"
        elif not forced and fate < 0.13:
            pass  # withdrawn before its eligibility was examined
        elif (forced or funded < funded_at_most) and granted <= left:
            left -= granted
            funded += 1
            _grant(row, granted, deliberated, rng)
            structure.stage, structure.last_funded = stage + 1, year
        else:
            outcome = "ajourné" if index % 17 == 0 else "refusé"
            row.update(recevable="oui", decision=outcome, deliberation_reference=f"DEL-{year}-{number * 10:03d}",
                       deliberation_date=deliberated.strftime("%d/%m/%Y"))
        rows.append(row)
    return sorted(rows, key=lambda row: STRAND_NAMES.index(row["volet"]))  # the strands come in their order


def _euros(amount: Decimal) -> str:
    """12 000 or 12 000,50: as a French spreadsheet writes it (narrow no-break spaces between thousands)."""
    whole, cents = divmod(amount.quantize(Decimal("0.01")) * 100, 100)
    text = f"{int(whole):,}".replace(",", "\u202f")
    return text if not cents else f"{text},{int(cents):02d}"


def _past_row(year, number, envelope, structure, stage, index, requested, rng) -> dict:
    consent = rng.random() < 0.6
    title = f"{rng.choice(PAST_PROJECTS)} {rng.choice(PLACES)}"
    submitted = date(year, 4, 1) + timedelta(days=rng.randint(0, 80))
    return {"annee": year, "numero_edition": number, "intitule_appel": edition_title(number),
            "enveloppe": _euros(envelope), "volet": STRAND_NAMES[stage], "structure": structure.name,
            "siret": structure.siret, "rna": structure.rna, "forme_juridique": structure.legal_form,
            "commune": structure.commune, "qpv": "oui" if structure.in_qpv else "non",
            "date_creation": structure.created.strftime("%d/%m/%Y"), "reference": f"AAP-{year}-{index:04d}",
            "titre_projet": title, "resume_public": f"{title} : un projet de {structure.name}." if consent else "",
            "consentement_publication": "oui" if consent else "non", "date_depot": submitted.strftime("%d/%m/%Y"),
            "montant_demande": _euros(requested), "budget_projet": _euros(requested * rng.randint(2, 5)),
            "emplois_prevus": str(rng.choice((0, 0.5, 1, 1.5, 2, 3))).replace(".", ",")}


def _grant(row: dict, granted: Decimal, deliberated: date, rng: random.Random) -> None:
    """Accorded, its agreement signed, 70 % paid then (nine times out of ten) the balance after the report."""
    signed = deliberated + timedelta(days=rng.randint(10, 30))
    advance = (granted * Decimal("0.7")).quantize(Decimal("0.01"))
    row.update(recevable="oui", decision="accordé", montant_accorde=_euros(granted), instrument="subvention",
               deliberation_reference=f"DEL-{deliberated.year}-{row['numero_edition'] * 10:03d}",
               deliberation_date=deliberated.strftime("%d/%m/%Y"), date_convention=signed.strftime("%d/%m/%Y"),
               date_versement_1=(signed + timedelta(days=rng.randint(15, 45))).strftime("%d/%m/%Y"),
               montant_versement_1=_euros(advance))
    if rng.random() < 0.9:
        row.update(date_versement_2=(deliberated + timedelta(days=rng.randint(330, 450))).strftime("%d/%m/%Y"),
                   montant_versement_2=_euros(granted - advance))
        if rng.random() < 0.75:
            row["emplois_crees"] = str(rng.choice((0, 0.5, 1, 1, 2, 3))).replace(".", ",")
