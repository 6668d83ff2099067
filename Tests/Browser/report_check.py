"""The evaluation report (`precedent evaluate --html`, `GET /report` of `precedent serve`) in real
headless Chromium, checked against `precedent evaluate --json`.

Usage: report_check.py URL EVALUATE_JSON SCREENSHOT

Checks that the page loads without console errors, draws its figures (an SVG per group at least),
and that every number it shows (the elements with `data-json`, a path into the JSON: group index,
`real` or `placebo`, field[, key]) carries exactly the JSON's value and shows it rounded as the page
states (3 decimals, integers as integers; a missing value as "–"); and that every group of the JSON
and every count of its outcomes appears on the page. Writes a full-page screenshot. Prints one JSON
line of findings; exits 1 on any failure.
"""
import json
import sys

import chromium


def lookup(groups, path):
    parts = path.split(".")
    v = groups[int(parts[0])]
    for p in parts[1:]:
        v = v[int(p)] if isinstance(v, list) else v.get(p)
        if v is None:
            return None
    return v


def main():
    url, json_path, shot = sys.argv[1:4]
    groups = json.load(open(json_path))
    failures, findings = [], {}
    with chromium.page(1150, 900) as (page, errors):
        page.goto(url)
        shown = page.evaluate("Array.from(document.querySelectorAll('[data-json]')).map(e => [e.dataset.json, e.dataset.value, e.textContent])")
        svgs = page.evaluate("document.querySelectorAll('svg').length")
        checked, wrong = 0, []
        for path, value, text in shown:
            want = lookup(groups, path)
            if want is None:
                ok = value == "null" and text == "–"
            else:
                integer = isinstance(want, int) and not isinstance(want, bool)
                ok = float(value) == float(want) and text == (str(want) if integer else f"{want:.3f}")
            checked += 1
            if not ok:
                wrong.append(f"{path}: page {value!r} shown {text!r}, JSON {want!r}")
        expected = set()
        for i, g in enumerate(groups):
            for side in ("real", "placebo"):
                if g.get(side):
                    for f in ("setups", "scored", "days", "skill", "rps_knn", "rps_base"):
                        expected.add(f"{i}.{side}.{f}")
                    for o in g[side]["outcomes"]:
                        expected.add(f"{i}.{side}.outcomes.{o}")
        missing = sorted(expected - {p for p, _, _ in shown})
        findings.update(numbers_checked=checked, wrong=len(wrong), svgs=svgs, groups=len(groups), missing=missing[:10])
        if wrong:
            failures.append("numbers differ from the JSON: " + "; ".join(wrong[:5]))
        if missing:
            failures.append(f"{len(missing)} numbers of the JSON not on the page, e.g. {missing[:3]}")
        if svgs < len(groups):
            failures.append(f"{svgs} SVG figures for {len(groups)} groups")
        if checked == 0:
            failures.append("no numbers on the page")
        page.screenshot(path=shot, full_page=True)
    chromium.finish(findings, failures, errors)


if __name__ == "__main__":
    main()
