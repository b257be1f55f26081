"""The grid editor's and the review's forms; the arithmetic (aap.review.scoring) decides what is valid."""
import re
import unicodedata

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional

from aap.core.inputs import FiniteDecimalField, Form, SubForm
from aap.review.aggregates import RECOMMENDATIONS
from aap.review.scoring import NA, Criterion, Grid, criterion_problems, grid_problems, plain, read_number

NUMBER = _l("Saisissez un nombre, par exemple 2 ou 1,5.")


class CriterionForm(SubForm):
    label = StringField(_l("Intitulé"), validators=[Optional(), Length(max=200)])
    key = StringField(_l("Clé"), validators=[Optional(), Length(max=40)],
                      description=_l("Lettres minuscules sans accent, chiffres et « _ » ; déduite de l'intitulé si "
                                     "vide. Elle relie les notes d'une version à l'autre."))
    weight = StringField(_l("Poids"), render_kw={"inputmode": "decimal"})
    minimum = StringField(_l("Note minimale"), render_kw={"inputmode": "decimal"})
    maximum = StringField(_l("Note maximale"), render_kw={"inputmode": "decimal"})
    required = BooleanField(_l("Obligatoire (sinon, « n/a » est permis)"))
    position = IntegerField(_l("Ordre"), validators=[Optional(), NumberRange(min=1, max=99)])

    def is_blank(self) -> bool:
        return not (self.label.data or "").strip() and not (self.key.data or "").strip()


class GridForm(Form):
    #: the version number the page showed (0: none), so that two editors never overwrite each other
    based_on = HiddenField()
    criteria = FieldList(FormField(CriterionForm), min_entries=1, max_entries=40)
    confirm = BooleanField(_l("Je publie une nouvelle version : les relectures soumises gardent la leur, les "
                              "brouillons passent à la nouvelle."))

    def fill(self, grid: Grid) -> None:
        while len(self.criteria.entries):
            self.criteria.pop_entry()
        for index, criterion in enumerate(grid.criteria, start=1):
            self.criteria.append_entry({"label": criterion.label, "key": criterion.key,
                                        "weight": plain(criterion.weight), "minimum": plain(criterion.minimum),
                                        "maximum": plain(criterion.maximum), "required": criterion.required,
                                        "position": index})
        self.criteria.append_entry()

    def grid(self) -> Grid | None:
        """The grid typed, checked by `grid_problems`; None when something is wrong (messages placed on the page)."""
        rows = [entry.form for entry in self.criteria.entries if not entry.form.is_blank()]
        rows.sort(key=lambda row: row.position.data or 100)
        criteria = []
        for row in rows:
            row.problems = []
            criterion = self._criterion(row)
            if criterion is not None:
                row.problems = [str(problem) for problem in criterion_problems(criterion)]
                criteria.append(criterion)
        if any(row.errors or row.problems for row in rows):
            return None
        grid = Grid(tuple(criteria))
        row_problems = {problem for row in rows for problem in row.problems}
        self.form_errors.extend(str(p) for p in grid_problems(grid) if str(p) not in row_problems)
        return None if self.form_errors else grid

    @staticmethod
    def _criterion(row) -> Criterion | None:
        numbers = {}
        for name in ("weight", "minimum", "maximum"):
            field = getattr(row, name)
            numbers[name] = read_number((field.data or "").strip())
            if numbers[name] is None:
                field.errors = [*field.errors, str(NUMBER)]
        if row.errors:
            return None
        label = (row.label.data or "").strip()
        key = (row.key.data or "").strip() or key_from(label)
        row.key.data = key
        return Criterion(key=key, label=label, required=bool(row.required.data), **numbers)


def key_from(label: str) -> str:
    """A criterion's key made from its label: « Utilité sociale » → utilite_sociale."""
    plain_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", plain_text).strip("_")[:40]


class FreezeForm(Form):
    confirm = BooleanField(_l("Je confirme : après cela, plus aucune relecture de cet appel ne peut être modifiée."))


class ReviewForm(Form):
    version = HiddenField()
    committee_comment = TextAreaField(_l("Commentaire pour le comité"), validators=[Length(max=10000)],
                                      render_kw={"rows": 6},
                                      description=_l("Lu par le comité et l'équipe d'instruction. Obligatoire pour "
                                                     "soumettre."))
    holder_comment = TextAreaField(_l("Commentaire pour le porteur de projet"), validators=[Length(max=5000)],
                                   render_kw={"rows": 4},
                                   description=_l("Facultatif. Montré au porteur sans votre nom, une fois la "
                                                  "décision rendue."))
    recommendation = RadioField(_l("Avis"), choices=list(RECOMMENDATIONS.items()), validate_choice=False,
                                validators=[Optional()])
    proposed_amount = FiniteDecimalField(_l("Montant proposé (€)"), places=2,
                                         validators=[Optional(), NumberRange(min=0, message=_l(
                                             "Saisissez un montant positif ou nul."))],
                                         render_kw={"inputmode": "decimal"})


def review_form(grid: Grid, *args, **kwargs) -> ReviewForm:
    """The review form of this grid: one text field per criterion (a number, or n/a where permitted)."""
    fields = {}
    for criterion in grid.criteria:
        scale = _("de %(minimum)s à %(maximum)s", minimum=plain(criterion.minimum), maximum=plain(criterion.maximum))
        help_text = scale if criterion.required else _("%(scale)s, ou « n/a » si le critère ne s'applique pas",
                                                       scale=scale)
        fields[score_field(criterion.key)] = StringField(criterion.label, description=help_text,
                                                          validators=[Length(max=20)],
                                                          render_kw={"inputmode": "decimal"})
    form_class = type("GridReviewForm", (ReviewForm,), fields)
    return form_class(*args, **kwargs)


def score_field(key: str) -> str:
    return f"score_{key}"


def typed_scores(form, grid: Grid) -> dict:
    """criterion key → what was typed, for `check_scores`."""
    return {c.key: getattr(form, score_field(c.key)).data for c in grid.criteria}


def shown_answer(value) -> str:
    """A stored answer as the form shows it back: 2,5 or n/a."""
    if value is None:
        return ""
    return NA if value == NA else str(value).replace(".", ",")
