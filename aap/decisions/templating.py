"""Templates that administrators write (the agreement), rendered in a sandbox that reaches only the values it is given.

A template is Markdown with Jinja tags. Before it is saved, its syntax tree is walked: only the names of the values
given, the fields of the items of the lists given (and `loop.index`, `first`, `last`, `length`), `for` over those
lists, `if`, comparisons and a few filters pass; anything else is refused with its line. It is then rendered against
a sample in jinja2's immutable sandbox, which has no globals, no tests and only those filters. Values are escaped at
output twice: for Markdown (no value becomes a heading, a link or emphasis) and, by autoescape, for HTML.
"""
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache

from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import gettext as _
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markdown_it import MarkdownIt
from markupsafe import Markup

#: an agreement is a few pages; a template this long is a mistake or an attack
MAX_SOURCE = 100_000
#: what one rendering may produce, whatever its loops
MAX_OUTPUT = 1_000_000
#: a loop in a loop is the most an agreement needs (the repayments of each tranche)
MAX_LOOP_DEPTH = 2
LOOP_FIELDS = ("index", "first", "last", "length")
#: at most this many problems are listed at once
MAX_PROBLEMS = 20
#: what Markdown reads as syntax inside a line; < > & are left to autoescape, which Markdown decodes back
MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]!|~#])")
#: what Markdown reads as a list or a heading when a value opens a line
MARKDOWN_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=>])")
#: the tags that reach beyond the template's values, by the node the parser makes of them
REFUSED_TAGS = {nodes.Include: "{% include %}", nodes.Import: "{% import %}", nodes.FromImport: "{% from … import %}",
                nodes.Extends: "{% extends %}", nodes.Block: "{% block %}", nodes.Macro: "{% macro %}",
                nodes.CallBlock: "{% call %}", nodes.Assign: "{% set %}", nodes.AssignBlock: "{% set %}",
                nodes.With: "{% with %}", nodes.FilterBlock: "{% filter %}",
                nodes.ScopedEvalContextModifier: "{% autoescape %}", nodes.EvalContextModifier: "{% autoescape %}"}


@dataclass(frozen=True)
class Catalogue:
    """What a template may use: plain values by name, lists of items with their fields, each with its description."""

    values: dict[str, str]
    lists: dict[str, dict[str, str]]
    list_labels: dict[str, str]


class TemplateRefused(ValueError):
    """A template that is not saved (or cannot be rendered), with each problem in French, line first."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


def money(value) -> str:
    """23 000 €, 1 250,50 €: as the letters and agreements print amounts, in French."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not amount.is_finite():
        return str(value)
    pattern = "#,##0" if amount == amount.to_integral_value() else "#,##0.00"
    return f"{format_decimal(amount, format=pattern, locale='fr_FR')}\u00a0€"


def long_date(value) -> str:
    """« 1er mars 2026 » from a date or its ISO form; anything else is left as it is."""
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    text = format_date(day, "d MMMM y", locale="fr_FR")
    return "1er" + text[1:] if day.day == 1 else text


def number(value) -> str:
    try:
        return format_decimal(Decimal(str(value)), format="#,##0.##", locale="fr_FR")
    except InvalidOperation:
        return str(value)


FILTERS = {"money": money, "date": long_date, "number": number, "upper": lambda value: str(value).upper(),
           "length": len}


def markdown_text(value) -> str:
    """A value as Markdown text that stays text: on one line, its syntax characters escaped."""
    text = ", ".join(line.strip() for line in str(value).splitlines() if line.strip())
    text = MARKDOWN_INLINE.sub(r"\\\1", text)
    return MARKDOWN_LINE_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(1) else f"\\{m.group(3)}",
                                   text)


def _finalize(value) -> str:
    return "" if value is None else markdown_text(value)


@cache
def environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined, finalize=_finalize,
                                        keep_trailing_newline=True)
    env.globals.clear()  # no range, lipsum, dict, cycler, joiner, namespace
    env.tests.clear()
    env.filters.clear()
    env.filters.update(FILTERS)
    return env


def check(source: str, catalogue: Catalogue, sample: dict) -> None:
    """Refuse a template that reaches beyond its values, naming each problem and its line; then try it on the sample."""
    if len(source) > MAX_SOURCE:
        raise TemplateRefused([_("Le modèle dépasse %(n)s caractères : raccourcissez-le.", n=number(MAX_SOURCE))])
    try:
        tree = environment().parse(source)
    except TemplateSyntaxError as error:
        raise TemplateRefused([syntax_problem(error)]) from None
    problems = _Checker(catalogue).problems(tree)
    if problems:
        raise TemplateRefused(problems[:MAX_PROBLEMS])
    render(source, sample)


