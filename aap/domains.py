"""The list of domains, lowest layer first, and how the factory plugs each one into an app."""
from flask import Flask

from aap import cli
from aap.admin.domain import DOMAIN as ADMIN
from aap.auth.domain import DOMAIN as AUTH
from aap.bilan.domain import DOMAIN as BILAN
from aap.bulk.domain import DOMAIN as BULK
from aap.calls.domain import DOMAIN as CALLS
from aap.committee.domain import DOMAIN as COMMITTEE
from aap.core.domain import DOMAIN as CORE
from aap.core.periodic import register_sweep
from aap.decisions.domain import DOMAIN as DECISIONS
from aap.dossiers.domain import DOMAIN as DOSSIERS
from aap.instruction.domain import DOMAIN as INSTRUCTION
from aap.mail.attachments import register_builders
from aap.mail.domain import DOMAIN as MAIL
from aap.notifications.domain import DOMAIN as NOTIFICATIONS
from aap.notifications.reminders import register_kinds
from aap.organisations.domain import DOMAIN as ORGANISATIONS
from aap.review.domain import DOMAIN as REVIEW
from aap.workflow import registry
from aap.workflow.domain import DOMAIN as WORKFLOW
from aap.workflow.subject import register_subject

DOMAINS = (CORE, MAIL, AUTH, NOTIFICATIONS, ORGANISATIONS, WORKFLOW, CALLS, DOSSIERS, INSTRUCTION, REVIEW, COMMITTEE,
           DECISIONS, BULK, ADMIN, BILAN)


def register_parts(domains=DOMAINS) -> None:
    """What lives in the process rather than in an app: names workflow files use, reminders, mail attachments,
    sweeps, receivers."""
    for domain in domains:
        registry.register(domain.guards, domain.effects, domain.events)
        register_kinds(domain.reminder_kinds)
        register_builders(domain.attachment_builders)
        for name, sweep in domain.sweeps:
            register_sweep(name, sweep)
        for signal, receiver in domain.receivers:
            signal.connect(receiver)
        if domain.workflow_subject is not None:
            register_subject(domain.workflow_subject)


def plug_in(app: Flask, domains=DOMAINS) -> None:
    register_parts(domains)
    for domain in domains:
        for blueprint in domain.blueprints:
            app.register_blueprint(blueprint)
        if domain.setup is not None:
            domain.setup(app)
    app.cli.add_command(cli.build_group(app, domains))
