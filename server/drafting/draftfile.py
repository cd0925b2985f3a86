"""Draft files: Markdown with YAML front matter, one '## ' heading per position.

    ---
    title: Our response to ...
    responding_to: {title: ..., publisher: ..., date: 2009-04-22, url: https://...,
                    closes: 2009-07-15}
    summary: One paragraph.
    workflow: socitm-policy
    ---

    ## A position's heading

    Themes: efficiency, climate-change
    Answers: 1, 3a
    Key: yes

    The position's text in Markdown.

The 'Themes:' line is the first line under the heading; it lists theme slugs
(or names), separated by commas, and may be left out while drafting. A response
to a consultation lists the consultation's questions in the front matter
(questions: a list of {ref, text}, optionally not_answering and word_limit), and
an 'Answers:' line beside 'Themes:' names the questions a position answers.
'Key: yes' beside them marks the position as one of the briefing's key asks.
'closes' under responding_to is the day the consultation closes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..text.markdown import parser
from .questions import REF_MAX, normalise_ref

THEMES_PREFIX = "themes:"
ANSWERS_PREFIX = "answers:"
KEY_PREFIX = "key:"
KEY_VALUES = {"yes": True, "no": False}
# Front matter is a few keys, two levels deep: far deeper nesting is a broken file, and
# PyYAML would recurse once per level (5,000 levels: RecursionError).
MAX_DEPTH = 20


class _FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader that refuses deep nesting and reads dates as text, so that a date
    such as 2009-13-45 gets our message instead of a ValueError from PyYAML."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.MarkedYAMLError(
                    problem=f"nested more than {MAX_DEPTH} levels deep",
                    problem_mark=self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class DraftFileError(Exception):
    """One line: where the file is broken and what to do about it."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}")
        self.line = line
        self.problem = problem


@dataclass
class DraftPosition:
    heading: str
    body: str
    themes: list[str]
    line: int
    themes_line: int
    answers: list[str] = field(default_factory=list)
    answers_line: int = 0
    key: bool = False


@dataclass
class DraftQuestion:
    ref: str
    text: str
    not_answering: str = ""
    word_limit: int | None = None


@dataclass
class Draft:
    title: str
    rt_title: str
    rt_publisher: str = ""
    rt_date: dt.date | None = None
    rt_url: str = ""
    summary: str = ""
    workflow: str = "socitm-policy"
    rt_closes: dt.date | None = None
    positions: list[DraftPosition] = field(default_factory=list)
    questions: list[DraftQuestion] = field(default_factory=list)