def syntax_problem(error: TemplateSyntaxError) -> str:
    detail = error.message or ""
    unknown = re.match(r"Encountered unknown tag '([^']*)'", detail)
    if detail.startswith("Unexpected end of template"):
        problem = _("le modèle se termine alors qu'une balise {% for %} ou {% if %} n'est pas fermée "
                    "({% endfor %} ou {% endif %} manquant).")
    elif unknown:
        problem = _("la balise « %(tag)s » est inconnue ou placée là où elle ne peut pas l'être.", tag=unknown[1])
    else:
        problem = _("le modèle est mal formé (accolade, guillemet ou balise mal écrite) — %(detail)s", detail=detail)
    return _("Ligne %(line)d : %(problem)s", line=error.lineno, problem=problem)


def render(source: str, values: dict) -> str:
    """The text the template makes of these values, in the sandbox; refused if it fails or grows past MAX_OUTPUT."""
    env = environment()
    try:
        template = env.from_string(source)
        parts, size = [], 0
        for part in template.generate(values):
            size += len(part)
            if size > MAX_OUTPUT:
                raise TemplateRefused([_("Le texte produit dépasse %(n)s caractères : le modèle ne peut pas être "
                                         "utilisé.", n=number(MAX_OUTPUT))])
            parts.append(part)
    except TemplateRefused:
        raise
    except TemplateSyntaxError as error:
        raise TemplateRefused([syntax_problem(error)]) from None
    except SecurityError as error:
        raise TemplateRefused([_("Le modèle tente d'atteindre ce qui n'est pas l'une de ses valeurs (%(detail)s) : "
                                 "refusé.", detail=str(error)[:200])]) from None
    except (TemplateError, TypeError, ValueError, ArithmeticError) as error:
        raise TemplateRefused([_("Le modèle n'a pas pu être appliqué : %(detail)s",
                                 detail=str(error)[:200])]) from None
    return "".join(parts)


