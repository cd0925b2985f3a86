"""The app starts and a director can reach their pages."""


def test_healthz_answers_without_sign_in(web):
    reply = web.get("/healthz")
    assert reply.status_code == 200
    assert reply.json() == {"status": "ok"}


def test_home_page_greets_a_signed_in_director(browser_for, people):
    page = browser_for(people.director).get("/")
    assert page.status_code == 200
    assert "Hello, Director" in page.text
    assert "Start a new response" in page.text
