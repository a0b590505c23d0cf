"""The rendered Findings page in a real browser: headless Chromium over the DevTools protocol.

Checks that the page loads, that every figure decodes, and that nothing is logged as an
error (console, uncaught exception, failed request); saves a screenshot under output/browser/.
Skips only where Chromium is not installed (.ci/run installs Debian's `chromium`).
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from _report_fixtures import make_fake_study

from unreported.config import PROJECT_ROOT, Study
from unreported.report import render

pytestmark = [pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,2000"]


class Page:
    """A minimal DevTools client: send commands, collect events."""

    def __init__(self, ws_url: str) -> None:
        import websocket

        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, **params) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, method: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(method)
            self.events.append(json.loads(self.ws.recv()))

    def errors(self) -> list[str]:
        out = []
        for e in self.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.exceptionThrown":
                out.append(f"exception: {p['exceptionDetails'].get('text')}")
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append(f"console.{p['type']}: {[a.get('value') for a in p.get('args', [])]}")
            elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
                out.append(f"log: {p['entry'].get('text')} {p['entry'].get('url', '')}")
            elif m == "Network.loadingFailed":
                out.append(f"request failed: {p.get('errorText')}")
        return out


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    proc = subprocess.Popen(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-address=127.0.0.1",
         "--remote-debugging-port=0", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 30
    while not port_file.is_file() or not port_file.read_text().strip():
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            pytest.fail("chromium did not start its DevTools endpoint")
        time.sleep(0.2)
    port = int(port_file.read_text().split()[0])
    yield port
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def findings(tmp_path_factory) -> Path:
    study = Study.load(make_fake_study(tmp_path_factory.mktemp("study")))
    result = render.render_reports(study, renderer="fallback", leak_check=False)
    return next(p for p in result.pages if p.name == "index.html")


def _open(port: int, url: str) -> Page:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as resp:
        targets = json.load(resp)
    page = Page(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"])
    for domain in ("Page", "Runtime", "Log", "Network"):
        page.send(f"{domain}.enable")
    page.send("Page.navigate", url=url)
    page.wait_for("Page.loadEventFired")
    return page


def test_findings_page_loads_with_figures_and_no_console_errors(chromium, findings):
    page = _open(chromium, findings.as_uri())
    state = page.send(
        "Runtime.evaluate",
        expression="""JSON.stringify({
            title: document.title,
            images: document.images.length,
            broken: Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).length,
            factors: Array.from(document.querySelectorAll('section[id^="sec-f"]')).map(s => s.id),
            matrix: !!document.querySelector('#sec-traceability table'),
            height: document.body.scrollHeight
        })""",
        returnByValue=True,
    )
    info = json.loads(state["result"]["value"])
    shot = page.send("Page.captureScreenshot", format="png")
    out = PROJECT_ROOT / "output" / "browser"
    out.mkdir(parents=True, exist_ok=True)
    (out / "findings.png").write_bytes(base64.b64decode(shot["data"]))
    page.ws.close()

    assert info["title"].startswith("Findings")
    assert info["images"] >= 10  # funnel, overview, co-occurrence, one per factor
    assert info["broken"] == 0
    assert info["factors"] == [f"sec-f{i}" for i in range(1, 8)]
    assert info["matrix"]
    assert info["height"] > 2000
    assert page.errors() == []
    assert (out / "findings.png").stat().st_size > 10_000


def test_the_check_sees_a_console_error(chromium, tmp_path):
    """The error collection works: a page that logs an error is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><img src='missing.png'><script>console.error('boom')</script></body></html>")
    page = _open(chromium, bad.as_uri())
    time.sleep(0.5)
    page.send("Runtime.evaluate", expression="1")
    errors = page.errors()
    page.ws.close()
    assert any("boom" in e for e in errors)
    assert any("missing.png" in e or "request failed" in e for e in errors)
