"""The app's own settings reach everything it makes: briefing covers and email links
follow the Settings given to create_app, and every setting is documented."""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import Session, select

from server.accounts.tokens import create_token
from server.app import create_app
from server.comments import service
from server.config import PROJECT_ROOT, Settings
from server.models import OutboxMessage

BODY = "Society of Digital Leaders"
SITE = "https://tabled.example.org"


def _client(app, session: Session, actor) -> TestClient:  # type: ignore[no-untyped-def]
    _token, plain = create_token(session, actor.id, "test")
    session.commit()
    return TestClient(app, headers={"Authorization": f"Bearer {plain}"})


def test_an_app_made_with_its_own_settings_names_its_body_and_links_to_its_site(
    settings, engine, session, people, small, look
):
    app = create_app(settings.model_copy(update={"body_name": BODY, "base_url": SITE}), engine)
    director = _client(app, session, people.director)
    assert (
        director.post(f"/api/v1/responses/{small}/actions", json={"action": "submit"}).json()[
            "stage"
        ]
        == "futures-review"
    )
    look.set_stage(small, "approved")
    published = director.post(f"/api/v1/responses/{small}/actions", json={"action": "publish"})
    assert published.status_code == 200, published.text
    pdf = director.get(f"/api/v1/responses/{small}/publications/1/pdf")
    cover = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert BODY in " ".join(cover.split())
    assert "Tabled" not in cover
    session.rollback()
    mail = session.exec(select(OutboxMessage)).all()
    assert mail, "submitting tells the reviewers"
    links = {link for m in mail for link in re.findall(r"https?://\S+", m.body)}
    # Reviewers are sent to the working document; the new briefing, to the library.
    assert links and all(
        link.startswith((f"{SITE}/responses/{small}", f"{SITE}/library/{small}")) for link in links
    )


def test_hiding_a_comment_tells_its_author_with_a_link_to_this_site(
    settings, engine, session, people, small
):
    custom = settings.model_copy(update={"base_url": SITE})
    said = service.create_comment(session, people.director, small, body="Off topic.")
    session.commit()
    service.hide_comment(session, people.admin, said.id or 0, "off topic", settings=custom)
    session.commit()
    [told] = session.exec(select(OutboxMessage)).all()
    assert f"{SITE}/responses/{small}" in told.body


def _documented() -> set[str]:
    readme = (PROJECT_ROOT / "README.md").read_text()
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`TABLED_([A-Z_]+)`", section))


def test_every_setting_is_in_the_readme_configuration_table():
    fields = {name.upper() for name in Settings.model_fields}
    assert fields - _documented() == set(), "settings missing from the README table"
    # The README names no setting the code does not have (the test suite's own aside).
    assert _documented() - fields == {"TEST_DATABASE_URL"}
