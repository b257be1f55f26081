"""What a domain adds to the app, declared in its `domain.py`; the factory registers every domain from one list."""
from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Flask


@dataclass(frozen=True)
class Domain:
    name: str
    blueprints: tuple[Blueprint, ...] = ()
    #: functions made by @guard and @effect (aap.workflow.registry) that workflow files may name
    guards: tuple[Callable, ...] = ()
    effects: tuple[Callable, ...] = ()
    #: (name, label) of the events a transition's `when:` may name; the domain's operations fire them
    events: tuple[tuple[str, str], ...] = ()
    #: (signal, receiver) pairs connected once, whatever the number of apps built
    receivers: tuple[tuple[object, Callable], ...] = ()
    #: functions made by @reminder_kind (aap.notifications.reminders)
    reminder_kinds: tuple[Callable, ...] = ()
    #: functions made by @attachment_builder (aap.mail.attachments): files a mail names, made at delivery
    attachment_builders: tuple[Callable, ...] = ()
    #: (name, function(now) → count) run by the periodic tick, in the order of the list of domains
    sweeps: tuple[tuple[str, Callable], ...] = ()
    #: click commands and groups added under `flask aap`
    commands: tuple = ()
    #: commands that exist outside production only
    development_commands: tuple = ()
    #: the model a workflow moves (aap.workflow.subject), for the domain that owns it
    workflow_subject: type | None = None
    #: what else the domain sets up on each app: error pages, headers, template filters
    setup: Callable[[Flask], None] | None = None
