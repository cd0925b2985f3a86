"""The slow parts of workflow actions - rendering the briefing at submit and at
publish - run outside any write transaction, and what they found still holds
when the move is stored (compare-and-set), or nothing is stored."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlmodel import Session, select

from server.config import Settings
from server.errors import RenderFailed
from server.models import Publication, PublicationFile, Response
from server.publishing import service as publishing
from server.workflow import render_check
from server.workflow.service import take_action


def act(client: Any, rid: int, action: str, note: str = "") -> Any:
    return client.post(f"/api/v1/responses/{rid}/actions", json={"action": action, "note": note})


def test_while_a_briefing_renders_others_can_write_and_a_move_meanwhile_stops_the_publish(
    api_for, people, small, look, engine, monkeypatch
):
    look.set_stage(small, "approved")
    real = publishing.render_publication
    withdrawn: list[str] = []

    def render_while_someone_withdraws(*args: Any, **kwargs: Any) -> Any:
        # Another person withdraws the response while pandoc and Typst run. Were the
        # publish holding the write lock, this write would wait for it and time out.
        def withdraw() -> None:
            with Session(engine) as other:
                take_action(
                    other, people.admin, small, "withdraw", "Figures changed", settings=Settings()
                )
                other.commit()
                withdrawn.append("done")

        worker = threading.Thread(target=withdraw)
        worker.start()
        worker.join(timeout=15)
        assert withdrawn == ["done"], "a write waited for the rendering publish"
        return real(*args, **kwargs)

    monkeypatch.setattr(publishing, "render_publication", render_while_someone_withdraws)
    refused = act(api_for(people.director), small, "publish")
    assert refused.status_code == 409
    assert "moved on" in refused.json()["detail"]
    with Session(engine) as fresh:
        assert fresh.get(Response, small).stage == "draft"
        assert fresh.exec(select(Publication)).all() == []
        assert fresh.exec(select(PublicationFile)).all() == []


def test_a_publish_with_nothing_moving_meanwhile_is_stored_once(api_for, people, small, look):
    look.set_stage(small, "approved")
    director = api_for(people.director)
    assert act(director, small, "publish").json()["stage"] == "published"
    versions = director.get(f"/api/v1/responses/{small}/publications").json()
    assert [v["version"] for v in versions] == [1]


def _fails_on(word: str) -> Any:
    def render(snapshot: dict[str, Any], edition: Any) -> Any:
        if any(word in p["body"] for p in snapshot["positions"]):
            raise RenderFailed("the PDF compiler refused the text")
        return None

    return render


def test_submit_refuses_a_briefing_that_would_not_render_and_names_the_position(
    api_for, people, import_draft, look, monkeypatch
):
    from .conftest import SMALL_DRAFT

    text = SMALL_DRAFT.replace("The second text.", "The second text. UNPRINTABLE")
    rid = import_draft(people.director, text)
    monkeypatch.setattr(render_check, "render_all", _fails_on("UNPRINTABLE"))
    refused = act(api_for(people.director), rid, "submit")
    assert refused.status_code == 409
    assert refused.json()["reasons"] == [
        "position 2 “Second position” cannot be printed: the PDF compiler refused the text"
    ]
    assert look.response(rid).stage == "draft"


def test_the_briefing_check_at_submit_renders_the_real_briefing(api_for, people, small, look):
    assert act(api_for(people.director), small, "submit").json()["stage"] == "futures-review"


@pytest.mark.parametrize("bad", [[7], [0, 59], list(range(0, 60, 6))])
def test_finding_the_positions_at_fault_takes_a_bounded_number_of_renderings(bad):
    snapshot = {
        "summary": "",
        "positions": [
            {"number": n + 1, "heading": f"P{n + 1}", "body": "BAD" if n in bad else "ok"}
            for n in range(60)
        ],
    }
    calls: list[int] = []

    def render(part: dict[str, Any]) -> str | None:
        calls.append(1)
        return "broken" if any(p["body"] == "BAD" for p in part["positions"]) else None

    found = render_check.briefing_problems(snapshot, render)
    assert len(calls) <= render_check.MAX_RENDERS
    named = [r for r in found if r.startswith("position ")]
    assert named and all(int(r.split()[1]) - 1 in bad for r in named)
    if len(named) < len(bad):
        assert found[-1].startswith("other positions may also fail")
