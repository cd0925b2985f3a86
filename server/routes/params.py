"""Parameter declarations shared by the routes, and the one parser of ids.

An id is 1 to 10 ASCII digits naming a number from 1 to 2**31 - 1, wherever it comes
from: a path, a query string, a form field or JSON. Python's int() and pydantic's lax
mode would also take "٣" (Arabic-Indic three), "+3", " 3", "3.0", "3_0" or true;
"²" passes str.isdigit() yet int() refuses it. Anything else is a 422 with the reason."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from ..errors import Invalid

ID_MAX = 2**31 - 1
_DIGITS = frozenset("0123456789")


def _id_problem(value: object) -> str | None:
    """Why a value is not an id, or None when it is one."""
    if isinstance(value, bool):
        return "must be a number, not true or false"
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        if not value or len(value) > 10 or not set(value) <= _DIGITS:
            return "must be written with the digits 0-9 only"
        number = int(value)
    else:
        return "must be a whole number written with the digits 0-9"
    if not 1 <= number <= ID_MAX:
        return f"must be between 1 and {ID_MAX}"
    return None


def parse_id(value: object, field: str) -> int:
    """The id in value, or Invalid saying what is wrong with it."""
    problem = _id_problem(value)
    if problem:
        raise Invalid(f"{field} {problem}", field=field)
    return int(value)  # type: ignore[call-overload]


def optional_form_id(value: str, field: str) -> int | None:
    """A form's id field: empty means none; anything else must be an id."""
    return None if value == "" else parse_id(value, field)


def _validate(value: object) -> object:
    """Before pydantic reads a path or query id: refuse what its lax int parsing would
    take; digits go on to its range checks (ge/le), which word their own messages."""
    if not isinstance(value, str):
        return value
    digits = value[1:] if value.startswith("-") else value  # "-3": too small, says ge
    if not (digits and set(digits) <= _DIGITS):
        raise PydanticCustomError(
            "int_parsing", "Input should be a valid integer, written with the digits 0-9 only"
        )
    if len(digits) > 10 and digits == value:  # not parsed at all: it is out of range
        raise PydanticCustomError(
            "less_than_equal", f"Input should be less than or equal to {ID_MAX}"
        )
    return value


_CHECK = BeforeValidator(_validate)


def Id() -> Any:  # noqa: N802  (reads like a type in route signatures)
    """A database id in a path. A fresh Path() per parameter: FastAPI writes the
    parameter's name onto the object, so one shared object would make a route's
    second id silently read the first."""
    declared = Path(ge=1, le=ID_MAX)
    declared.metadata.append(_CHECK)
    return declared


def QueryId(**options: Any) -> Any:  # noqa: N802
    """An id in a query string (optional unless a default is given)."""
    declared = Query(ge=1, le=ID_MAX, **options)
    declared.metadata.append(_CHECK)
    return declared


# An id in JSON: a number, never a string, a float or true.
JsonId = Annotated[int, Field(strict=True, ge=1, le=ID_MAX)]
