"""The bilan's forms: the administrator's texts, and the publication that confirms what was previewed."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from aap.bilan.operations import MAX_NOTE, MAX_TEXT
from aap.core.inputs import Form

TOO_LONG = _l("Ce texte dépasse 20 000 caractères : raccourcissez-le.")
NOTE_TOO_LONG = _l("La note de correction dépasse 2 000 caractères : raccourcissez-la.")
MARKDOWN_HELP = _l("Mise en forme Markdown : une ligne vide entre deux paragraphes, **gras**, *italique*, « - » en "
                   "début de ligne pour une liste, [texte](https://adresse) pour un lien. Le HTML n'est pas "
                   "interprété.")


class TextsForm(Form):
    introduction = TextAreaField(
        _l("Introduction"), render_kw={"rows": 8},
        description=_l("Placée en tête du bilan, avant les chiffres clés : le contexte de l'édition, ses priorités. "
                       "%(help)s", help=MARKDOWN_HELP),
        validators=[Optional(), Length(max=MAX_TEXT, message=TOO_LONG)])
    commentary = TextAreaField(
        _l("Commentaire"), render_kw={"rows": 8},
        description=_l("Placé après les chiffres et les structures soutenues : ce que l'édition montre, ce qui "
                       "change pour la suivante. %(help)s", help=MARKDOWN_HELP),
        validators=[Optional(), Length(max=MAX_TEXT, message=TOO_LONG)])
    #: the digest of the stored texts when the page was shown, so that two administrators never overwrite each other
    based_on = HiddenField(validators=[DataRequired(), Length(max=64)])


class PublishForm(Form):
    #: the number this publication will take and the digest of the texts previewed: one click publishes one version
    number = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=1, max=10_000)])
    seen = HiddenField(validators=[DataRequired(), Length(max=64)])
    correction_note = TextAreaField(
        _l("Ce que corrige cette version"), render_kw={"rows": 3},
        description=_l("Affiché sur les versions précédentes, qui restent lisibles, et sur celle-ci : par exemple "
                       "« Montant versé à la Ressourcerie du Landy rectifié »."),
        validators=[Optional(), Length(max=MAX_NOTE, message=NOTE_TOO_LONG)])
    confirm = BooleanField(
        _l("J'ai relu l'aperçu ; une fois publié, le bilan est public et ne change plus (une correction en sera une "
           "nouvelle version)."),
        validators=[DataRequired(_l("Cochez la case pour confirmer que vous avez relu l'aperçu avant de publier."))])
