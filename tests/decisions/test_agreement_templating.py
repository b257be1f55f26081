"""The agreement templates' sandbox: a template reaches only its values, or it is refused at save time with its line."""
from decimal import Decimal

import pytest

from aap.decisions.agreement_templates import default_source
from aap.decisions.agreement_values import CATALOGUE, SAMPLE
from aap.decisions.templating import MAX_SOURCE, TemplateRefused, check, markdown_html, render

LOOP = "{% for ligne in echeances %}"


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def refusal(source: str) -> str:
    with pytest.raises(TemplateRefused) as refused:
        check(source, CATALOGUE, SAMPLE)
    return " ".join(refused.value.problems)


def test_the_shipped_template_passes_and_says_what_an_agreement_must(session):
    source = default_source()
    check(source, CATALOGUE, SAMPLE)
    text = plain(render(source, SAMPLE))
    for part in ("## Entre les soussignés", "**Plaine Commune**", "Association Les Jardins du Canal",
                 "## Article 1 — Objet", "« Jardin partagé du Canal »", "AAP-2026-0042",
                 "**30 000 €** (trente mille euros)", "## Article 3 — Conditions d'utilisation de l'aide",
                 "## Article 4 — Modalités de versement", "- Acompte : 21 000 € (70 %), à la signature de la convention",
                 "- Solde : 9 000 € (30 %), après le compte-rendu financier",
                 "## Article 5 — Contrôle et évaluation", "Cerfa n° 15059", "au plus tard le 30 juin 2027",
                 "## Article 6 — Sommes non utilisées et reversement", "sont reversées à l'autorité",
                 "## Article 7 — Durée", "## Article 8 — Modification et résiliation",
                 "délibération n° CT-2026-118 du 17 mars 2026", "Le projet se déroule du 1er janvier 2026"):
        assert part in text, part
    assert "l'article 10 de la loi n° 2000-321" in text


@pytest.mark.parametrize("source, problem", [
    ("{{ montant.__class__ }}", "Ligne 1 : « __class__ » est un nom interne : son accès n'est pas permis."),
    (LOOP + "{{ ligne._sa_instance_state }}{% endfor %}", "« _sa_instance_state » est un nom interne"),
    (LOOP + "{{ ligne['__class__'] }}{% endfor %}", "« __class__ » est un nom interne"),
    ("{{ config }}", "Ligne 1 : « config » n'est pas une valeur disponible"),
    ("{{ config.SECRET_KEY }}", "« config » n'est pas une valeur disponible"),
    ("{{ self }}", "« self » n'est pas une valeur disponible"),
    ("{{ self._TemplateReference__context }}", "est un nom interne"),
    ("{{ request.environ }}", "« request » n'est pas une valeur disponible"),
    ("{{ cycler }}", "« cycler » n'est pas une valeur disponible"),
    ("{{ joiner() }}", "les appels de fonction ou de méthode ne sont pas permis"),
    ("{{ namespace(a=1) }}", "les appels de fonction ou de méthode ne sont pas permis"),
    ("{{ lipsum(n=100000) }}", "les appels de fonction ou de méthode ne sont pas permis"),
    ("{% for i in range(100000000) %}x{% endfor %}", "{% for %} ne parcourt que l'une des listes disponibles"),
    ("{{ range }}", "« range » n'est pas une valeur disponible"),
    ("{{ inconnu }}", "« inconnu » n'est pas une valeur disponible"),
    ("{{ structure.upper() }}", "les appels de fonction ou de méthode ne sont pas permis"),
    (LOOP + "{{ ligne.items }}{% endfor %}", "« items » n'est pas un champ de « ligne »"),
    (LOOP + "{{ ligne }}{% endfor %}", "« ligne » s'utilise avec l'un de ses champs"),
    ("{{ montant.real }}", "seuls les champs des éléments d'une liste parcourue par {% for %}"),
    ("{% include 'base.html' %}", "la balise {% include %} n'est pas permise"),
    ("{% import 'x.html' as x %}", "la balise {% import %} n'est pas permise"),
    ("{% from 'x.html' import y %}", "la balise {% from … import %} n'est pas permise"),
    ("{% extends 'base.html' %}", "la balise {% extends %} n'est pas permise"),
    ("{% macro m() %}x{% endmacro %}", "la balise {% macro %} n'est pas permise"),
    ("{% set x = montant %}", "la balise {% set %} n'est pas permise"),
    ("{% autoescape false %}{{ structure }}{% endautoescape %}", "la balise {% autoescape %} n'est pas permise"),
    ("{% filter upper %}x{% endfilter %}", "la balise {% filter %} n'est pas permise"),
    ("{{ structure|safe }}", "le filtre « safe » n'est pas disponible"),
    ("{{ structure|attr('__class__') }}", "le filtre « attr » n'est pas disponible"),
    ("{{ montant|money(2) }}", "le filtre « money » ne prend pas d'argument"),
    ("{{ montant * 1000000 }}", "les calculs ne sont pas permis"),
    ("{{ 'x' * 100000000 }}", "les calculs ne sont pas permis"),
    ("{% if montant is defined %}x{% endif %}", "les tests « is … » ne sont pas permis"),
    ("{{ echeances }}", "« echeances » est une liste"),
    ("{{ [1, 2] }}", "cette expression n'est pas permise"),
    ("{% for montant in echeances %}{% endfor %}", "le nom de l'élément d'une boucle doit être un nom nouveau"),
    (LOOP + LOOP + LOOP + "x{% endfor %}{% endfor %}{% endfor %}", "une boucle ne peut contenir qu'une boucle de plus"),
    (LOOP + "{{ ligne.montant }}", "Ligne 1 : le modèle se termine alors qu'une balise {% for %} ou {% if %} "
                                   "n'est pas fermée"),
    ("{% inconnue %}", "la balise « inconnue » est inconnue"),
])
def test_a_template_reaching_beyond_its_values_is_refused_with_its_line(session, source, problem):
    assert problem in refusal(source)


