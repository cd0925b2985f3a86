"""The submission downloads: the response in the department's question order."""

from __future__ import annotations

import csv
import io

import docx


def _state(api, rid):  # type: ignore[no-untyped-def]
    return api.get(f"/api/v1/responses/{rid}").json()


def _prepare(api, rid: int) -> None:  # type: ignore[no-untyped-def]
    api.post(
        f"/api/v1/responses/{rid}/questions",
        json={
            "text": "Question 1: Is the aim right?\nQuestion 2: Is the timetable right?\n"
            "Question 3: =SUM(A1) anything else?",
            "base_revision": _state(api, rid)["revision"],
        },
    )
    got = _state(api, rid)
    # The third position answers question 1, the first answers question 2.
    for index, refs in ((2, ["1"]), (0, ["2"])):
        got = _state(api, rid)
        p = got["positions"][index]
        api.put(
            f"/api/v1/responses/{rid}/positions/{p['id']}",
            json={
                **{k: p[k] for k in ("heading", "body", "themes")},
                "questions": refs,
                "base_revision": got["revision"],
            },
        )
    api.put(
        f"/api/v1/responses/{rid}/questions/3",
        json={"not_answering": "Outside our remit.", "base_revision": _state(api, rid)["revision"]},
    )


def test_submission_csv_has_one_row_per_question_in_order(api_for, browser_for, people, small):
    _prepare(api_for(people.director), small)
    reader = browser_for(people.director2)  # a draft: other directors read it, reviewers not yet
    reply = reader.get(f"/responses/{small}/submission.csv")
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/csv")
    assert "attachment" in reply.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(reply.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["ref", "question"]
    table = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert [r["ref"] for r in table] == ["1", "2", "3"]
    assert table[0]["question"] == "Is the aim right?"
    positions = _state(api_for(people.director), small)["positions"]
    assert table[0]["answer"] == positions[2]["body"]
    assert table[1]["answer"] == positions[0]["body"]
    assert table[1]["positions"] == f"1. {positions[0]['heading']}"
    assert table[2]["answer"] == ""
    assert table[2]["not_answering"] == "Outside our remit."
    # A cell a spreadsheet would run as a formula is written as text.
    assert table[2]["question"].startswith("'=SUM")


def test_submission_docx_gives_each_question_then_its_answer(api_for, browser_for, people, small):
    _prepare(api_for(people.director), small)
    reply = browser_for(people.director).get(f"/responses/{small}/submission.docx")
    assert reply.status_code == 200
    document = docx.Document(io.BytesIO(reply.content))
    lines = [p.text for p in document.paragraphs if p.text.strip()]
    positions = _state(api_for(people.director), small)["positions"]
    q1, q2, q3 = (lines.index(f"Question {n}") for n in (1, 2, 3))
    assert q1 < q2 < q3
    assert lines[q1 + 1] == "Is the aim right?"
    assert positions[2]["heading"] in lines[q1:q2]
    assert positions[0]["heading"] in lines[q2:q3]
    assert "We are not answering this question: Outside our remit." in lines[q3:]


def test_members_cannot_download_the_submission_of_a_draft(browser_for, people, small):
    member = browser_for(people.member)
    assert member.get(f"/responses/{small}/submission.csv").status_code == 404
    assert member.get(f"/responses/{small}/submission.docx").status_code == 404
