"""The charts of one bilan, built from its snapshot: the funnel, the amounts, the splits and the multi-year trends."""
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import ngettext

from aap.bilan.charts import Chart, amount, bar_chart, money_of, percent_text, ratio_text, share
from aap.core.formatting import number


def funnel(snapshot: dict) -> Chart:
    counts = snapshot["funnel"]
    received = counts["received"]
    steps = [(_("Dossiers reçus"), received), (_("Recevables"), counts["eligible"]),
             (_("Instruits"), counts["reviewed"]), (_("Financés"), counts["funded"])]
    items, rows = [], []
    for label, count in steps:
        part = share(count, received)
        text = number(count) if count == received else f"{number(count)} ({part})" if part else number(count)
        items.append((label, [(Decimal(count), text)]))
        rows.append((label, (number(count), part or "—")))
    return bar_chart("funnel", _("Des dossiers reçus aux dossiers financés"),
                     _("Sur %(received)s dossiers reçus, %(funded)s ont été financés.", received=number(received),
                       funded=number(counts["funded"])),
                     [_("Dossiers")], items, [_("Étape"), _("Dossiers"), _("Part des dossiers reçus")], rows)


def amounts(snapshot: dict) -> Chart:
    figures = snapshot["amounts"]
    envelope = amount(figures.get("envelope"))
    lines = [(_("Demandé"), figures["requested"]), (_("Proposé par le comité"), figures.get("proposed")),
             (_("Accordé"), figures["granted"]), (_("Versé"), figures["paid"])]
    items = [(label, [(amount(value), money_of(value))]) for label, value in lines if value is not None]
    rows = [(label, (money_of(value), share(amount(value), envelope) if value is not None and envelope else "—"))
            for label, value in lines]
    rows.append((_("Enveloppe de l'appel"), (money_of(envelope), percent_text(100) if envelope else "—")))
    summary = (_("Montants demandés, proposés, accordés et versés, face à l'enveloppe de %(envelope)s.",
                 envelope=money_of(envelope)) if envelope else
               _("Montants demandés, proposés, accordés et versés ; l'enveloppe de l'appel n'est pas renseignée."))
    reference = (envelope, _("Enveloppe : %(amount)s", amount=money_of(envelope))) if envelope else None
    return bar_chart("amounts", _("Les montants face à l'enveloppe"), summary, [_("Montant")], items,
                     [_("Montant"), _("Total"), _("Part de l'enveloppe")], rows, reference)


#: the splits drawn as requested against granted, with the header of their table's first column
SPLITS = {"strand": (lambda: _("Par volet"), lambda: _("Volet")),
          "commune": (lambda: _("Par commune"), lambda: _("Commune")),
          "legal_form": (lambda: _("Par forme juridique"), lambda: _("Forme juridique"))}
#: the splits drawn as amounts awarded, with how many aids
AWARDS = {"instrument": (lambda: _("Par instrument"), lambda: _("Instrument")),
          "funder": (lambda: _("Par financeur"), lambda: _("Financeur"))}


def split(snapshot: dict, name: str) -> Chart:
    title, header = (make() for make in SPLITS[name])
    items, rows = [], []
    for line in snapshot["splits"][name]:
        items.append((line["label"], [(amount(line["requested"]), _("Demandé : %(amount)s",
                                                                     amount=money_of(line["requested"]))),
                                      (amount(line["granted"]), _("Accordé : %(amount)s",
                                                                   amount=money_of(line["granted"])))]))
        rows.append((line["label"], (number(line["received"]), number(line["funded"]), money_of(line["requested"]),
                                     money_of(line["granted"]))))
    return bar_chart(f"split-{name}", title, _("%(title)s : montants demandés et accordés.", title=title),
                     [_("Demandé"), _("Accordé")], items,
                     [header, _("Dossiers reçus"), _("Dossiers financés"), _("Demandé"), _("Accordé")], rows)


def award(snapshot: dict, name: str) -> Chart:
    title, header = (make() for make in AWARDS[name])
    items, rows = [], []
    for line in snapshot["splits"][name]:
        text = ngettext("%(amount)s (%(num)d aide)", "%(amount)s (%(num)d aides)", line["count"],
                        amount=money_of(line["amount"]))
        items.append((line["label"], [(amount(line["amount"]), text)]))
        rows.append((line["label"], (number(line["count"]), money_of(line["amount"]))))
    return bar_chart(f"split-{name}", title, _("%(title)s : montants accordés et nombre d'aides.", title=title),
                     [_("Montant accordé")], items, [header, _("Aides"), _("Montant accordé")], rows)


def edition_label(line: dict) -> str:
    if line.get("edition"):
        return _("%(year)s (édition %(edition)s)", year=line["year"], edition=line["edition"])
    return str(line["year"])


def demand_trend(snapshot: dict) -> Chart:
    items, rows = [], []
    for line in snapshot["trends"]:
        items.append((edition_label(line), [
            (amount(line["requested"]), _("Demandé : %(amount)s", amount=money_of(line["requested"]))),
            (amount(line.get("envelope")), _("Enveloppe : %(amount)s", amount=money_of(line.get("envelope")))
             if line.get("envelope") is not None else _("Enveloppe non renseignée"))]))
        rows.append((edition_label(line), (money_of(line.get("envelope")), money_of(line["requested"]),
                                           ratio_text(line.get("oversubscription")), number(line["received"]))))
    return bar_chart("trend-demand", _("La demande face à l'enveloppe, édition par édition"),
                     _("Montant demandé et enveloppe de chaque édition, de la plus ancienne à la plus récente."),
                     [_("Demandé"), _("Enveloppe")], items,
                     [_("Édition"), _("Enveloppe"), _("Demandé"), _("Demandé ÷ enveloppe"), _("Dossiers reçus")],
                     rows)


def granted_trend(snapshot: dict) -> Chart:
    items, rows = [], []
    for line in snapshot["trends"]:
        items.append((edition_label(line), [(amount(line["granted"]), money_of(line["granted"]))]))
        rows.append((edition_label(line), (money_of(line["granted"]), money_of(line["paid"]),
                                           number(line["funded"]))))
    return bar_chart("trend-granted", _("Le montant accordé, édition par édition"),
                     _("Montant accordé à chaque édition, de la plus ancienne à la plus récente."),
                     [_("Accordé")], items, [_("Édition"), _("Accordé"), _("Versé"), _("Dossiers financés")], rows)


def bilan_charts(snapshot: dict) -> dict[str, Chart]:
    """Every chart of the bilan, by key, in the order the page shows them."""
    charts = {"funnel": funnel(snapshot), "amounts": amounts(snapshot)}
    charts.update({f"split-{name}": split(snapshot, name) for name in SPLITS})
    charts.update({f"split-{name}": award(snapshot, name) for name in AWARDS})
    charts.update({"trend-demand": demand_trend(snapshot), "trend-granted": granted_trend(snapshot)})
    return charts

