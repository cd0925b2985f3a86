"""Importing a Word draft in a browser: upload, preview the split, create; axe on each step."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.wordfiles import draft_docx

from .conftest import DIRECTOR, NewPage
from .test_accessibility import _blocking_violations, _report


def test_a_director_uploads_a_word_draft_previews_it_and_creates_it(
    new_page: NewPage, tmp_path: Path
) -> None:
    word = tmp_path / "shared-services.docx"
    word.write_bytes(
        draft_docx(
            "Shared services, from Word",
            [("Platforms", ["Themes: efficiency", "Share them."]), ("Skills", ["Train."])],
        )
    )
    page = new_page(DIRECTOR)
    page.goto("/responses/import")
    violations = _blocking_violations(page)
    assert not violations, _report(violations)
    page.get_by_label("Word or draft file").set_input_files(str(word))
    page.get_by_role("button", name="Preview the split").click()
    expect(page.locator("#preview-positions li")).to_have_count(2)
    violations = _blocking_violations(page)
    assert not violations, _report(violations)
    page.get_by_role("button", name="Create the response").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shared services, from Word")
    expect(page.get_by_text("Download a review copy (Word)")).to_be_visible()
