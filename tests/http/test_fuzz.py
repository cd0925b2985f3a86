"""API fuzzing: Schemathesis sends generated requests for every operation in the
OpenAPI schema, as a director and as an admin, in-process; no answer may be a 5xx,
and every answer must match the schema (status code, content type, body)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import APIOperation, GenerationMode, checks
from sqlmodel import Session

from server.accounts.tokens import create_token
from server.comments.service import create_comment
from server.config import Settings
from server.drafting.question_store import add_block
from server.drafting.responses import get_response, positions_of
from server.workflow.service import take_action

# Per operation, per role: small, so both engines finish in a couple of minutes.
EXAMPLES = 20
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


@dataclass
class Site:
    tokens: dict[str, str]
    # Ids that exist, pinned in some of the requests so that bodies reach real rows.
    known: dict[str, int]


@pytest.fixture
def site(session: Session, people, oep, small) -> Site:
    """Something for the fuzzer to find: a draft, and one in review with a comment."""
    take_action(session, people.director, small, "submit", settings=Settings())
    session.commit()
    comment = create_comment(session, people.futures, small, body="Why?")
    session.commit()
    revision = get_response(session, oep).revision
    add_block(session, people.director, oep, "Question 1: Is the aim right?", revision)
    session.commit()
    tokens = {
        role: create_token(session, getattr(people, role).id, "fuzz")[1]
        for role in ("director", "admin")
    }
    session.commit()
    known = {
        "response_id": oep,
        "position_id": positions_of(session, oep)[0].id,
        "comment_id": comment.id or 0,
        "version": 1,
        "ref": 1,
    }
    return Site(tokens, known)


def strategy(operation: APIOperation, mode: GenerationMode, known: dict[str, int]) -> Any:
    """Generated requests, half of them with the path's ids pinned to rows that exist."""
    names = re.findall(r"{(\w+)}", operation.path)
    anywhere = operation.as_strategy(generation_mode=mode)
    if not names:
        return anywhere
    pinned = {name: known[name] for name in names}
    return st.one_of(anywhere, operation.as_strategy(generation_mode=mode, path_parameters=pinned))


@pytest.mark.parametrize("role", ["director", "admin"])
def test_every_operation_answers_within_its_schema(app, site, role):
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = {"Authorization": f"Bearer {site.tokens[role]}"}
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in GenerationMode:
            failure = fuzz_operation(strategy(operation, mode, site.known), headers)
            if failure:
                failures.append(f"{operation.label} ({mode.value}): {failure}")
    assert not failures, "\n".join(failures)


def fuzz_operation(cases: Any, headers: dict[str, str]) -> str:
    """Run the checks on generated cases; the first failure as one line, or ''."""

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: schemathesis.Case) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)

    try:
        fuzz()
    except Unsatisfiable:  # nothing to make invalid: no parameters and no body
        return ""
    except (Exception, BaseExceptionGroup) as exc:  # keep going: one run reports them all
        return " ".join(str(exc).split())[:800]
    return ""
