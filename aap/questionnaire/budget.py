"""The project's budget prévisionnel (Cerfa 12156): charges on accounts 60–68 and 86, produits on 70–78 and 87."""
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from aap.core.formatting import money, number

CHARGES = [("60", _l("60 – Achats")), ("61", _l("61 – Services extérieurs")),
           ("62", _l("62 – Autres services extérieurs")), ("63", _l("63 – Impôts et taxes")),
           ("64", _l("64 – Charges de personnel")), ("65", _l("65 – Autres charges de gestion courante")),
           ("66", _l("66 – Charges financières")), ("67", _l("67 – Charges exceptionnelles")),
           ("68", _l("68 – Dotation aux amortissements")),
           ("86", _l("86 – Emplois des contributions volontaires en nature"))]
#: "74-call" is the subsidy asked of this call; it must equal the requested amount
PRODUITS = [("70", _l("70 – Ventes de produits finis, prestations de services")),
            ("73", _l("73 – Dotations et produits de tarification")),
            ("74-call", _l("74 – Subvention demandée à cet appel")),
            ("74-region", _l("74 – Subvention de la Région")), ("74-department", _l("74 – Subvention du Département")),
            ("74-state", _l("74 – Subvention de l'État")), ("74-other", _l("74 – Autres subventions")),
            ("75", _l("75 – Autres produits de gestion courante")), ("76", _l("76 – Produits financiers")),
            ("77", _l("77 – Produits exceptionnels")), ("78", _l("78 – Reprises sur amortissements et provisions")),
            ("87", _l("87 – Contributions volontaires en nature"))]
LINES = [code for code, _label in CHARGES + PRODUITS]


def amount(value) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def totals(budget: dict) -> tuple[Decimal, Decimal]:
    return (sum((amount(budget.get(code)) for code, _l in CHARGES), Decimal(0)),
            sum((amount(budget.get(code)) for code, _l in PRODUITS), Decimal(0)))


def problems(budget: dict | None, requested: Decimal | None, max_share_percent: Decimal | None) -> list[str]:
    """What is wrong with a budget, in words a treasurer can act on; empty when it may be submitted."""
    budget = budget or {}
    charges, produits = totals(budget)
    if charges == 0:
        return [str(_l("budget prévisionnel : aucune charge saisie"))]
    found = []
    if charges != produits:
        found.append(str(_l("budget prévisionnel non équilibré (charges %(charges)s, produits %(produits)s)",
                            charges=money(charges), produits=money(produits))))
    asked = amount(budget.get("74-call"))
    if requested is not None and asked != requested:
        found.append(str(_l("la subvention demandée dans le budget (%(asked)s) doit être égale au montant demandé "
                            "(%(requested)s)", asked=money(asked), requested=money(requested))))
    if max_share_percent and asked > charges * max_share_percent / 100:
        found.append(str(_l("la subvention demandée dépasse %(share)s %% du budget du projet",
                            share=number(max_share_percent.normalize()))))
    return found
