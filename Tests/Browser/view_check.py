"""The page of `precedent serve` in real headless Chromium, checked against the server's API and
`precedent query --json`.

Usage: view_check.py URL PRECEDENT LAKE CONFIG SCREENSHOT [--at HH:MM:SS | --live]

The server replays the AMZN day from 12:25 (its morning already run through the engine). The
script pauses the replay (with --at, then moves it to that time; with --live, the server follows a
live feed that has gone quiet, which cannot be paused), then checks that
  - the page loads and runs without console errors;
  - the heatmap has a coloured pixel exactly on the price rows where /api/columns reports resting
    size in that column and the background colour on the others (every row of 30 sampled columns;
    rows and columns placed by the mapping docs/API.md states, computed here from the API's data);
  - each level of /api/levels inside the visible range is drawn on its row of the overlay;
  - clicking a trigger shows the counts `precedent query --json` gives for that moment;
and writes a screenshot. Prints one JSON line of findings, with `page`: what the page holds (a
digest of its columns, its levels, triggers and last window), for comparing two servers; exits 1 on
any failure.
"""
import hashlib
import json
import subprocess
import sys
import urllib.request

import chromium

W, H = 900, 480
BG = (13, 17, 23)
LEVEL = (227, 179, 65)


def api(url, path, method="GET"):
    req = urllib.request.Request(url.rstrip("/") + path, method=method)
    with urllib.request.urlopen(req) as r:
        return json.load(r)


