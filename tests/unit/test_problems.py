"""Problems collects every field's first problem, so a form can report them all."""

from __future__ import annotations

import pytest

from server.errors import Invalid, InvalidFields, Problems, errors_of


def test_every_field_is_reported_once_in_the_forms_order():
    problems = Problems()
    with problems.check("date"):
        raise Invalid("The date must be a real date")
    with problems.check("title"):
        raise Invalid("Enter a title", field="title")
    with problems.check("title"):
        raise Invalid("A second problem with the title is not shown")
    with problems.check():
        raise InvalidFields({"summary": "Too long", "date": "Not this one either"})
    with pytest.raises(InvalidFields) as raised:
        problems.raise_any(order=("title", "date", "summary"))
    assert raised.value.errors == {
        "title": "Enter a title",
        "date": "The date must be a real date",
        "summary": "Too long",
    }
    assert list(raised.value.errors) == ["title", "date", "summary"]
    # One message still answers the API and the command line: the first.
    assert (raised.value.field, raised.value.message) == ("title", "Enter a title")
    assert errors_of(raised.value, "x") == raised.value.errors


def test_no_problem_raises_nothing_and_other_errors_pass_through():
    problems = Problems()
    with problems.check("title"):
        pass
    problems.raise_any()
    assert not problems
    with pytest.raises(KeyError), problems.check("title"):
        raise KeyError("not a form problem")
    assert errors_of(Invalid("Enter a title"), "title") == {"title": "Enter a title"}
