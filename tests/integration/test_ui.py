"""The monitoring page in a real headless Chromium, against a georedflow-api on the lab."""

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import REPO, free_port, missing
from tests.integration import png
from tests.integration.harness import SITES, ApiProcess, delete_every_connection, write_config
from tests.integration.test_job_events import stream
from tests.integration.test_policy import KEYSTONE, tokens  # noqa: F401 (a fixture)

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


def create(api: ApiProcess, token: str | None = None, admin: str | None = None) -> Any:
    """Two sites (registered by ``admin``) and an ipsec connection (by ``token``)."""

    def auth(who: str | None) -> dict[str, str]:
        return {"X-Auth-Token": who} if who else {}

    for site in SITES[:2]:
        response = httpx.post(f"{api.url}/v1/sites", json=site, headers=auth(admin), timeout=30)
        assert response.status_code == 201, response.text
    response = httpx.post(
        f"{api.url}/v1/connections",
        json={
            "name": "watched-in-a-browser",
            "mode": "warm",
            "technology": "ipsec",
            "local": {"site": "east"},
            "remote": {"site": "west"},
        },
        headers=auth(token),
        timeout=30,
    )
    assert response.status_code == 202, response.text
    return response.json()


def nodes(browser: Any) -> list[Any]:
    from selenium.webdriver.common.by import By

    found: list[Any] = browser.find_elements(By.CSS_SELECTOR, "#graph g.node")
    return found


def watch_until_done(browser: Any, job_id: str) -> None:
    """Select the job in the list, then wait for every task of its graph to be done."""
    from selenium.webdriver.common.by import By

    row = wait_for(browser, lambda b: b.find_elements(By.CSS_SELECTOR, f'tr[data-job="{job_id}"]'))
    row[0].click()
    wait_for(
        browser,
        lambda b: nodes(b) and all(n.get_attribute("data-state") == "done" for n in nodes(b)),
    )
    wait_for(
        browser,
        lambda b: b.find_element(By.ID, "job-summary").get_attribute("data-state") == "SUCCEEDED",
    )


def test_a_job_s_graph_is_drawn_and_every_task_ends_done(api: ApiProcess, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    accepted = create(api)
    job_id = accepted["job"]["id"]

    browser.get(f"{api.url}/ui/")
    watch_until_done(browser, job_id)

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


def test_a_task_that_failed_stays_red_after_its_revert(
    api: ApiProcess, browser: Any, lab: dict[str, Any]
) -> None:
    from selenium.webdriver.common.by import By

    lab["east"].arm_fault("POST", r"^/v2.0/vpn/ipsec-site-connections$", 500, message="no room")
    accepted = create(api)
    job_id = accepted["job"]["id"]
    failed = "CreateSiteConnection-local"

    browser.get(f"{api.url}/ui/")
    row = wait_for(browser, lambda b: b.find_elements(By.CSS_SELECTOR, f'tr[data-job="{job_id}"]'))
    row[0].click()
    wait_for(
        browser,
        lambda b: b.find_element(By.ID, "job-summary").get_attribute("data-state") == "FAILED",
    )

    node = browser.find_element(By.CSS_SELECTOR, f'#graph g.node[data-task="{failed}"]')
    assert node.get_attribute("data-task-state") == "REVERTED"
    assert node.get_attribute("data-state") == "failed"  # red, not the purple of an undo
    undone = [n for n in nodes(browser) if n.get_attribute("data-task-state") == "REVERTED"]
    assert any(n.get_attribute("data-state") == "reverted" for n in undone)  # the others
    log = browser.find_element(By.ID, "events").get_attribute("textContent")
    assert f"{failed}  FAILURE" in log


@pytest.fixture
def keystone_api(
    tmp_path: Path,
    lab_clouds: str,
    tokens: dict[str, str],  # noqa: F811
) -> Iterator[ApiProcess]:
    """A georedflow-api that asks every /v1 caller for a Keystone token."""
    port = free_port()
    config = write_config(tmp_path, lab_clouds, port)
    config.write_text(
        config.read_text().replace("[api]\n", "[api]\nauth_strategy = keystone\n")
        + f"[keystone]\nauth_url = {KEYSTONE}\nusername = admin\npassword = labpass\n"
        "project_name = admin\n"
    )
    manage = Path(sys.executable).parent / "georedflow-manage"
    subprocess.run([str(manage), "--config-file", str(config), "db", "upgrade"], check=True)
    process = ApiProcess(config, port, tmp_path / "api.log")
    process.start()
    yield process
    admin = {"X-Auth-Token": tokens["adam"]}
    delete_every_connection(
        lambda method, path: httpx.request(
            method, f"{process.url}{path}", headers=admin, timeout=30
        )
    )
    process.stop()


def test_under_keystone_the_page_asks_for_a_token_and_sends_it_in_a_header(
    keystone_api: ApiProcess,
    browser: Any,
    tokens: dict[str, str],  # noqa: F811
) -> None:
    from selenium.webdriver.common.by import By

    accepted = create(keystone_api, token=tokens["alice"], admin=tokens["adam"])

    browser.get(f"{keystone_api.url}/ui/")  # the page itself needs no token
    wait_for(browser, lambda b: "token is needed" in b.find_element(By.ID, "status").text)
    browser.find_element(By.ID, "token").send_keys(tokens["alice"])
    browser.find_element(By.CSS_SELECTOR, "#token-form button[type=submit]").click()
    watch_until_done(browser, accepted["job"]["id"])

    assert (
        browser.execute_script("return sessionStorage.getItem('georedflow.token')")
        == (tokens["alice"])
    )
    assert tokens["alice"] not in browser.current_url
    # Every request line the API logged (the event stream's included) is token-free.
    log = keystone_api.log.read_text()
    assert f"/v1/jobs/{accepted['job']['id']}/events" in log
    assert tokens["alice"] not in log

    # Another project's token sees neither the connection nor its job.
    browser.find_element(By.ID, "token").clear()
    browser.find_element(By.ID, "token").send_keys(tokens["bob"])
    browser.find_element(By.CSS_SELECTOR, "#token-form button[type=submit]").click()
    wait_for(browser, lambda b: not b.find_elements(By.CSS_SELECTOR, "tr[data-job]"))
    assert not browser.find_elements(By.CSS_SELECTOR, "tr[data-connection]")
    wait_for(browser, lambda b: not nodes(b))  # the selected job is not bob's to watch