def main():
    url, binary, lake, config, shot = sys.argv[1:6]
    live = "--live" in sys.argv[6:]
    at = sys.argv[sys.argv.index("--at") + 1] if "--at" in sys.argv[6:] else None
    failures, findings = [], {}
    with chromium.page(1440, 900) as (page, errors):
        page.goto(url)
        page.wait_for_function("window.precedentView && precedentView.columns.length >= 300", timeout=120_000)
        if not live:
            api(url, "/api/replay?action=pause", "POST")
            if at:
                # Forget the columns drawn so far: the page may already end at `at` (a replay started
                # there), and the seek's reset and history — which may take a while — must be what is checked.
                page.evaluate("precedentView.columns = []")
                api(url, f"/api/replay?action=seek&time={at}", "POST")
                page.wait_for_function(f"precedentView.columns.length > 0 && precedentView.meta && "
                                       f"localTime(precedentView.columns[precedentView.columns.length - 1].t) === '{at}'",
                                       timeout=120_000)
        # Let the last frames arrive and the page redraw.
        page.wait_for_timeout(1500)
        state = api(url, "/api/replay")
        findings["clock_local"] = state["clock_local"]

        # --- heatmap against the API's columns
        cols = api(url, "/api/columns?last=900")["columns"]
        page_ts = page.evaluate("precedentView.columns.map(c => String(c.t))")
        api_ts = [str(c["t"]) for c in cols]
        if page_ts != api_ts:
            failures.append(f"page columns differ from /api/columns: {len(page_ts)} vs {len(api_ts)}, last {page_ts[-1:]} vs {api_ts[-1:]}")
        visible = [c for c in cols if c["lo"] is not None]
        lo = min(c["lo"] for c in visible)
        hi = max(c["lo"] + len(c["bid"]) - 1 for c in visible)
        rows = hi - lo + 1

        def row_top(tick):
            return (hi - tick) * H // rows

        heat = page.evaluate(
            "Array.from(document.getElementById('heat').getContext('2d').getImageData(0, 0, %d, %d).data)" % (W, H))

        def pixel(x, y):
            o = (y * W + x) * 4
            return tuple(heat[o:o + 3])

        n = len(cols)
        sampled, coloured, background, wrong = 0, 0, 0, []
        for i in range(0, n, max(1, n // 30)):
            c = cols[i]
            if c["lo"] is None:
                continue
            x = W - n + i
            sampled += 1
            for k in range(len(c["bid"])):
                tick = c["lo"] + k
                px = pixel(x, row_top(tick))
                has_size = c["bid"][k] > 0 or c["ask"][k] > 0
                if has_size and px == BG:
                    wrong.append(f"column {i} tick {tick}: size {c['bid'][k]}/{c['ask'][k]} but background")
                elif not has_size and px != BG:
                    wrong.append(f"column {i} tick {tick}: no size but {px}")
                coloured += has_size
                background += not has_size
        findings["heatmap"] = {"columns_sampled": sampled, "rows_with_size": coloured, "rows_empty": background, "wrong": len(wrong)}
        if wrong:
            failures.append("heatmap: " + "; ".join(wrong[:5]))
        if coloured == 0 or background == 0:
            failures.append("heatmap: nothing to compare (no coloured or no empty rows)")

        # --- level lines on their rows
        hello_tick = int(page.evaluate("precedentView.meta.tick_nanos"))
        overlay = page.evaluate(
            "Array.from(document.getElementById('overlay').getContext('2d').getImageData(0, 0, %d, %d).data)" % (W, H))
        levels = api(url, f"/api/levels?symbol={state['symbol']}&date={state['date']}")["levels"]
        drawn = []
        for lv in levels:
            if lv["price"] is None:
                continue
            tick = lv["price"] // hello_tick
            if not lo <= tick <= hi:
                continue
            y = int((row_top(tick) + (hi - tick + 1) * H // rows) / 2 + 0.5)
            on = sum(1 for x in range(2, W, 9) if tuple(overlay[(y * W + x) * 4:(y * W + x) * 4 + 3]) == LEVEL
                     and overlay[(y * W + x) * 4 + 3] == 255)
            off = sum(1 for x in range(2, W, 9) for dy in (-3, 3)
                      if tuple(overlay[((y + dy) * W + x) * 4:((y + dy) * W + x) * 4 + 3]) == LEVEL)
            drawn.append({"level": lv["level_id"], "row_y": y, "on_line": on, "off_line": off})
            if on < 0.8 * len(range(2, W, 9)) or off > 10:
                failures.append(f"level {lv['level_id']} at tick {tick}: {on} dash pixels on row {y}, {off} off it")
        findings["levels"] = drawn
        if not drawn:
            failures.append("no level inside the visible price range to check")

        # --- a trigger's panel against precedent query --json
        triggers = page.evaluate("precedentView.triggers.filter(t => t.answer && t.answer.eligible_precedents > 0)"
                                 ".map(t => ({id: t.id, level: t.level_id, time: t.time_local.slice(11), direction: t.direction}))")
        if not triggers:
            failures.append("no trigger with precedents in the page")
        else:
            t = triggers[-1]
            page.click(f"#triggers div[data-id='{t['id']}']")
            page.wait_for_timeout(300)
            shown = page.evaluate("Object.fromEntries(Array.from(document.querySelectorAll('#ans tr[data-outcome]'))"
                                  ".map(r => [r.dataset.outcome, Number(r.querySelector('.count').textContent)]))")
            eligible = int(page.evaluate("document.getElementById('eligible').textContent"))
            q = subprocess.run([binary, "query", "--symbol", state["symbol"], "--date", state["date"], "--time", t["time"],
                                "--level", t["level"], "--direction", t["direction"], "--lake", lake, "--config", config, "--json"],
                               capture_output=True, text=True)
            if q.returncode != 0:
                failures.append(f"precedent query failed: {q.stdout} {q.stderr}")
            else:
                expected = json.loads(q.stdout)
                want = {o["outcome"]: o["count"] for o in expected["outcomes"]}
                findings["trigger"] = {"id": t["id"], "shown": shown, "query": want, "eligible": eligible}
                if shown != want or eligible != expected["eligible_precedents"]:
                    failures.append(f"trigger {t['id']}: page shows {shown} of {eligible}, query --json {want} of {expected['eligible_precedents']}")

        # --- what the page holds, for comparing servers (the columns without their wall-clock stamp)
        columns = page.evaluate("JSON.stringify(precedentView.columns.map(c => { const { wall, ...rest } = c; return rest; }))")
        findings["page"] = {
            "columns": len(page_ts), "first": page_ts[:1], "last": page_ts[-1:],
            "columns_sha256": hashlib.sha256(columns.encode()).hexdigest(),
            "levels": page.evaluate("Object.values(precedentView.levels).map(l => [l.level_id, l.price]).sort()"),
            "triggers": page.evaluate("precedentView.triggers.map(t => [t.id, t.label || null, t.answer ? t.answer.eligible_precedents : null])"),
            "last_window": page.evaluate("precedentView.lastWindow && precedentView.lastWindow.window_index"),
        }
        if live:  # the gap log is shown, the replay controls are not
            findings["gaps"] = page.evaluate("document.getElementById('gaps').hidden ? [] : "
                                             "Array.from(document.querySelectorAll('#gaplist div')).map(d => d.textContent)")
            shown = page.evaluate("Array.from(document.querySelectorAll('.replay')).filter(e => e.offsetParent !== null).length")
            if shown:
                failures.append(f"live: {shown} replay controls visible")
            if not page.evaluate("!document.getElementById('livebadge').hidden"):
                failures.append("live: no live badge")
        page.screenshot(path=shot)
    chromium.finish(findings, failures, errors)


if __name__ == "__main__":
    main()
