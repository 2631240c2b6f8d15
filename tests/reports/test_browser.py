"""The report as a person sees it: opened offline in Debian's Chromium, driven by playwright.

Each page is screenshotted into pytest's temporary folder (a test artifact, printed with
`-rA`), and the assertions read the rendered page, not the HTML text. Without
`/usr/bin/chromium` these tests skip, except under `CI=true`, where they fail (`.ci/run`
installs it).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from caselog.api import open_log
from caselog.reports.catalogue import Catalogue, Lang
from caselog.rules.model import FINDINGS, Status

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, Page

    from tests.reports.conftest import Rendered

CHROMIUM = Path("/usr/bin/chromium")
ON = date(2019, 10, 1)
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless; missing, a skip outside CI and a failure in it."""
    if not CHROMIUM.exists():
        reason = f"no {CHROMIUM}: apt-get install chromium (.ci/run does)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only these tests need it

    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


class Opened:
    """A page opened from a file, with every request it made and its screenshot."""

    def __init__(self, browser: Browser, path: Path, shots: Path) -> None:
        """Open `path` in a new page, refusing every other request, and screenshot it."""
        self.requests: list[str] = []
        self.page: Page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.on("request", lambda request: self.requests.append(request.url))
        # Anything but the file itself is refused, so a stray request cannot succeed either.
        self.page.route("**/*", self._only_the_file)
        self.url = path.resolve().as_uri()
        self.page.goto(self.url, wait_until="load")
        self.shot = shots / f"{path.stem}.png"
        self.page.screenshot(path=str(self.shot), full_page=True)
        print(f"screenshot: {self.shot}")  # noqa: T201 - where the artifact is

    def _only_the_file(self, route: object) -> None:
        request = route.request  # type: ignore[attr-defined]
        if request.url == self.url:
            route.continue_()  # type: ignore[attr-defined]
        else:
            route.abort()  # type: ignore[attr-defined]

    def text(self, selector: str) -> str:
        """The rendered text of the first element `selector` finds."""
        return self.page.locator(selector).first.inner_text()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots go: pytest's temporary folder, never the repository."""
    return tmp_path_factory.mktemp("screenshots")


def test_overdue_findings_shown_equal_the_obligations_query(
    browser: Browser, rendered: Rendered, shots: Path
) -> None:
    """The rendered page shows as many overdue findings as the query finds, and its charts."""
    opened = Opened(browser, rendered.english, shots)
    with open_log(rendered.url, actor="test") as log:
        overdue = len(log.obligations(on=ON, known_at=ON, status=Status.OVERDUE))
        findings = len(log.obligations(on=ON, known_at=ON, status=FINDINGS))
    assert overdue > 0
    visible = opened.page.locator('tr.finding[data-status="overdue"]')
    assert visible.count() == overdue
    assert all(visible.nth(i).is_visible() for i in range(overdue))
    assert opened.text("#overdue-count") == str(overdue)
    assert opened.page.locator("tr.finding").count() == findings
    for chart in ("#chart-summary svg", "#chart-trend svg"):
        box = opened.page.locator(chart).bounding_box()
        assert box is not None
        assert box["width"] > 300
        assert box["height"] > 100
    assert opened.shot.stat().st_size > 10_000


def test_the_swedish_report_shows_swedish_rule_names_and_statuses(
    browser: Browser, rendered: Rendered, shots: Path
) -> None:
    """What a Swedish reader sees: rule names, statuses and headings in Swedish."""
    opened = Opened(browser, rendered.swedish, shots)
    words = Catalogue(Lang.SV)
    summary = opened.text("table.counts")
    for rule_id in ("R01", "R02", "R05"):
        assert words.rule(rule_id) in summary
    for status in (Status.PENDING, Status.MET, Status.MET_LATE):
        assert words.status(status) in summary
    findings = opened.text("table.findings")
    assert words.status(Status.OVERDUE) in findings
    assert "overdue" not in findings
    assert opened.text("h1").startswith("Tillsynsrapport")
    assert "pågår" in opened.page.locator("#chart-summary svg").inner_html()


def test_the_timeline_marks_a_late_registered_report(
    browser: Browser, rendered: Rendered, shots: Path
) -> None:
    """The late report of concern stands out on the page.

    Red, larger dots on both lanes, a delay bar from when it happened to when it was
    recorded, and a highlighted line in the list of events.
    """
    opened = Opened(browser, rendered.case_report, shots)
    case = opened.page.locator(f'article.case[data-case="{rendered.late_case}"]')
    late = case.locator(f'.dot.late[data-event-id="{rendered.late_event}"]')
    assert late.count() == 2
    on_time = case.locator(".dot:not(.late)").first
    style = "e => getComputedStyle(e).backgroundColor"
    assert late.first.evaluate(style) != on_time.evaluate(style)
    assert late.first.bounding_box()["width"] > on_time.bounding_box()["width"]  # type: ignore[index]
    happened, recorded = (late.nth(i).bounding_box() for i in (0, 1))
    delay = case.locator(f'.bar.delay[data-event-id="{rendered.late_event}"]').bounding_box()
    assert happened is not None
    assert recorded is not None
    assert delay is not None
    centre = [box["x"] + box["width"] / 2 for box in (happened, recorded)]
    assert abs(delay["x"] - centre[0]) < 3
    assert abs(delay["x"] + delay["width"] - centre[1]) < 3
    assert delay["width"] > 5
    case.locator("details summary").click()
    row = case.locator(f'tr.late[data-event-id="{rendered.late_event}"]')
    assert row.is_visible()
    assert "sen registrering" in row.inner_text()


def test_no_request_leaves_the_page(browser: Browser, rendered: Rendered, shots: Path) -> None:
    """Opening the reports asks for nothing but the file itself: no font, script or image."""
    for path in (rendered.english, rendered.swedish, rendered.case_report):
        opened = Opened(browser, path, shots)
        assert opened.requests == [opened.url]
