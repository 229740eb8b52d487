"""Drives Kiln's web UI in headless Chromium (Debian's chromium, through Playwright) against a
real cluster, as an operator would: sign in with the token, open the jobs list, a running
job's stage graph and task timeline, a failed job's error and log tail, the executors page.
Saves a screenshot of each page and prints what the pages showed as JSON.

Also opens the catalog (databases, a table's columns and partitions), a crawler's runs, the
schedules and the triggers with the job a trigger started.
Reads {"url", "token", "running", "failed", "hostile", "screenshots"} as JSON on stdin.
"""

import json
import os
import sys

from playwright.sync_api import sync_playwright

request = json.load(sys.stdin)
url, shots = request["url"], request["screenshots"]
os.makedirs(shots, exist_ok=True)
seen = {"dialogs": []}


def steps(page):
    """Signs in and opens each page in turn, noting what it shows in `seen`."""
    # Without the cookie, the UI asks for the token; a wrong one is refused.
    page.goto(url + "/ui/")
    page.wait_for_selector("form.login")
    seen["login_shown"] = True
    page.fill("input[name=token]", "not-the-token")
    page.click("form.login button")
    page.wait_for_selector("#login-error:has-text('not accepted')")
    page.screenshot(path=shots + "/login.png")
    page.fill("input[name=token]", request["token"])
    page.click("form.login button")

    # The jobs list.
    page.wait_for_selector("#jobs tr[data-job='%s']" % request["failed"])
    page.wait_for_selector("#jobs tr[data-job='%s']" % request["hostile"])
    seen["listed"] = page.eval_on_selector_all("#jobs tbody tr", "rows => rows.map(r => r.dataset.job)")
    seen["hostile_name"] = page.text_content("#jobs tr[data-job='%s'] .job-name" % request["hostile"])
    seen["script_elements"] = page.eval_on_selector_all("main script", "nodes => nodes.length")
    seen["failed_row_state"] = page.text_content("#jobs tr[data-job='%s'] .state" % request["failed"])
    page.screenshot(path=shots + "/jobs.png", full_page=True)

    # A running job: its stage graph and task timeline, live.
    page.goto(url + "/ui/#/jobs/" + request["running"])
    page.wait_for_selector("#stage-graph g.stage")
    page.wait_for_selector("#task-timeline rect.attempt[data-state=RUNNING]")
    seen["running"] = {
        "state": page.text_content("#job-state"),
        "stages": page.eval_on_selector_all(
            "#stage-graph g.stage",
            "gs => gs.map(g => ({stage: Number(g.dataset.stage), state: g.dataset.state, "
            "succeeded: Number(g.dataset.tasksSucceeded), total: Number(g.dataset.tasksTotal)}))",
        ),
        "edges": page.eval_on_selector_all("#stage-graph line.edge", "ls => ls.length"),
        "bars": page.eval_on_selector_all("#task-timeline rect.attempt", "rs => rs.map(r => r.dataset.state)"),
    }
    page.screenshot(path=shots + "/running-job.png", full_page=True)

    # A failed job: why, and the end of the failing attempts' logs.
    page.goto(url + "/ui/#/jobs/" + request["failed"])
    page.wait_for_selector("#job-error")
    page.wait_for_selector("pre.log-tail")
    seen["failed"] = {
        "error": page.text_content("#job-error"),
        "log_tails": page.eval_on_selector_all("pre.log-tail", "ps => ps.map(p => p.textContent)"),
        "tasks": page.text_content("#job-tasks"),
    }
    page.screenshot(path=shots + "/failed-job.png", full_page=True)

    # The executors.
    page.goto(url + "/ui/#/executors")
    page.wait_for_selector("#executors tbody tr")
    # Memory is reported with heartbeats; the page refreshes every 2 s.
    page.wait_for_function(
        "() => [...document.querySelectorAll('#executors .resident')].every(c => c.textContent !== '0 B')"
    )
    seen["executors"] = page.eval_on_selector_all(
        "#executors tbody tr",
        "rs => rs.map(r => ({id: r.dataset.executor, slots: Number(r.querySelector('.slots').textContent), "
        "memory: r.querySelector('.memory').textContent, resident: r.querySelector('.resident').textContent}))",
    )
    page.screenshot(path=shots + "/executors.png", full_page=True)

    # The catalog: databases, a database's tables, a table's columns and partitions, and
    # the crawler's runs.
    page.goto(url + "/ui/#/catalog")
    page.wait_for_selector("#databases tbody tr")
    databases = page.eval_on_selector_all("#databases tbody tr td:first-child", "ts => ts.map(t => t.textContent)")
    page.click("#databases a")
    page.wait_for_selector("#tables tbody tr")
    tables = page.eval_on_selector_all("#tables tbody tr td:first-child a", "ts => ts.map(t => t.textContent)")
    page.click("#tables a")
    page.wait_for_selector("#partitions")
    seen["catalog"] = {
        "databases": databases,
        "tables": tables,
        "columns": page.eval_on_selector_all("#columns tbody tr td:first-child", "ts => ts.map(t => t.textContent)"),
        "partitions": page.eval_on_selector_all("#partitions tbody tr", "rs => rs.length"),
    }
    page.screenshot(path=shots + "/table.png", full_page=True)
    page.goto(url + "/ui/#/crawlers/shop-lake")
    page.wait_for_selector("#crawl-runs")
    seen["catalog"]["crawl_runs"] = page.eval_on_selector_all("#crawl-runs tbody tr", "rs => rs.length")
    page.screenshot(path=shots + "/crawler.png", full_page=True)

    # Schedules with their next fire times, and triggers with the runs they started.
    page.goto(url + "/ui/#/schedules")
    page.wait_for_selector("#schedules tr[data-schedule]")
    seen["schedules"] = page.eval_on_selector_all(
        "#schedules tr[data-schedule]",
        "rs => rs.map(r => ({name: r.dataset.schedule, runs: r.querySelector('.runs').textContent, "
        "cron: r.querySelector('.cron').textContent, zone: r.querySelector('.zone').textContent, "
        "next_ms: r.querySelector('.next').dataset.ms, state: r.querySelector('.activity').textContent}))",
    )
    page.screenshot(path=shots + "/schedules.png", full_page=True)
    page.goto(url + "/ui/#/triggers")
    page.wait_for_selector("#triggers tr[data-trigger] .recent a")
    seen["triggers"] = page.eval_on_selector_all(
        "#triggers tr[data-trigger]",
        "rs => rs.map(r => ({name: r.dataset.trigger, watches: r.querySelector('.watches').textContent, "
        "runs: r.querySelector('.runs').textContent, state: r.querySelector('.activity').textContent, "
        "jobs: [...r.querySelectorAll('.recent a')].map(a => a.dataset.job)}))",
    )
    page.screenshot(path=shots + "/triggers.png", full_page=True)
    # A trigger's run opens its job.
    page.click("#triggers tr[data-trigger] .recent a")
    page.wait_for_selector("#job-state:has-text('SUCCEEDED')")
    seen["triggered_job_page"] = page.url

    # Signing out forgets the token.
    page.click("#logout button")
    page.wait_for_selector("form.login")
    seen["signed_out"] = True


with sync_playwright() as playwright:
    browser = playwright.chromium.launch(
        executable_path=os.environ.get("KILN_CHROMIUM", "/usr/bin/chromium"),
        args=["--no-sandbox"],
    )
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    # A script that ran (from a job's name) would open a dialog.
    page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))

    # What the page showed when a step failed, for the test's failure message.
    def on_failure(error):
        page.screenshot(path=shots + "/failure.png", full_page=True)
        raise RuntimeError("%s\nthe page at %s showed:\n%s" % (error, page.url, page.inner_text("body")))

    try:
        steps(page)
    except Exception as error:  # noqa: BLE001 - re-raised with what the page showed
        on_failure(error)
    browser.close()

print(json.dumps(seen))
