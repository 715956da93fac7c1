"""The docs page in a real browser: Swagger UI renders every tag and operation from bundled
assets only, and no request of the browser leaves loopback."""

import os
import shutil
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}

# Every rendered operation as (method, path): Swagger UI marks the block with opblock-<method>.
OPERATIONS_JS = """() => Array.from(document.querySelectorAll('.swagger-ui .opblock')).map(op => [
    Array.from(op.classList).filter(c => c.startsWith('opblock-') && c !== 'opblock-deprecated')
        .map(c => c.slice('opblock-'.length)),
    (op.querySelector('.opblock-summary-path')?.getAttribute('data-path') || ''),
])"""


@pytest.fixture
def browser_context():
    """A Chromium context whose every request (pages, workers, subresources) goes through a
    route that lets loopback through and aborts and records anything else."""
    # A plain import: a missing Playwright fails the services run instead of skipping it.
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (.ci/run installs Debian's chromium)")
    # Playwright runs an event loop in this thread; the test's own ORM use is finished by then.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        # Service workers could answer requests past context.route; none are allowed.
        context = browser.new_context(service_workers="block")
        seen = SimpleNamespace(context=context, allowed=[], blocked=[])

        def guard(route, request):
            url = urlparse(request.url)
            if url.scheme in {"data", "blob"}:
                route.continue_()
            elif url.scheme in {"http", "https"} and url.hostname in LOOPBACK:
                seen.allowed.append(request.url)
                route.continue_()
            else:
                seen.blocked.append(request.url)
                route.abort("blockedbyclient")

        context.route("**/*", guard)
        try:
            yield seen
        finally:
            context.close()
            browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def test_swagger_ui_renders_every_tag_and_operation_without_leaving_loopback(
    live_server, browser_context, client
):
    schema = client.get("/api/openapi.json").json()
    operations = {
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }
    tags = {
        tag
        for item in schema["paths"].values()
        for method, op in item.items()
        if method in HTTP_METHODS
        for tag in op["tags"]
    }
    sample = sorted(operations)[::3]
    assert tags and len(sample) >= 5

    page = browser_context.context.new_page()
    page.goto(f"{live_server.url}/api/docs", wait_until="networkidle")
    page.wait_for_selector(".swagger-ui .opblock-tag", timeout=20_000)
    page.wait_for_selector(".swagger-ui .opblock .opblock-summary-path", timeout=20_000)

    # Tags: exactly the schema's, by Swagger UI's data-tag attribute and by the visible name.
    shown_tags = page.eval_on_selector_all(
        ".swagger-ui .opblock-tag",
        "tags => tags.map(t => [t.getAttribute('data-tag'), t.querySelector('span').innerText])",
    )
    assert sorted(data_tag for data_tag, _ in shown_tags) == sorted(tags)
    assert sorted(text.strip() for _, text in shown_tags) == sorted(tags)

    # Operations: the method and the path of each one, not only the path.
    shown = set()
    for methods, path in page.evaluate(OPERATIONS_JS):
        assert len(methods) == 1, (methods, path)
        shown.add((methods[0], path.replace("\u200b", "")))
    missing = [op for op in sample if op not in shown]
    assert missing == [], (missing, sorted(shown))
    assert shown == operations

    assert any(urlparse(url).path == "/api/openapi.json" for url in browser_context.allowed)
    assert browser_context.blocked == [], "the docs page reached past loopback"
