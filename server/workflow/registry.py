"""The workflows in force, loaded once per process from the workflows folder."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from ..config import get_settings
from .definitions import Workflow, load_all

if TYPE_CHECKING:
    from ..models import Response

DEFAULT_WORKFLOW = "socitm-policy"


@lru_cache
def workflows() -> dict[str, Workflow]:
    return load_all(get_settings().workflows_dir)


def get_workflow(name: str) -> Workflow | None:
    return workflows().get(name)


def workflow_for(response: Response) -> Workflow:
    found = workflows().get(response.workflow)
    if found is None:  # the file was removed after the response chose it
        return workflows()[DEFAULT_WORKFLOW]
    return found
