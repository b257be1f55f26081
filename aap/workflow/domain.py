"""What the workflow engine adds: the workflow pages, state timeouts, the daily audit checkpoint and the `workflow`
and `audit` commands."""
from aap.core.domains import Domain
from aap.core.signals import transition_applied
from aap.workflow import checkpoints, cli, views
from aap.workflow.timers import fire_due_timeouts, schedule_timeout

DOMAIN = Domain("workflow", blueprints=(views.bp,), receivers=((transition_applied, schedule_timeout),),
                sweeps=(("timeouts", fire_due_timeouts), ("audit_checkpoint", checkpoints.take_if_due)),
                commands=(cli.workflow, cli.audit))
