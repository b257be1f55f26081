"""The payments due across calls, for the staff: filtered and sorted in the address, 50 a page, with the days late;
and their export for the authority's finance software (CSV and XLSX)."""
from datetime import date, datetime

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from aap.core.exports import csv_response, xlsx_response
from aap.core.inputs import database_int
from aap.core.listing import past_the_end, requested_page, requested_sort
from aap.core.models import utcnow
from aap.core.permissions import allow
from aap.decisions.access import exports_payments, follows_payments
from aap.decisions.grant_models import TRIGGERS
from aap.decisions.payments_plan import paris_day
from aap.decisions.payments_queries import (
    AUTHORITY,
    STATUSES,
    DueFilters,
    call_choices,
    due_export_rows,
    due_page,
    funder_choices,
    sort_keys,
)

bp = Blueprint("payments_due", __name__, url_prefix="/decisions")
DAY_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
FILTERS = ("appel", "financeur", "statut", "du", "au")


def _day(text: str) -> date | None:
    for pattern in DAY_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def read_filters(args, calls: set[int], funders: set[str]) -> DueFilters:
    """The filters of the address that make sense; the others are set aside with a French word why."""
    filters = DueFilters()
    if args.get("appel"):
        call_id = args.get("appel", type=database_int)
        if call_id in calls:
            filters.call_id = call_id
        else:
            filters.problems.append(_("Cet appel à projets n'existe pas : le filtre sur l'appel est ignoré."))
    funder = args.get("financeur", "")
    if funder in funders or funder == AUTHORITY:
        filters.funder = funder
    elif funder:
        filters.problems.append(_("Ce financeur n'existe pas : le filtre sur le financeur est ignoré."))
    filters.status = STATUSES.get(args.get("statut", ""), "")
    for name, attribute in (("du", "due_from"), ("au", "due_to")):
        if args.get(name, "").strip():
            try:
                setattr(filters, attribute, _day(args[name]))
            except ValueError:
                filters.problems.append(_("« %(text)s » n'est pas une date (par exemple 01/05/2026) : ce filtre est "
                                          "ignoré.", text=args[name][:40]))
    if filters.due_from and filters.due_to and filters.due_from > filters.due_to:
        filters.problems.append(_("La date de début vient après la date de fin : aucun versement ne peut y tomber."))
    return filters


def _filters():
    calls, funders = call_choices(), funder_choices()
    filters = read_filters(request.args, {call_id for call_id, _label in calls}, {key for key, _label in funders})
    return filters, calls, funders


@bp.get("/versements")
@allow(follows_payments)
def due():
    filters, calls, funders = _filters()
    sort, descending = requested_sort(request.args, sort_keys(), "echeance", descending=False)
    today = paris_day(utcnow())
    page = due_page(filters, sort, descending, requested_page(request.args), today)
    if past_the_end(page):
        filters.problems.append(past_the_end(page))
    return render_template("decisions/payments/due.html", page=page, filters=filters, sort=sort,
                           descending=descending, today=today, call_options=calls,
                           funder_options=[(AUTHORITY, _("La collectivité")), *funders],
                           filtered=any(request.args.get(name) for name in FILTERS),
                           may_export=exports_payments, triggers=TRIGGERS)


def _export():
    """The header and rows of the export: amounts stay numbers, dates stay dates, text is never a formula."""
    filters, _calls, _funders = _filters()
    header = [_("Appel à projets"), _("Référence du dossier"), _("Structure"), _("SIRET"), _("Titulaire du compte"),
              _("IBAN"), _("BIC"), _("Financeur"), _("Tranche"), _("Montant (€)"), _("Échéance")]
    rows = [[f"{row.call} ({row.year})", row.reference, row.organisation, row.siret or "", row.account_holder or "",
             row.iban or "", row.bic or "", row.funder or _("La collectivité"), row.label, row.amount, row.due_on]
            for row in due_export_rows(filters, paris_day(utcnow()))]
    return header, rows


@bp.get("/versements.csv")
@allow(exports_payments)
def due_csv():
    header, rows = _export()
    return csv_response(f"versements-a-faire-{paris_day(utcnow()).isoformat()}.csv", header, rows)


@bp.get("/versements.xlsx")
@allow(exports_payments)
def due_xlsx():
    header, rows = _export()
    return xlsx_response(f"versements-a-faire-{paris_day(utcnow()).isoformat()}.xlsx",
                         [(_("Versements à faire"), header, rows)])