def test_the_line_named_is_the_line_of_the_problem(session):
    source = "# Convention\n\n{{ structure }}\n{% if montant %}\n  {{ config.items() }}\n{% endif %}\n{{ __builtins__ }}"
    problems = refusal(source)
    assert "Ligne 5 : les appels de fonction ou de méthode ne sont pas permis." in problems
    assert "Ligne 7 : « __builtins__ » n'est pas une valeur disponible" in problems
    assert "Ligne 3" not in problems


def test_an_oversized_template_is_refused(session):
    problems = plain(refusal("a" * (MAX_SOURCE + 1)))
    assert problems == "Le modèle dépasse 100 000 caractères : raccourcissez-le."
    check("a" * MAX_SOURCE, CATALOGUE, SAMPLE)


def test_the_sandbox_refuses_at_rendering_what_the_walk_would_have_let_through(session):
    """The second lock: rendered alone, an attribute access beyond the values still fails in the sandbox."""
    with pytest.raises(TemplateRefused) as refused:
        render("{{ ''.__class__.__mro__[1].__subclasses__() }}", {})
    assert "Le modèle tente d'atteindre ce qui n'est pas l'une de ses valeurs" in refused.value.problems[0]
    with pytest.raises(TemplateRefused) as refused:
        render("{{ range(3) }}{{ config }}", {})
    assert "n'a pas pu être appliqué" in refused.value.problems[0]


def test_a_rendering_that_grows_too_large_is_stopped(session):
    many = {"echeances": [{"libelle": "x" * 10}] * 2000}
    with pytest.raises(TemplateRefused) as refused:
        render(LOOP + "{% for autre in echeances %}{{ ligne.libelle }}{% endfor %}{% endfor %}", many)
    assert plain(refused.value.problems[0]) == ("Le texte produit dépasse 1 000 000 caractères : le modèle ne peut pas "
                                                "être utilisé.")


def test_values_stay_text_in_markdown_and_in_html(session):
    values = {**SAMPLE, "structure": "<script>alert(1)</script> **gras** [lien](https://x.example) & co",
              "projet_titre": "# Titre\n- liste\n1. un", "echeances": [{"libelle": "![img](http://x.example/a.png)",
                                                                     "part": Decimal(1), "montant": Decimal(1),
                                                                     "declencheur": "| table |"}]}
    text = render("{{ structure }}\n\n{{ projet_titre }}\n\n" + LOOP + "{{ ligne.libelle }} {{ ligne.declencheur }}"
                  "{% endfor %}", values)
    html = str(markdown_html(text))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<strong>" not in html and "<a " not in html and "<img" not in html and "<h1" not in html
    assert "<li>" not in html and "<table" not in html
    assert "**gras** [lien](https://x.example) &amp; co" in html
    assert "# Titre, - liste, 1. un" in html


def test_the_template_itself_may_use_markdown_but_no_raw_html_or_image(session):
    html = str(markdown_html(render("## Article\n\n**{{ structure }}**\n\n<b>brut</b> ![x](http://x.example/i.png)",
                                    SAMPLE)))
    assert "<h2>Article</h2>" in html and "<strong>Association Les Jardins du Canal</strong>" in html
    assert "&lt;b&gt;brut&lt;/b&gt;" in html and "<img" not in html
