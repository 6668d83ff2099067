"""What the browser checks share: Debian's Chromium through Playwright (its own browser downloads fail
here), a page that records console errors, and the ending every check prints."""
import contextlib
import json
import sys

from playwright.sync_api import sync_playwright


@contextlib.contextmanager
def page(width, height):
    """A page in headless Chromium; yields (page, errors), errors filling with console errors and
    uncaught exceptions."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        pg = browser.new_page(viewport={"width": width, "height": height})
        errors = []
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda e: errors.append(str(e)))
        try:
            yield pg, errors
        finally:
            browser.close()


def finish(findings, failures, errors):
    """Adds the console errors to the failures, prints the findings as one JSON line and exits 1 on any failure."""
    findings["console_errors"] = errors
    if errors:
        failures.append("console errors: " + "; ".join(errors[:5]))
    findings["failures"] = failures
    print(json.dumps(findings))
    sys.exit(1 if failures else 0)
