"""Browser journeys: Playwright with Debian's Chromium.

Each journey runs in a context that ENFORCES the Content-Security-Policy and fails on
any `securitypolicyviolation`; axe-core runs on the same pages in a second context
that bypasses CSP (the only way to inject it), with the same cookies.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
AXE_JS = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}


E2E_DIR = Path(__file__).resolve().parent


def poll_until(page, locator, text: str, *, advance, polls: int = 6) -> None:
    """Let the page's own polling (htmx `every 5s`) run until `locator` shows `text`:
    `advance()` moves the browser clock past the next poll; a poll that was still on its
    way (a busy machine) is followed by the next one, not waited for with a sleep."""
    from playwright.sync_api import expect

    for _ in range(polls - 1):
        advance()
        try:
            expect(locator).to_contain_text(text, timeout=2000)
            return
        except AssertionError:
            continue
    advance()
    expect(locator).to_contain_text(text)


def pytest_collection_modifyitems(config, items):
    # Every test in this folder is a browser journey (the PostgreSQL CI run selects by it).
    for item in items:
        if E2E_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Journey:
    def __init__(self, browser, base_url: str, viewport: dict, clock):
        self.base_url = base_url.rstrip("/")
        self.clock = clock
        self.violations: list[str] = []
        self.context = browser.new_context(viewport=viewport, locale="de-DE")
        self.context.expose_binding("__dsReportCsp", lambda source, v: self.violations.append(v))
        self.context.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => "
            "window.__dsReportCsp(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));"
        )
        # The browser's clock is the server's: the test's named instant (Chromium would
        # otherwise keep the real date, and session timers would disagree).
        clock.install_in(self.context)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.axe_context = browser.new_context(viewport=viewport, bypass_csp=True, locale="de-DE")
        clock.install_in(self.axe_context)
        self.axe_page = self.axe_context.new_page()
        self.checked: list[str] = []

    def _console(self, msg):
        if "Content Security Policy" in msg.text:
            self.violations.append(msg.text)

    def url(self, path: str) -> str:
        return self.base_url + path

    def visit(self, path: str, *, check: bool = True):
        response = self.page.goto(self.url(path))
        if check:
            self.check_page()
        return response

    def check_page(self, *, snapshot: bool = False) -> None:
        """No CSP violation so far, and axe-core finds no WCAG 2.1 A/AA violation on the
        current page (same URL with the same cookies, or a DOM snapshot for states a
        URL cannot reproduce, such as a form with errors)."""
        self.page.wait_for_load_state("load")
        assert not self.violations, f"CSP violations: {self.violations}"
        self.axe_context.clear_cookies()
        self.axe_context.add_cookies(self.context.cookies())
        if snapshot:
            html = self.page.content().replace("<head>", f'<head><base href="{self.page.url}">', 1)
            self.axe_page.goto(self.page.url)
            self.axe_page.set_content(html)
        else:
            self.axe_page.goto(self.page.url)
        self.axe_page.add_script_tag(content=AXE_JS.read_text())
        result = self.axe_page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        problems = [
            f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}"
            for v in result["violations"]
        ]
        assert not problems, f"axe-core violations on {self.page.url}:\n" + "\n".join(problems)
        self.checked.append(self.page.url)

    def login_as(self, user) -> None:
        """Sign the browser in as `user` without the login form (journeys that test the
        login itself use the form)."""
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        self.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                                   "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                                   "url": self.base_url}])

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self):
        for context in (self.context, self.axe_context):
            if context in self.clock.browsers:
                self.clock.browsers.remove(context)
        self.context.close()
        self.axe_context.close()


def _fresh_rate_limits() -> None:
    """Every journey starts at the same instant on the test clock, and the database cache
    (rate limits) is not emptied by a transactional test's flush: without this, logins of
    earlier journeys in the same process count against allauth's "30 a minute" of the
    next one, which then fails for no reason of its own."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def journey(browser, live_server, clock):
    _fresh_rate_limits()
    j = Journey(browser, live_server.url, DESKTOP, clock)
    yield j
    j.close()


@pytest.fixture
def phone_journey(browser, live_server, clock):
    _fresh_rate_limits()
    j = Journey(browser, live_server.url, PHONE, clock)
    yield j
    j.close()
