"""Themes: core ones seeded; retired themes stay on old positions only."""

import pytest

from server.drafting import editing
from server.drafting.responses import ResponseInput, positions_of
from server.errors import Conflict, Invalid
from server.themes import service


def test_the_three_core_themes_are_seeded(session):
    assert {(t.slug, t.name) for t in service.core_themes(session)} == {
        ("climate-change", "Climate change"),
        ("social-inclusion", "Social inclusion"),
        ("efficiency", "Efficiency"),
    }


def test_adding_a_theme_makes_its_slug_and_refuses_duplicates(session):
    theme = service.create_theme(session, "Open standards")
    assert theme.slug == "open-standards"
    with pytest.raises(Conflict):
        service.create_theme(session, "Open Standards")


def test_a_retired_theme_stays_on_old_positions_but_cannot_be_added(session, people):
    service.create_theme(session, "Data sharing")
    session.commit()
    response = editing.create_response(
        session, people.director, ResponseInput(title="R", rt_title="P")
    )
    old = editing.add_position(
        session,
        people.director,
        response.id,
        heading="Old",
        body="",
        themes_refs=["data-sharing"],
        base_revision=1,
    )
    service.set_retired(session, "data-sharing", True)
    session.commit()
    editing.update_position(
        session,
        people.director,
        response.id,
        old.id,
        heading="Old",
        body="edited",
        themes_refs=["data-sharing"],
        base_revision=2,
    )
    session.commit()
    assert positions_of(session, response.id)[0].theme_slugs == ["data-sharing"]
    with pytest.raises(Invalid, match="retired"):
        editing.add_position(
            session,
            people.director,
            response.id,
            heading="New",
            body="",
            themes_refs=["data-sharing"],
            base_revision=3,
        )


def test_themes_can_be_named_by_name_ignoring_case(session):
    assert [t.slug for t in service.resolve(session, ["CLIMATE CHANGE", "efficiency"])] == [
        "climate-change",
        "efficiency",
    ]