class _Checker:
    """Walks a template's syntax tree, keeping the loop variables in scope, and lists what is not allowed."""

    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue
        self.found: list[str] = []

    def problems(self, tree: nodes.Template) -> list[str]:
        self.statements(tree.body, {}, 0)
        return self.found

    def refuse(self, node: nodes.Node, message: str) -> None:
        self.found.append(_("Ligne %(line)d : %(problem)s", line=node.lineno, problem=message))

    def statements(self, body: list, scope: dict[str, str], depth: int) -> None:
        for node in body:
            self.statement(node, scope, depth)

    def statement(self, node: nodes.Node, scope: dict[str, str], depth: int) -> None:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    self.expression(child, scope, output=True)
        elif isinstance(node, nodes.If):
            self.expression(node.test, scope)
            self.statements(node.body, scope, depth)
            self.statements(node.elif_, scope, depth)
            self.statements(node.else_, scope, depth)
        elif isinstance(node, nodes.For):
            self.loop(node, scope, depth)
        elif isinstance(node, nodes.Scope):
            self.statements(node.body, scope, depth)
        else:
            tag = next((label for kind, label in REFUSED_TAGS.items() if isinstance(node, kind)), None)
            self.refuse(node, _("la balise %(tag)s n'est pas permise dans ce modèle : il n'utilise que les valeurs "
                                "listées, avec {%% if %%} et {%% for %%}.", tag=tag or type(node).__name__))

    def loop(self, node: nodes.For, scope: dict[str, str], depth: int) -> None:
        if depth + 1 > MAX_LOOP_DEPTH:
            self.refuse(node, _("une boucle ne peut contenir qu'une boucle de plus, pas davantage."))
            return
        iterated = node.iter.name if isinstance(node.iter, nodes.Name) else None
        if iterated not in self.catalogue.lists:
            self.refuse(node, _("{%% for %%} ne parcourt que l'une des listes disponibles (%(lists)s).",
                                lists=", ".join(self.catalogue.lists)))
            return
        if node.recursive:
            self.refuse(node, _("une boucle récursive n'est pas permise."))
        target = node.target.name if isinstance(node.target, nodes.Name) else None
        if target is None or target in self.catalogue.values or target in self.catalogue.lists or target == "loop":
            self.refuse(node, _("le nom de l'élément d'une boucle doit être un nom nouveau (par exemple « %(item)s »), "
                                "pas une valeur ni plusieurs noms.", item="ligne"))
            return
        inner = {**scope, target: iterated, "loop": ""}
        if node.test is not None:
            self.expression(node.test, inner)
        self.statements(node.body, inner, depth + 1)
        self.statements(node.else_, scope, depth)

    def expression(self, node: nodes.Node, scope: dict[str, str], output: bool = False) -> None:
        if isinstance(node, nodes.Const):
            if not isinstance(node.value, str | int | float | bool | None):
                self.refuse(node, _("seuls du texte et des nombres peuvent s'écrire tels quels."))
        elif isinstance(node, nodes.Name):
            self.name(node, scope, output)
        elif isinstance(node, nodes.Getattr | nodes.Getitem):
            self.field(node, scope)
        elif isinstance(node, nodes.Filter):
            self.filter(node, scope)
        elif isinstance(node, nodes.Compare):
            self.expression(node.expr, scope)
            for operand in node.ops:
                self.expression(operand.expr, scope)
        elif isinstance(node, nodes.And | nodes.Or):
            self.expression(node.left, scope)
            self.expression(node.right, scope)
        elif isinstance(node, nodes.Not):
            self.expression(node.node, scope)
        elif isinstance(node, nodes.CondExpr):
            for part in (node.test, node.expr1, node.expr2):
                if part is not None:
                    self.expression(part, scope, output)
        elif isinstance(node, nodes.Concat):
            for part in node.nodes:
                self.expression(part, scope)
        else:
            self.refuse(node, self.refusal_of(node))

    def refusal_of(self, node: nodes.Node) -> str:
        if isinstance(node, nodes.Call):
            return _("les appels de fonction ou de méthode ne sont pas permis.")
        if isinstance(node, nodes.BinExpr | nodes.UnaryExpr):
            return _("les calculs ne sont pas permis : utilisez les valeurs fournies (les montants des échéances, "
                     "par exemple).")
        if isinstance(node, nodes.Test):
            return _("les tests « is … » ne sont pas permis : écrivez simplement {% if valeur %}.")
        return _("cette expression n'est pas permise : seules les valeurs listées, leurs champs, les comparaisons "
                 "et les filtres %(filters)s le sont.", filters=", ".join(FILTERS))

    def name(self, node: nodes.Name, scope: dict[str, str], output: bool) -> None:
        if node.name in self.catalogue.values:
            return
        if node.name in self.catalogue.lists:
            if output:
                self.refuse(node, _("« %(name)s » est une liste : parcourez-la avec {%% for ligne in %(name)s %%}.",
                                    name=node.name))
            return
        if node.name in scope:
            self.refuse(node, _("« %(name)s » s'utilise avec l'un de ses champs, par exemple « %(name)s.%(field)s ».",
                                name=node.name, field=self.fields_of(node.name, scope)[0]))
            return
        self.refuse(node, _("« %(name)s » n'est pas une valeur disponible : seules les valeurs listées à côté du "
                            "modèle le sont.", name=node.name))

    def fields_of(self, name: str, scope: dict[str, str]) -> tuple[str, ...]:
        return LOOP_FIELDS if name == "loop" else tuple(self.catalogue.lists[scope[name]])

    def field(self, node: nodes.Getattr | nodes.Getitem, scope: dict[str, str]) -> None:
        attribute = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
        owner = node.node.name if isinstance(node.node, nodes.Name) else None
        if isinstance(attribute, str) and attribute.startswith("_"):
            self.refuse(node, _("« %(field)s » est un nom interne : son accès n'est pas permis.", field=attribute))
        elif owner is not None and owner not in scope and owner not in self.catalogue.values \
                and owner not in self.catalogue.lists:
            self.name(node.node, scope, output=False)
        elif owner not in scope:
            self.refuse(node, _("seuls les champs des éléments d'une liste parcourue par {%% for %%} s'atteignent "
                                "avec un point (« %(field)s » n'en est pas un).", field=attribute))
        elif attribute not in self.fields_of(owner, scope):
            self.refuse(node, _("« %(field)s » n'est pas un champ de « %(name)s » (champs : %(fields)s).",
                                field=attribute, name=owner, fields=", ".join(self.fields_of(owner, scope))))

    def filter(self, node: nodes.Filter, scope: dict[str, str]) -> None:
        if node.name not in FILTERS:
            self.refuse(node, _("le filtre « %(name)s » n'est pas disponible (filtres permis : %(filters)s).",
                                name=node.name, filters=", ".join(FILTERS)))
            return
        if node.args or node.kwargs or node.dyn_args or node.dyn_kwargs:
            self.refuse(node, _("le filtre « %(name)s » ne prend pas d'argument.", name=node.name))
        if node.node is not None:
            self.expression(node.node, scope)


@cache
def _markdown() -> MarkdownIt:
    # raw HTML is escaped and images are plain text: a document never fetches anything, whatever its template says
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table") \
        .disable("image")


def markdown_html(text: str) -> Markup:
    """A generated text as HTML, for its page and its PDF."""
    return Markup(_markdown().render(text or ""))  # safe: raw HTML is switched off  # nosec B704
