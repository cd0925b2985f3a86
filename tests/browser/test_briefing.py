"""Publishing as the demo people would: the director publishes an approved
response from the page, and a member finds it in the library by searching and by
theme, opens it and downloads the PDF. axe checks the new pages."""

from __future__ import annotations

import secrets

from playwright.sync_api import Page, expect

from .conftest import DIRECTOR, NewPage
from .test_accessibility import _blocking_violations, _report

REVIEWERS = (
    "futures1@example.org",
    "futures2@example.org",
    "council1@example.org",
    "council2@example.org",
)


def _token(page: Page) -> str:
    page.goto("/account")
    page.get_by_label("What the token is for").fill("browser test")
    page.get_by_role("button", name="Create a token").click()
    return page.locator("#new-token").inner_text().strip()


def _approved_response(new_page: NewPage, title: str) -> int:
    """A three-position response taken through both reviews by the API."""
    director = new_page(DIRECTOR)
    api = director.request
    headers = {"Authorization": f"Bearer {_token(director)}"}
    made = api.post(
        "/api/v1/responses",
        headers=headers,
        data={"title": title, "responding_to": {"title": "A consultation on shared data centres"}},
    )
    assert made.ok, made.text()
    rid = made.json()["id"]
    for n, theme in enumerate(["climate-change", "social-inclusion", "efficiency"], start=1):
        revision = api.get(f"/api/v1/responses/{rid}", headers=headers).json()["revision"]
        added = api.post(
            f"/api/v1/responses/{rid}/positions",
            headers=headers,
            data={
                "heading": f"Position {n} on {theme}",
                "body": f"Shared hosting cuts costs and carbon for {theme}.",
                "themes": [theme],
                "base_revision": revision,
            },
        )
        assert added.ok, added.text()
    # Submitting test-renders the briefing (the briefing-renders gate): the first
    # rendering in a fresh server starts pandoc and Typst, which takes seconds.
    assert api.post(
        f"/api/v1/responses/{rid}/actions",
        headers=headers,
        data={"action": "submit"},
        timeout=60_000,
    ).ok
    for email in REVIEWERS:
        reviewer = new_page(email)
        token = _token(reviewer)
        reply = reviewer.request.post(
            f"/api/v1/responses/{rid}/actions",
            data={"action": "approve"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert reply.ok, reply.text()
    return rid


def test_the_director_publishes_and_a_member_finds_and_downloads_it(new_page: NewPage) -> None:
    title = f"Response on shared data centres {secrets.token_hex(3)}"
    rid = _approved_response(new_page, title)
    director = new_page(DIRECTOR)
    director.goto(f"/responses/{rid}")
    expect(director.locator("#stage")).to_have_text("Approved")
    director.get_by_role("button", name="Publish").click()
    expect(director.locator("#stage")).to_have_text("Published")

    member = new_page("member@example.org")
    member.goto("/library")
    member.get_by_label("Search titles and positions").fill("data centres hosting")
    member.get_by_role("button", name="Search").click()
    expect(member.locator("main")).to_contain_text(title)
    violations = _blocking_violations(member)
    assert not violations, _report(violations)
    member.goto("/library?theme=social-inclusion")
    expect(member.locator("main")).to_contain_text(title)
    member.get_by_role("link", name=title).first.click()
    expect(member.get_by_role("heading", level=1)).to_contain_text(title)
    violations = _blocking_violations(member)
    assert not violations, _report(violations)
    pdf_link = member.locator('a[href$="/versions/1/pdf"]').first
    href = pdf_link.get_attribute("href")
    assert href
    pdf = member.request.get(href)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body()[:5] == b"%PDF-"

    member.goto("/themes/efficiency")
    expect(member.locator("main")).to_contain_text("Position 3 on efficiency")
    violations = _blocking_violations(member)
    assert not violations, _report(violations)

    director.goto(f"/responses/{rid}/report")
    violations = _blocking_violations(director)
    assert not violations, _report(violations)
