"""Writes of the workflow domain: a workflow file pinned as the version a call follows."""
from pathlib import Path

from flask import current_app

from aap.extensions import db
from aap.workflow import schema
from aap.workflow.definitions import Workflow
from aap.workflow.models import WorkflowVersion


def workflows_folder() -> Path:
    return Path(current_app.config.get("WORKFLOWS_FOLDER") or Path(current_app.root_path).parent / "workflows")


def load_named(name: str) -> Workflow:
    path = workflows_folder() / f"{name}.yaml"
    if not path.is_file():
        raise schema.InvalidWorkflow([schema.WorkflowError(str(path), 0, "fichier de workflow introuvable")])
    return schema.load_file(path)


def pin_version(workflow: Workflow) -> WorkflowVersion:
    """The stored copy of this exact file, made once; dossiers follow it whatever happens to the file."""
    existing = db.session.execute(db.select(WorkflowVersion).where(
        WorkflowVersion.name == workflow.name, WorkflowVersion.digest == workflow.digest)).scalar_one_or_none()
    if existing is not None:
        return existing
    version = WorkflowVersion(name=workflow.name, version=workflow.version, source=workflow.source,
                              digest=workflow.digest)
    db.session.add(version)
    db.session.flush()
    return version
