"""The workflows in force, loaded once per process from the workflows folder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Settings
from .definitions import Workflow, load_all

if TYPE_CHECKING:
    from ..models import Response

DEFAULT_WORKFLOW = "socitm-policy"


# The folder comes from the app's settings (use_folder, called by create_app and the
# command line); until then, the default folder of Settings.
_folder: list[Path] = [Settings.model_fields["workflows_dir"].default]
_loaded: dict[Path, dict[str, Workflow]] = {}


def use_folder(folder: Path) -> dict[str, Workflow]:
    """Load the workflows from this folder (WorkflowError if one is invalid) and use
    them from now on, in this process."""
    found = _loaded.get(folder) or load_all(folder)
    _loaded[folder] = found
    _folder[0] = folder
    return found


def workflows() -> dict[str, Workflow]:
    return _loaded.get(_folder[0]) or use_folder(_folder[0])


def get_workflow(name: str) -> Workflow | None:
    return workflows().get(name)


def workflow_for(response: Response) -> Workflow:
    found = workflows().get(response.workflow)
    if found is None:  # the file was removed after the response chose it
        return workflows()[DEFAULT_WORKFLOW]
    return found


def reviews_by_group() -> dict[str, list[str]]:
    """Each group's review stages, in the words of the workflows that name them:
    "Futures review (Policy response)"."""
    found: dict[str, list[str]] = {}
    for workflow in workflows().values():
        for name, stage in workflow.stages.items():
            if stage.group:
                found.setdefault(stage.group, []).append(
                    f"{workflow.label(name)} ({workflow.title or workflow.name})"
                )
    return found


def group_name(slug: str) -> str:
    """A reviewer group as people call it: the `group_name` a workflow gives it, or
    its slug in words ("advisory-council" -> "Advisory council")."""
    for workflow in workflows().values():
        for stage in workflow.stages.values():
            if stage.group == slug and stage.group_name:
                return stage.group_name
    words = slug.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]
