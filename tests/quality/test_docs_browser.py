"""The docs page in a real browser: Swagger UI renders every tag from bundled assets only."""

import os
import shutil
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def browser_page():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (.ci/run installs Debian's chromium)")
    # Playwright runs an event loop in this thread; the test's own ORM use is finished by then.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        page = browser.new_page()
        yield page
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def test_swagger_ui_renders_every_tag_without_leaving_loopback(live_server, browser_page, client):
    schema = client.get("/api/openapi.json").json()
    tags = sorted(
        {tag for item in schema["paths"].values() for op in item.values() for tag in op["tags"]}
    )
    sample = [(method, path) for path, item in sorted(schema["paths"].items()) for method in item][
        ::3
    ]
    requested: list[str] = []
    browser_page.on("request", lambda request: requested.append(request.url))

    browser_page.goto(f"{live_server.url}/api/docs", wait_until="networkidle")
    browser_page.wait_for_selector(".swagger-ui .opblock-tag", timeout=20_000)

    shown_tags = browser_page.locator(".opblock-tag").all_inner_texts()
    for tag in tags:
        assert any(text.strip().startswith(tag) for text in shown_tags), (tag, shown_tags)
    summaries = browser_page.locator(".opblock-summary-path").all_inner_texts()
    for method, path in sample:
        assert any(text.replace("\u200b", "") == path for text in summaries), (method, path)
    assert requested, "the browser made no request at all"
    outside = [url for url in requested if urlparse(url).hostname not in {"127.0.0.1", "localhost"}]
    assert outside == []
