"""What a workflow's stages and actions are: the only words code may branch on.

Stage and action names belong to the workflow file and mean nothing to the code;
each declares one of these kinds instead, and every rule (quorum, who sees what,
publishing, notifications) is keyed by kind. tests/unit/test_no_workflow_names.py
holds the rest of server/ and templates/ to that."""

from __future__ import annotations

from enum import StrEnum


class StageKind(StrEnum):
    DRAFT = "draft"  # the owner writes; the stage a response returns to
    REVIEW = "review"  # a group reviews, comments and approves
    APPROVED = "approved"  # cleared, waiting to be published
    PUBLISHED = "published"  # visible to every member; entering it publishes


class ActionKind(StrEnum):
    ADVANCE = "advance"  # moves on, after its gates (submit)
    APPROVE = "approve"  # one reviewer's approval; the stage's quorum moves it on
    RETURN = "return"  # a reviewer sends it back (request changes)
    PUBLISH = "publish"  # enters a published stage, making the next publication
    WITHDRAW = "withdraw"  # the owner takes it back from review or approval
    REVISE = "revise"  # reopens a published response for a correction


class DraftReader(StrEnum):
    """Who, besides the owner and admins, reads a response that is not published."""

    DIRECTORS = "directors"  # every director
    REVIEWERS = "reviewers"  # members of the workflow's groups, from creation
    REVIEWERS_ONCE_HANDED = "reviewers-once-handed"  # a group, once a stage of theirs began


class Hook(StrEnum):
    """Work a stage runs as a response enters it (Wagtail's on_finish idea)."""

    PUBLISH_BRIEFING = "publish-briefing"


DEFAULT_DRAFT_READERS = (DraftReader.DIRECTORS, DraftReader.REVIEWERS_ONCE_HANDED)
# The moves that count as a reviewer having reviewed a revision.
REVIEW_KINDS = (ActionKind.APPROVE, ActionKind.RETURN)
