"""The input layer: text without control characters, numbers a database column holds, amounts that are numbers.

Every form derives from `Form` (or `SubForm` when nested), every decimal is a `FiniteDecimalField`, every
number read from an address goes through the `int` converter or `database_int`. Anything else is refused
here, in French, before it reaches a query.
"""
import re
from decimal import Decimal, InvalidOperation

from flask import Flask, abort, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.routing import IntegerConverter
from wtforms import DecimalField, StringField
from wtforms import Form as PlainForm
from wtforms.validators import StopValidation

from aap.core.errors import render_error

#: the largest id or page number an integer column holds (PostgreSQL's `integer`)
MAX_INT = 2**31 - 1
#: C0 and C1 control characters and DEL; tab, line feed and carriage return are ordinary text
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_IN_FIELD = _l("Ce texte contient un caractère de contrôle invisible, souvent copié avec le texte depuis "
                      "un autre document : retirez-le (ou retapez la fin du texte), puis enregistrez de nouveau.")
CONTROL_IN_ADDRESS = _l("L'adresse de cette page contient un caractère de contrôle invisible : retirez-le de votre "
                        "recherche, puis recommencez.")
NOT_A_NUMBER = _l("Saisissez un nombre, par exemple 12500 ou 12500,50.")
TOO_LARGE = _l("Ce nombre est trop grand : saisissez-le en euros (ou en unités), sans exposant.")
#: no amount, count or share in the application comes near this
LARGEST_NUMBER = Decimal("1e12")


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


def _no_control_characters(form, field) -> None:
    if any(isinstance(value, str) and has_control_characters(value) for value in field.raw_data or ()):
        raise StopValidation(str(CONTROL_IN_FIELD))


class _CheckedMeta:
    """Every text field of the form refuses control characters before any other check."""

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        if isinstance(field, StringField):
            field.validators = [_no_control_characters, *field.validators]
        return field


class Form(FlaskForm):
    """The base of every form of the application (CSRF included)."""

    Meta = type("Meta", (_CheckedMeta, FlaskForm.Meta), {})


class ActionForm(Form):
    """A button with nothing but its CSRF token."""


def sent_by_button(form: Form) -> Form:
    """A form that only buttons send: invalid means forged or expired, not mistyped (400)."""
    if not form.validate_on_submit():
        abort(400)
    return form


class SubForm(PlainForm):
    """The base of a form nested in another (FormField, FieldList), which has no CSRF token of its own."""

    Meta = type("Meta", (_CheckedMeta, PlainForm.Meta), {})


class FiniteDecimalField(DecimalField):
    """A decimal that is a number: NaN, infinities and huge exponents are refused, with the others' message."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            value = Decimal(valuelist[0].strip())
        except (InvalidOperation, ValueError):
            value = None
        if value is None or not value.is_finite():
            self.data = None
            raise ValueError(str(NOT_A_NUMBER))
        if abs(value) >= LARGEST_NUMBER:
            self.data = None
            raise ValueError(str(TOO_LARGE))
        self.data = value

    def pre_validate(self, form):
        if self.process_errors:  # the number could not be read: say only that
            raise StopValidation()


def database_int(text: str) -> int:
    """A positive whole number an integer column holds; for `request.args.get(…, type=database_int)`."""
    if not text.isdigit() or len(text) > len(str(MAX_INT)) or not 0 < int(text) <= MAX_INT:
        raise ValueError(text)
    return int(text)


class DatabaseIntegerConverter(IntegerConverter):
    """`<int:…>` matches no number beyond an integer column: such an address is simply not found."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_INT, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


def _refuse_control_characters_in_address():
    values = [text for key, values in request.args.lists() for text in (key, *values)]
    if any(isinstance(value, str) and has_control_characters(value)
           for value in [*values, *(request.view_args or {}).values()]):
        return render_error(400, str(CONTROL_IN_ADDRESS))
    return None


def init_app(app: Flask) -> None:
    """Before any route is added: the `int` converter is the bounded one."""
    app.url_map.converters["int"] = DatabaseIntegerConverter
    app.before_request(_refuse_control_characters_in_address)
