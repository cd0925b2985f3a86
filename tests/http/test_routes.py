"""The app's routes in the order they are matched: none hides another."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any


def _in_matching_order(routes: list[Any]) -> Iterator[Any]:
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:  # an included router: its routes, in place
            yield from _in_matching_order(inner.routes)
        elif hasattr(route, "path_regex"):
            yield route


def test_routes_do_not_shadow_one_another(app):
    routes = list(_in_matching_order(app.routes))
    assert len(routes) > 50  # every router was walked
    for route in routes:
        methods = getattr(route, "methods", None) or {"GET"}
        example = re.sub(r"\{[^}]+\}", "7", route.path) + ("/x" if route.path == "/static" else "")
        first = next(
            r
            for r in routes
            if r.path_regex.match(example) and methods & (getattr(r, "methods", None) or {"GET"})
        )
        assert first is route, f"{sorted(methods)} {route.path} is taken by {first.path}"


def test_the_response_page_is_among_the_first_routes_tried(app):
    paths = [r.path for r in _in_matching_order(app.routes)]
    assert paths.index("/responses/{response_id}") < 20
