"""Every save is a revision; stale saves are refused; old revisions can be restored."""

import pytest

from server.drafting import editing, revisions
from server.drafting.responses import ResponseInput, get_response, positions_of
from server.errors import Conflict, Forbidden, Invalid, NotFound, StaleRevision


def _new(session, actor):
    response = editing.create_response(
        session, actor, ResponseInput(title="Our response", rt_title="A report")
    )
    session.commit()
    return response


def _add(session, actor, response, heading, body="Text.", themes=("efficiency",)):
    position = editing.add_position(
        session,
        actor,
        response.id,
        heading=heading,
        body=body,
        themes_refs=list(themes),
        base_revision=get_response(session, response.id).revision,
    )
    session.commit()
    return position


def test_creating_then_adding_positions_makes_a_revision_per_save(session, people):
    response = _new(session, people.director)
    _add(session, people.director, response, "One")
    _add(session, people.director, response, "Two")
    rows = revisions.history(session, response.id)
    assert [r.revision.number for r in rows] == [3, 2, 1]
    assert rows[0].revision.changed == ["Two"]
    assert rows[0].author == "Director"
    assert [p["heading"] for p in rows[0].revision.snapshot["positions"]] == ["One", "Two"]


def test_a_save_based_on_an_old_revision_is_refused_and_changes_nothing(session, people):
    response = _new(session, people.director)
    position = _add(session, people.director, response, "One", "First text.")
    with pytest.raises(StaleRevision) as caught:
        editing.update_position(
            session,
            people.director,
            response.id,
            position.id,
            heading="One",
            body="Overwrite!",
            themes_refs=[],
            base_revision=1,
        )
    session.rollback()
    assert caught.value.current == 2
    assert positions_of(session, response.id)[0].body == "First text."
    assert get_response(session, response.id).revision == 2


def test_a_revision_from_the_future_is_refused(session, people):
    response = _new(session, people.director)
    with pytest.raises(StaleRevision):
        editing.add_position(
            session,
            people.director,
            response.id,
            heading="x",
            body="",
            themes_refs=[],
            base_revision=99,
        )


def test_rendered_html_is_stored_with_the_position(session, people):
    response = _new(session, people.director)
    _add(session, people.director, response, "One", "Some **bold** words")
    assert "<strong>bold</strong>" in positions_of(session, response.id)[0].body_html


def test_restoring_an_old_revision_makes_it_the_newest_and_revives_deleted_positions(
    session, people
):
    response = _new(session, people.director)
    first = _add(session, people.director, response, "One", "Original wording.")
    _add(session, people.director, response, "Two")
    editing.update_position(
        session,
        people.director,
        response.id,
        first.id,
        heading="One",
        body="New wording.",
        themes_refs=["efficiency"],
        base_revision=3,
    )
    editing.delete_position(session, people.director, response.id, first.id, 4)
    session.commit()
    assert [p.heading for p in positions_of(session, response.id)] == ["Two"]
    made = editing.restore_revision(session, people.director, response.id, 3, 5)
    session.commit()
    assert made.number == 6
    restored = positions_of(session, response.id)
    assert [(p.heading, p.body) for p in restored] == [
        ("One", "Original wording."),
        ("Two", "Text."),
    ]
    assert restored[0].theme_slugs == ["efficiency"]


def test_moving_and_reordering_positions(session, people):
    response = _new(session, people.director)
    a = _add(session, people.director, response, "A")
    b = _add(session, people.director, response, "B")
    c = _add(session, people.director, response, "C")
    editing.move_position(session, people.director, response.id, c.id, -1, 4)
    session.commit()
    assert [p.heading for p in positions_of(session, response.id)] == ["A", "C", "B"]
    editing.reorder_positions(session, people.director, response.id, [b.id, a.id, c.id], 5)
    session.commit()
    assert [p.heading for p in positions_of(session, response.id)] == ["B", "A", "C"]
    with pytest.raises(Invalid):
        editing.reorder_positions(session, people.director, response.id, [a.id, a.id, c.id], 6)


def test_compare_shows_word_changes_by_position(session, people):
    response = _new(session, people.director)
    position = _add(session, people.director, response, "One", "The cat sat.")
    editing.update_position(
        session,
        people.director,
        response.id,
        position.id,
        heading="One",
        body="The dog sat.",
        themes_refs=["efficiency", "climate-change"],
        base_revision=2,
    )
    session.commit()
    diff = revisions.compare(
        revisions.get_revision(session, response.id, 2),
        revisions.get_revision(session, response.id, 3),
    )
    (change,) = diff.changed
    assert change.kind == "changed"
    assert "cat" in str(change.body_diff) and "dog" in str(change.body_diff)
    assert sorted(change.themes_new) == ["climate-change", "efficiency"]


def test_a_position_of_another_response_cannot_be_edited_through_this_one(session, people):
    mine = _new(session, people.director)
    other = _new(session, people.director)
    theirs = _add(session, people.director, other, "Elsewhere")
    with pytest.raises(NotFound):
        editing.update_position(
            session,
            people.director,
            mine.id,
            theirs.id,
            heading="x",
            body="",
            themes_refs=[],
            base_revision=1,
        )


def test_only_the_owner_or_an_admin_edits(session, people):
    response = _new(session, people.director)
    for actor in (people.director2, people.futures, people.member):
        with pytest.raises((Forbidden, NotFound)):
            editing.add_position(
                session, actor, response.id, heading="x", body="", themes_refs=[], base_revision=1
            )
    editing.add_position(
        session,
        people.admin,
        response.id,
        heading="By admin",
        body="",
        themes_refs=[],
        base_revision=1,
    )


def test_positions_cannot_change_outside_draft(session, people):
    response = _new(session, people.director)
    response.stage = "futures-review"
    session.add(response)
    session.commit()
    with pytest.raises(Conflict):
        editing.add_position(
            session,
            people.director,
            response.id,
            heading="x",
            body="",
            themes_refs=[],
            base_revision=1,
        )


def test_empty_and_overlong_input_is_refused(session, people):
    response = _new(session, people.director)
    with pytest.raises(Invalid, match="heading"):
        editing.add_position(
            session,
            people.director,
            response.id,
            heading="  ",
            body="",
            themes_refs=[],
            base_revision=1,
        )
    with pytest.raises(Invalid, match="at most"):
        editing.add_position(
            session,
            people.director,
            response.id,
            heading="h",
            body="x" * 50_001,
            themes_refs=[],
            base_revision=1,
        )
    with pytest.raises(Invalid, match="unknown theme"):
        editing.add_position(
            session,
            people.director,
            response.id,
            heading="h",
            body="",
            themes_refs=["nonsense"],
            base_revision=1,
        )
    assert get_response(session, response.id).revision == 1
