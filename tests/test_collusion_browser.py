"""Browser test (slow): the 投标文件雷同分析 tab in headless Chromium, with a screenshot to look at."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from assistant.config import PROJECT_ROOT, Settings
from assistant.evaluation.collusion_suite import load_generator
from assistant.services import Services

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SHOTS = PROJECT_ROOT / "artifacts" / "screenshots"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cjk_font() -> Path | None:
    """A CJK font installed with pip (e.g. cvttf-notosanscjk-regular), if any: screenshots readable here."""
    import sys

    for root in {Path(sys.prefix), Path(sys.base_prefix)}:
        hits = sorted(root.glob("NotoSansCJK*.otf"))
        if hits:
            return hits[0]
    return None


def test_collusion_tab_shows_ranked_pairs_evidence_graph_and_report(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed")
    import uvicorn
    from playwright.sync_api import sync_playwright

    from assistant.ui.server import create_web_app

    truth = load_generator(PROJECT_ROOT / "eval").generate(tmp_path / "set", seed=11, level="none", n_bids=6,
                                                           collusion=True)
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", include_china_law=False,  # type: ignore[call-arg]
                        embedding={"backend": "fake"}, llm={"backend": "none"})
    services = Services(settings)
    port = _port()
    server = uvicorn.Server(uvicorn.Config(create_web_app(services=services), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            outside: list[str] = []
            page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((base, "data:", "blob:")) else None)
            font = _cjk_font()
            if font is not None:  # this machine has no CJK system font: lend the page one, for the screenshot only
                page.route(f"{base}/__test_cjk_font.otf", lambda route: route.fulfill(body=font.read_bytes(),
                                                                                       content_type="font/otf"))
            page.goto(base + "/")
            page.get_by_text("招投标审查助手", exact=False).first.wait_for()
            if font is not None:
                page.add_style_tag(content="@font-face{font-family:TestCJK;src:url(/__test_cjk_font.otf)}"
                                           "*{font-family:TestCJK,sans-serif!important}")
            page.get_by_role("tab", name="投标文件雷同分析").click()
            page.locator("#cl-tender input[type=file]").set_input_files(str(tmp_path / "set" / truth.tender_file))
            page.locator("#cl-bids input[type=file]").set_input_files([str(tmp_path / "set" / f) for f in truth.bid_files])
            page.wait_for_timeout(1500)
            page.locator("#cl-start").click()
            page.locator("#collusion-graph").wait_for(timeout=120_000)
            page.wait_for_timeout(800)
            summary = page.locator("#cl-summary").inner_text()
            assert "高风险" in summary and "检查方法与局限" in summary
            detail = page.locator("#cl-detail")
            assert detail.locator("mark").count() >= 1
            assert page.locator("#collusion-graph line").count() >= 1
            assert page.locator("#cl-dl-docx").is_visible()
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / "collusion_tab.png"), full_page=True)
            # a bad upload: the same bid twice (the file list appends) -> Chinese error, no crash
            page.locator("#cl-bids input[type=file]").set_input_files([str(tmp_path / "set" / truth.bid_files[0])])
            page.wait_for_timeout(1000)
            page.locator("#cl-start").click()
            page.get_by_text("重名文件", exact=False).first.wait_for(timeout=20_000)
            browser.close()
            assert not outside, outside
    finally:
        server.should_exit = True
        thread.join(timeout=15)
