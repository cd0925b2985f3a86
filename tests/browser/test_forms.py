"""GOV.UK Frontend's script runs: a refused form's error summary takes focus and
lists every problem, linked to its field; without JavaScript the same form works."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .conftest import DIRECTOR, NewPage

AXE = Axe()
BLOCKING = {"serious", "critical"}


def _refused_new_response(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/responses/new")
    page.get_by_role("group", name="Date published").get_by_label("Day").fill("30")
    page.get_by_role("group", name="Date published").get_by_label("Month").fill("2")
    page.get_by_role("group", name="Date published").get_by_label("Year").fill("2009")
    page.get_by_role("button", name="Create response").click()


def test_an_empty_new_response_gets_a_focused_summary_of_every_problem(
    new_page: NewPage,
) -> None:
    page = new_page(DIRECTOR)
    _refused_new_response(page)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # GOV.UK Frontend's ErrorSummary moved focus here
    expect(page.locator("body")).to_have_class("govuk-template__body govuk-frontend-supported")
    links = summary.get_by_role("link")
    expect(links).to_have_text(
        [
            "Enter a title for the response",
            "Enter the title of the publication this responds to",
            "The date published must be a real date",
        ]
    )
    # In the form's order; following a link puts the cursor in the field it is about.
    links.nth(2).click()
    expect(page.get_by_role("group", name="Date published").get_by_label("Day")).to_be_focused()
    links.nth(0).click()
    expect(page.get_by_label("Title of the response")).to_be_focused()
    violations = [v for v in AXE.run(page).response["violations"] if v["impact"] in BLOCKING]
    assert not violations, [f"{v['id']}: {v['help']}" for v in violations]


def test_without_javascript_the_same_form_reports_every_problem(new_page: NewPage) -> None:
    page = new_page(DIRECTOR, javascript=False)
    _refused_new_response(page)
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_count(3)
    expect(page.locator("#rt_date-error")).to_contain_text("The date published must be a real date")
    expect(page.get_by_role("group", name="Date published").get_by_label("Day")).to_have_value("30")
