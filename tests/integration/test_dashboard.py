"""`news-ingest dashboard` opened in headless Chromium over a running pipeline: after a replay of
the seeds its charts hold data and its tables and story timelines say what the topics say."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pipeline.config import Settings
from pipeline.models import ClaimUpdate
from pipeline.replay import replay
from pipeline.runner import child_env, running_workers, stop_process
from pipeline.topology import Topology
from tests.integration.conftest import free_port, free_port_pair, read_topic, wait_for
from tests.seeds import SEEDS_DIR
from tests.unit.test_stories import seed_thread

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        shutil.which("chromium") is None or shutil.which("chromedriver") is None,
        reason="needs Chromium and its driver (Debian: chromium, chromium-driver)",
    ),
]

# What the page shows, read from its DOM (the elements carry their data as attributes).
READ_PAGE = """
const text = (q) => { const e = document.querySelector(q); return e ? e.textContent : null; };
const series = [...document.querySelectorAll('#throughput polyline')].map((p) => ({
  name: p.dataset.series, points: Number(p.dataset.points), max: Number(p.dataset.max) }));
const lag = [...document.querySelectorAll('#lag polyline')].map((p) => ({
  name: p.dataset.series, points: Number(p.dataset.points), last: Number(p.dataset.last) }));
const timelines = [...document.querySelectorAll('#timelines .timeline')].map((t) => ({
  proposition: t.dataset.proposition, stances: t.dataset.stances,
  entries: [...t.querySelectorAll('.entry')].map((e) => [e.dataset.statedAt, e.dataset.stance, e.dataset.change]),
  dots: t.querySelectorAll('svg circle').length }));
return {
  alive: document.getElementById('status').dataset.workersAlive,
  extracted: text('#counts tr[data-count="articles extracted"] td[data-field="total"]'),
  unique: text('#counts tr[data-count="unique"] td[data-field="total"]'),
  claims: text('#counts tr[data-count="claims"] td[data-field="total"]'),
  empty: text('#dead-letters tr[data-reason="empty document"] td[data-field="count"]'),
  captures: text('#topics tr[data-topic="news.captures"] td[data-field="end"]'),
  groupLag: [...document.querySelectorAll('#lag-table td[data-field="lag"]')].map((c) => c.textContent),
  series, lag, timelines,
};
"""


@pytest.fixture
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(shutil.which("chromium"))
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,2400"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(shutil.which("chromedriver"))), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def dashboard(settings: Settings, tmp_path: Path) -> Iterator[tuple[Settings, str]]:
    """Workers with metrics, and the dashboard over them as a process of its own."""
    port = free_port_pair()
    settings = settings.model_copy(update={"metrics_port": port})
    env = child_env(settings) | {"NEWS_INGEST_METRICS_TARGETS": f"127.0.0.1:{port},127.0.0.1:{port + 1}"}
    address = f"http://127.0.0.1:{free_port()}"
    log = (tmp_path / "dashboard.log").open("wb")
    command = [
        sys.executable,
        "-m",
        "pipeline.cli",
        "dashboard",
        "--port",
        address.rsplit(":", 1)[1],
        "--interval",
        "1",
    ]
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    try:
        wait_for(lambda: _answers(f"{address}/api/snapshot"), timeout_s=60, what="the dashboard to answer")
        yield settings, address
    finally:
        assert stop_process(process) == 0, (tmp_path / "dashboard.log").read_text()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_dashboard_charts_and_timelines_hold_the_replay(
    dashboard: tuple[Settings, str], browser: Any, tmp_path: Path
) -> None:
    settings, address = dashboard
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    page: dict[str, Any] = {}

    def read() -> dict[str, Any]:
        page.clear()
        page.update(browser.execute_script(READ_PAGE))
        return page

    with running_workers(settings, tmp_path / "logs") as workers:
        browser.get(address + "/")
        wait_for(lambda: read()["alive"] == "2", timeout_s=60, what="both workers alive on the page")
        summary = replay([SEEDS_DIR, empty], settings, timeout_s=240, health_check=workers.check)
        assert (summary.documents, summary.articles, summary.dead_letters) == (6, 5, 1)
        updates = read_topic(
            settings, Topology.from_settings(settings).name("claim_updates"), ClaimUpdate, count=10_000, timeout_s=5
        )
        thread = seed_thread(updates)

        def settled() -> bool:
            shown = read()
            captures = next((s for s in shown["series"] if s["name"].endswith("news.captures")), None)
            timeline = next((t for t in shown["timelines"] if t["proposition"] == thread.proposition_id), None)
            return (
                (shown["extracted"], shown["unique"], shown["claims"]) == ("5", "5", str(summary.claims))
                and shown["empty"] == "1"
                and shown["captures"] == "5"
                and shown["groupLag"] == ["0", "0"]
                and captures is not None
                and captures["max"] > 0
                and timeline is not None
                and timeline["entries"]
                == [[p.stated_at, p.polarity, str(p in thread.changes).lower()] for p in thread.timeline]
            )

        try:
            wait_for(settled, timeout_s=90, what="the replay on the page")
        finally:
            browser.save_screenshot(str(tmp_path / "dashboard.png"))
        stop_process(workers.processes[0])
        wait_for(lambda: read()["alive"] == "1", timeout_s=30, what="the stopped fetch worker off the page")

    timeline = next(t for t in page["timelines"] if t["proposition"] == thread.proposition_id)
    assert timeline["stances"] == "hedged,positive,negative"
    assert timeline["dots"] == len(thread.timeline)
    assert all(s["points"] >= 2 for s in page["lag"]) and len(page["lag"]) == 2
    screenshot = (tmp_path / "dashboard.png").read_bytes()
    assert screenshot.startswith(b"\x89PNG\r\n\x1a\n") and len(screenshot) > 20_000
