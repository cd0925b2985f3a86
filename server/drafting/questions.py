"""Splitting a pasted block of consultation questions into numbered questions.

Pure text in, questions out: no database, no web. One pass over the lines, each
line matched by anchored patterns with bounded repetition, so the work grows
linearly with the text (at most BLOCK_MAX characters are accepted at all).

What counts as the start of a question:

- a label: "Question 1:", "Consultation question 4 -", "Q3a.", "Q.12)", "Qn 7";
- a bare number: "1.", "1)", "3a." - but only when the block uses no labels, so
  a numbered list inside a labelled question stays part of its text;
- a lettered sub-part after a question: "(a)", "a)", giving refs like "3a". A
  question split into sub-parts is not a question of its own: its text becomes
  the lead-in of each sub-part, so each row of the submission reads whole.

Anything before the first question (the consultation's introduction) is ignored;
every other line belongs to the question above it, paragraph breaks kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

BLOCK_MAX = 100_000  # characters in one pasted block
QUESTIONS_MAX = 200  # questions in one response
QUESTION_TEXT_MAX = 5_000  # characters in one question
REF_MAX = 10
WORD_LIMIT_MAX = 100_000

_LABEL = re.compile(
    r"(?:consultation\s{1,5})?(?:question|qn|q)\s{0,3}\.?\s{0,3}"
    r"(\d{1,3})(?:\(([a-z])\)|([a-z]))?(?![a-z0-9])\s{0,3}[:.)\-–—]?\s{0,3}",
    re.IGNORECASE,
)
# "3(a) ..." needs no stop after its bracket; "3a" and "3" do ("3.", "3a)", "3:").
_NUMBER = re.compile(
    r"(\d{1,3})\(([a-z])\)[.:]?(?:\s{1,5}|$)|(\d{1,3})([a-z])?\s{0,3}[.):](?:\s{1,5}|$)", re.I
)
_PART = re.compile(r"(?:\(([a-z])\)|([a-z])\))(?:\s{1,5}|$)", re.IGNORECASE)
# "(maximum 250 words)", "word limit: 300", "no more than 500 words", "(250 words)"
_WORD_LIMIT = re.compile(
    r"(?:max(?:imum)?|limit(?:ed)?|up to|no more than|not more than)\D{0,20}?(\d{1,6})\s{0,3}words?"
    r"|word\s{0,3}limit\D{0,12}?(\d{1,6})"
    r"|\((\d{1,6})\s{0,3}words?\)",
    re.IGNORECASE,
)
_DECORATION = re.compile(r"^[\s#>*_•·‣▪–-]*")  # markdown headings, bold, bullets


class QuestionBlockError(ValueError):
    """The block cannot be read as questions; the message says why and where."""


@dataclass
class ParsedQuestion:
    ref: str
    text: str
    line: int
    word_limit: int | None = None


@dataclass
class _Open:
    number: str
    letter: str
    line: int
    lines: list[str] = field(default_factory=list)
    stem: bool = False  # a question whose sub-parts replace it


def normalise_ref(ref: str) -> str:
    """'Q3A' and '3a' are the same question: refs are compared in this form."""
    ref = ref.strip().lower()
    ref = re.sub(r"^(?:question|qn|q)\s{0,3}\.?\s{0,3}", "", ref)
    return ref.replace(" ", "")


def word_limit_of(text: str) -> int | None:
    found = _WORD_LIMIT.search(text[:QUESTION_TEXT_MAX])
    if found is None:
        return None
    value = int(next(g for g in found.groups() if g))
    return value if 0 < value <= WORD_LIMIT_MAX else None


def _clean(line: str) -> str:
    # Bold around a label ("**Question 1:** Do you...") goes; other text is kept.
    return _DECORATION.sub("", line).replace("**", "").replace("__", "").strip()


def _start(line: str, labelled: bool) -> tuple[str, str, str] | None:
    """(number, letter, rest) when the line starts a question, else None."""
    if labelled:
        found = _LABEL.match(line)
        if found is None:
            return None
        letter = found.group(2) or found.group(3) or ""
        return found.group(1), letter.lower(), line[found.end() :].strip()
    found = _NUMBER.match(line)
    if found is None:
        return None
    number = found.group(1) or found.group(3)
    letter = found.group(2) or found.group(4) or ""
    return number, letter.lower(), line[found.end() :].strip()


def _part(line: str) -> tuple[str, str] | None:
    found = _PART.match(line)
    if found is None:
        return None
    return (found.group(1) or found.group(2)).lower(), line[found.end() :].strip()


def _text_of(lines: list[str]) -> str:
    """Lines joined into paragraphs: a blank line between paragraphs, none inside."""
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n\n".join(" ".join(p) for p in paragraphs if p)


def parse_questions(block: str) -> list[ParsedQuestion]:
    """The questions in a pasted block, in order; QuestionBlockError if there are none."""
    if len(block) > BLOCK_MAX:
        raise QuestionBlockError(
            f"the pasted text must be at most {BLOCK_MAX:,} characters; it has {len(block):,}"
        )
    raw = block.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    lines = [_clean(line) for line in raw]
    if not any(lines):
        raise QuestionBlockError("the text is empty: paste the consultation's questions")
    labelled = any(_LABEL.match(line) for line in lines)
    found: list[_Open] = []
    current: _Open | None = None
    stem: _Open | None = None  # the numbered question that lettered parts belong to
    for index, line in enumerate(lines, start=1):
        start = _start(line, labelled)
        part = _part(line) if start is None and current is not None else None
        if start is not None:
            number, letter, rest = start
            current = _Open(number, letter, index, [rest] if rest else [])
            stem = current if not letter else None
            found.append(current)
        elif part is not None and stem is not None:
            letter, rest = part
            stem.stem = True
            lead = _text_of(stem.lines)
            current = _Open(stem.number, letter, index, [lead, ""] if lead else [])
            current.lines.append(f"({letter}) {rest}" if lead else rest)
            found.append(current)
        elif current is not None:
            current.lines.append(line)
    questions = [_finish(q) for q in found if not q.stem]
    if not questions:
        raise QuestionBlockError(
            "no numbered questions found: start each one with 'Question 1:', 'Q1.', '1.' or "
            "'1)', and sub-parts with '(a)'"
        )
    _check(questions)
    return questions


def _finish(question: _Open) -> ParsedQuestion:
    text = _text_of(question.lines)
    ref = f"{int(question.number)}{question.letter}"
    return ParsedQuestion(ref, text, question.line, word_limit_of(text))


def _check(questions: list[ParsedQuestion]) -> None:
    if len(questions) > QUESTIONS_MAX:
        raise QuestionBlockError(
            f"a response can have at most {QUESTIONS_MAX} questions; this text has {len(questions)}"
        )
    seen: dict[str, int] = {}
    for question in questions:
        if question.ref in seen:
            raise QuestionBlockError(
                f"question {question.ref} appears twice (lines {seen[question.ref]} and "
                f"{question.line}): give each question its own number"
            )
        seen[question.ref] = question.line
        if not question.text:
            raise QuestionBlockError(f"question {question.ref} (line {question.line}) has no text")
        if len(question.text) > QUESTION_TEXT_MAX:
            raise QuestionBlockError(
                f"question {question.ref} is longer than {QUESTION_TEXT_MAX:,} characters"
            )


def count_words(text: str) -> int:
    """Words as a reader counts them: runs of letters or digits, hyphenated ones as one."""
    return len(re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", text))
