"""The `briefing-renders` gate: would this response print? Asked at submit, so a
briefing that cannot be rendered is refused then, not discovered at publish.

It renders the snapshot the way publishing would (publishing/render.py), outside
any transaction (see service.py). When the whole fails, halves of the positions
are rendered alone to name the ones at fault: at most MAX_RENDERS renderings in
all, then the reasons found so far and a general one."""

from __future__ import annotations

import hashlib
import json
import logging
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..errors import RenderFailed
from ..models import utcnow
from ..publishing.render import Edition, render_all

log = logging.getLogger(__name__)
MAX_RENDERS = 12
# Verdicts by the snapshot's digest, so a resubmission of the same text after a
# request for changes does not render again: 256 short lists at most.
_VERDICTS: OrderedDict[str, list[str]] = OrderedDict()
VERDICTS_KEPT = 256
Renderer = Callable[[dict[str, Any]], str | None]


def try_render(snapshot: dict[str, Any], at: datetime | None = None) -> str | None:
    """None when the snapshot renders in every format, else why not (no paths shown).

    The one call to swap for a dedicated test-render when publishing offers one."""
    try:
        render_all(snapshot, Edition(1, at or utcnow()))
    except RenderFailed as exc:
        return exc.message
    except Exception:  # any failure of the converters is a refusal, never a 500
        log.exception("test rendering failed")
        return "the briefing could not be printed"
    return None


def briefing_problems(snapshot: dict[str, Any], render: Renderer | None = None) -> list[str]:
    """Every reason the briefing would not render, naming positions where it can."""
    if render is not None:
        return _problems(snapshot, render)
    digest = hashlib.sha256(json.dumps(snapshot, sort_keys=True).encode()).hexdigest()
    if digest in _VERDICTS:
        _VERDICTS.move_to_end(digest)
        return list(_VERDICTS[digest])
    found = _problems(snapshot, try_render)
    _VERDICTS[digest] = found
    while len(_VERDICTS) > VERDICTS_KEPT:
        _VERDICTS.popitem(last=False)
    return list(found)


def _problems(snapshot: dict[str, Any], render: Renderer) -> list[str]:
    whole = render(snapshot)
    if whole is None:
        return []
    budget = [MAX_RENDERS - 1]
    positions = snapshot["positions"]
    found: list[str] = []

    def alone(part: list[dict[str, Any]], with_summary: bool) -> str | None:
        budget[0] -= 1
        sub = {**snapshot, "positions": part}
        if not with_summary:
            sub.update(summary="", summary_html="")
        return render(sub)

    if snapshot.get("summary"):
        summary_fault = alone([], True)
        if summary_fault is not None:
            found.append(f"the summary cannot be printed: {summary_fault}")

    def search(part: list[dict[str, Any]]) -> None:
        if not part or budget[0] <= 0:
            return
        reason = alone(part, False)
        if reason is None:
            return
        if len(part) == 1:
            p = part[0]
            found.append(f"position {p['number']} “{p['heading']}” cannot be printed: {reason}")
            return
        middle = len(part) // 2
        search(part[:middle])
        search(part[middle:])

    search(positions)
    if not found:
        found.append(f"the briefing cannot be printed: {whole}")
    elif budget[0] <= 0:
        found.append("other positions may also fail: fix these and submit again")
    return found
