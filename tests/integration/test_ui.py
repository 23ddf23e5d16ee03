"""The monitoring page in a real headless Chromium, against a georedflow-api on the lab."""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import REPO, missing
from tests.integration import png
from tests.integration.harness import SITES, ApiProcess
from tests.integration.test_job_events import stream

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--window-size=1400,1300",
)
SCREENSHOT = REPO / "artifacts" / "ui-job-graph.png"
STYLE = REPO / "georedflow" / "api" / "ui" / "static" / "style.css"


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        missing("Chromium and chromedriver", "scripts/chromium.sh install")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    # Both paths are given, so Selenium Manager has nothing to look up; offline anyway.
    monkeypatch.setenv("SE_OFFLINE", "true")
    monkeypatch.setenv("SE_AVOID_STATS", "true")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


def wait_for(browser: Any, condition: Any, timeout: float = 120) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout, poll_frequency=0.2).until(condition)


def colour(name: str) -> tuple[int, int, int]:
    found = re.search(rf"--{name}:\s*#([0-9a-f]{{6}})", STYLE.read_text())
    assert found, name
    value = found.group(1)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def test_a_job_s_graph_is_drawn_and_every_task_ends_done(api: ApiProcess, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    for site in SITES[:2]:
        assert httpx.post(f"{api.url}/v1/sites", json=site, timeout=30).status_code == 201
    accepted = httpx.post(
        f"{api.url}/v1/connections",
        json={
            "name": "watched-in-a-browser",
            "mode": "warm",
            "technology": "ipsec",
            "local": {"site": "east"},
            "remote": {"site": "west"},
        },
        timeout=30,
    ).json()
    job_id = accepted["job"]["id"]

    browser.get(f"{api.url}/ui/")
    row = wait_for(browser, lambda b: b.find_elements(By.CSS_SELECTOR, f'tr[data-job="{job_id}"]'))
    row[0].click()

    def nodes(b: Any) -> list[Any]:
        found: list[Any] = b.find_elements(By.CSS_SELECTOR, "#graph g.node")
        return found

    wait_for(
        browser,
        lambda b: nodes(b) and all(n.get_attribute("data-state") == "done" for n in nodes(b)),
    )
    wait_for(
        browser,
        lambda b: b.find_element(By.ID, "job-summary").get_attribute("data-state") == "SUCCEEDED",
    )

    job = api.get(f"/v1/jobs/{job_id}")
    graph = api.get(f"/v1/jobs/{job_id}/graph")
    drawn = {
        n.get_attribute("data-task"): n.get_attribute("data-task-state") for n in nodes(browser)
    }
    assert drawn == {t["name"]: "SUCCESS" for t in job["tasks"]}
    edges = browser.find_elements(By.CSS_SELECTOR, "#graph path.edge")
    assert len(edges) == len(graph["edges"]) > 0
    # The live stream reached the page: it logged each task's run and the job's end.
    log = browser.find_element(By.ID, "events").get_attribute("textContent")
    assert all(f"{name}  SUCCESS" in log for name in drawn)
    assert "job SUCCEEDED" in log
    wait_for(
        browser,
        lambda b: b.find_elements(
            By.CSS_SELECTOR,
            f'tr[data-connection="{accepted["connection"]["id"]}"][data-state="ACTIVE"]',
        ),
    )

    SCREENSHOT.parent.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOT))
    width, height, colours = png.pixels(SCREENSHOT.read_bytes())
    assert width > 0 and height > 0
    assert colour("done") in colours

    deleting = httpx.delete(f"{api.url}/v1/connections/{accepted['connection']['id']}")
    assert stream(api, deleting.json()["job"]["id"])[-1][1]["state"] == "SUCCEEDED"
