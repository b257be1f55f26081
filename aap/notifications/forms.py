from flask_babel import lazy_gettext as _l
from wtforms import RadioField

from aap.core.inputs import Form

CHANNEL_LABELS = {"immediate": _l("Par courriel, tout de suite"), "digest": _l("Dans un résumé quotidien"),
                  "off": _l("Pas de courriel")}


def preferences_form(events, current: dict[str, str], formdata=None):
    """One radio group per event that may be switched off; essential events are shown, not offered."""

    class PreferencesForm(Form):
        pass

    for event in events:
        if not event.essential:
            setattr(PreferencesForm, event.name, RadioField(event.label, choices=list(CHANNEL_LABELS.items()),
                                                            default=current.get(event.name, "immediate")))
    return PreferencesForm(formdata=formdata) if formdata is not None else PreferencesForm()
