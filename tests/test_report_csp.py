"""The HTML report carries a Content-Security-Policy: in Chromium it shows with its styles (the
未完成 banner's too) and no console error, and a script that got into it would not run."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from govcheck import settings as project_settings
from govcheck.chromium import launch_options
from govcheck.report.html import CSP
from govcheck.report.watermark import stamp_page
from test_report_formats import written  # noqa: F401 (the round's report, written by the CLI)

# the reports are opened in Chromium
pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module")
def report_page(written) -> Path:  # noqa: F811
    return written["out"] / "report-2024-1.html"


def test_the_policy_is_the_first_thing_in_the_head(report_page):
    page = report_page.read_text(encoding="utf-8")
    tag = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
    assert page.count(tag) == 1 and page.index(tag) < page.index("<style>") < page.index("</head>")
    assert "default-src 'none'" in CSP and "script-src" not in CSP


def open_in_chromium(path: Path) -> dict:
    """What Chromium shows of the page: its console errors, its title, two computed colours."""
    options = launch_options(project_settings.PLAYWRIGHT_LAUNCH_OPTIONS, project_settings.GOVCHECK_CHROMIUM_SANDBOX, loopback_only=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**options)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            return {
                "errors": errors,
                "title": page.title(),
                "h2": page.eval_on_selector("h2", "e => getComputedStyle(e).borderBottomColor"),
                "banner": page.eval_on_selector_all(".unfinished", "es => es.map(e => getComputedStyle(e).color)"),
            }
        finally:
            browser.close()


def test_the_report_opens_in_chromium_with_its_styles_and_no_csp_error(report_page, tmp_path):
    shown = open_in_chromium(report_page)
    assert shown["errors"] == [] and shown["h2"] == "rgb(47, 111, 176)"

    stamped = tmp_path / "stamped.html"
    stamped.write_text(report_page.read_text(encoding="utf-8"), encoding="utf-8")
    stamp_page(stamped, "本轮检查未完成")
    shown = open_in_chromium(stamped)
    assert shown["errors"] == [] and shown["banner"] == ["rgb(192, 0, 0)"]


def test_a_script_in_the_report_would_not_run(report_page, tmp_path):
    hostile = tmp_path / "hostile.html"
    page = report_page.read_text(encoding="utf-8")
    hostile.write_text(page.replace("</body>", '<script>document.title = "ran"</script></body>'), encoding="utf-8")
    shown = open_in_chromium(hostile)
    assert shown["title"] != "ran"
    assert any("Content Security Policy" in error for error in shown["errors"]), shown["errors"]