def _split_front_matter(text: str) -> tuple[str, str, int]:
    """(yaml, body, line number where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise DraftFileError(1, "the file must start with '---' and YAML front matter")
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    raise DraftFileError(1, "the front matter opened on line 1 is never closed with '---'")


def _text(meta: dict[str, Any], key: str, line: int, *, required: bool = False) -> str:
    value = meta.get(key)
    if value is None:
        if required:
            raise DraftFileError(line, f"'{key}' is missing from the front matter")
        return ""
    if isinstance(value, dt.date | int | float):
        return str(value)
    if not isinstance(value, str):
        raise DraftFileError(line, f"'{key}' must be text")
    return value.strip()


def parse_draft(text: str) -> Draft:
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    front, body, body_start = _split_front_matter(text)
    try:
        meta = yaml.load(front, Loader=_FrontMatterLoader) or {}  # noqa: S506  (a SafeLoader)
    except (ValueError, TypeError, RecursionError) as exc:  # a backstop: never a traceback
        raise DraftFileError(2, f"the front matter cannot be read ({type(exc).__name__})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 2) if mark else 1
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise DraftFileError(line, f"the front matter is not valid YAML ({problem})") from None
    if not isinstance(meta, dict):
        raise DraftFileError(2, "the front matter must be 'key: value' lines")
    rt = meta.get("responding_to") or {}
    if not isinstance(rt, dict):
        raise DraftFileError(2, "'responding_to' must have title, publisher, date and url")
    rt_date = _date(rt, "date")
    rt_closes = _date(rt, "closes")
    draft = Draft(
        title=_text(meta, "title", 2, required=True),
        rt_title=_text(rt, "title", 2, required=True) if rt else "",
        rt_publisher=_text(rt, "publisher", 2),
        rt_date=rt_date or None,
        rt_url=_text(rt, "url", 2),
        rt_closes=rt_closes,
        summary=_text(meta, "summary", 2),
        workflow=_text(meta, "workflow", 2) or "socitm-policy",
    )
    if not draft.rt_title:
        raise DraftFileError(2, "'responding_to' with at least a 'title' is missing")
    draft.questions = _questions(meta.get("questions"))
    draft.positions = _positions(body, body_start)
    if not draft.positions:
        raise DraftFileError(body_start, "no positions: start each one with a '## ' heading")
    refs = {q.ref for q in draft.questions}
    for position in draft.positions:
        position.answers = [normalise_ref(a) for a in position.answers]
        unknown = [a for a in position.answers if a not in refs]
        if unknown:
            raise DraftFileError(
                position.answers_line,
                f"'Answers:' names question {', '.join(unknown)}, which is not in the "
                "front matter's 'questions'",
            )
    return draft


def _date(rt: dict[str, Any], key: str) -> dt.date | None:
    value = rt.get(key)
    if isinstance(value, str) and value.strip():
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise DraftFileError(2, f"responding_to {key} {value!r} is not YYYY-MM-DD") from None
    if value is not None and value != "" and not isinstance(value, dt.date):
        raise DraftFileError(2, f"responding_to {key} must be written YYYY-MM-DD")
    return value or None


def _questions(value: Any) -> list[DraftQuestion]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise DraftFileError(2, "'questions' must be a list of {ref, text}")
    found: list[DraftQuestion] = []
    for n, item in enumerate(value, start=1):
        if not isinstance(item, dict) or item.get("ref") is None or not item.get("text"):
            raise DraftFileError(2, f"question {n} in 'questions' needs a 'ref' and a 'text'")
        ref = normalise_ref(str(item["ref"]))
        if not ref or len(ref) > REF_MAX or not ref.isalnum():
            raise DraftFileError(2, f"question {n} has a ref {item['ref']!r}: use one like 3a")
        if any(q.ref == ref for q in found):
            raise DraftFileError(2, f"question {ref} appears twice in 'questions'")
        limit = item.get("word_limit")
        if limit is not None and (not isinstance(limit, int) or limit < 1):
            raise DraftFileError(2, f"question {ref}'s word_limit must be a whole number")
        found.append(
            DraftQuestion(
                ref,
                _text(item, "text", 2),
                _text(item, "not_answering", 2),
                limit,
            )
        )
    return found


def _positions(body: str, first_line: int) -> list[DraftPosition]:
    lines = body.split("\n")
    # Only real level-2 headings count: a '## ' inside a code block is text.
    tokens = parser().parse(body)
    starts = [
        (tok.map[0], tokens[i + 1].content)
        for i, tok in enumerate(tokens)
        if tok.type == "heading_open" and tok.tag == "h2" and tok.level == 0 and tok.map
    ]
    if starts:
        preamble = "\n".join(lines[: starts[0][0]]).strip()
        if preamble:
            offset = next(i for i, line in enumerate(lines) if line.strip())
            raise DraftFileError(
                first_line + offset,
                "text before the first '## ' heading: put it in the summary or under a position",
            )
    positions: list[DraftPosition] = []
    for n, (start, heading_text) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        heading_line = first_line + start
        chunk = lines[start + 1 : end]
        themes: list[str] = []
        answers: list[str] = []
        themes_line = answers_line = heading_line
        key: bool | None = None
        taken: list[int] = []
        # The 'Themes:', 'Answers:' and 'Key:' lines, in any order, open the section.
        for offset, line in enumerate(chunk):
            if not line.strip():
                continue
            label = line.strip().lower()
            values = [t.strip() for t in line.split(":", 1)[1].split(",")] if ":" in line else []
            if label.startswith(THEMES_PREFIX) and themes_line == heading_line:
                themes = [t for t in values if t]
                themes_line = heading_line + 1 + offset
            elif label.startswith(ANSWERS_PREFIX) and answers_line == heading_line:
                answers = [t for t in values if t]
                answers_line = heading_line + 1 + offset
            elif (
                label.startswith(KEY_PREFIX)
                and key is None
                and label[len(KEY_PREFIX) :].strip() in KEY_VALUES
            ):
                # Only 'Key: yes' or 'Key: no': a text that starts "Key: the..." stays text.
                key = KEY_VALUES[label[len(KEY_PREFIX) :].strip()]
            else:
                break
            taken.append(offset)
            if len(taken) == 3:
                break
        chunk = [line for offset, line in enumerate(chunk) if offset not in taken]
        heading = heading_text.strip()
        if not heading:
            raise DraftFileError(heading_line, "a position heading is empty")
        positions.append(
            DraftPosition(
                heading,
                "\n".join(chunk).strip("\n"),
                themes,
                heading_line,
                themes_line,
                answers,
                answers_line,
                bool(key),
            )
        )
    return positions


def render_draft(draft: Draft) -> str:
    """The file text for a draft; parse_draft(render_draft(d)) gives d back."""
    rt: dict[str, Any] = {"title": draft.rt_title}
    if draft.rt_publisher:
        rt["publisher"] = draft.rt_publisher
    if draft.rt_date:
        rt["date"] = draft.rt_date
    if draft.rt_url:
        rt["url"] = draft.rt_url
    if draft.rt_closes:
        rt["closes"] = draft.rt_closes
    meta: dict[str, Any] = {"title": draft.title, "responding_to": rt}
    if draft.summary:
        meta["summary"] = draft.summary
    meta["workflow"] = draft.workflow
    if draft.questions:
        meta["questions"] = [_question_meta(q) for q in draft.questions]
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=88)
    parts = [f"---\n{front}---\n"]
    for position in draft.positions:
        section = f"## {position.heading}\n\n"
        if position.themes:
            section += f"Themes: {', '.join(position.themes)}\n"
        if position.answers:
            section += f"Answers: {', '.join(position.answers)}\n"
        if position.key:
            section += "Key: yes\n"
        if position.themes or position.answers or position.key:
            section += "\n"
        section += position.body.strip("\n") + "\n"
        parts.append(section)
    return "\n".join(parts)


def _question_meta(question: DraftQuestion) -> dict[str, Any]:
    item: dict[str, Any] = {"ref": question.ref, "text": question.text}
    if question.not_answering:
        item["not_answering"] = question.not_answering
    if question.word_limit:
        item["word_limit"] = question.word_limit
    return item
