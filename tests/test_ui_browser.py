"""Browser tests (slow): Playwright drives Debian's headless Chromium through the four tabs.

The server is the real web app (create_web_app: REST + Gradio) on a free loopback port, with a
small knowledge base built with the real e5 model (reform plan, rule catalogue, one regulation).
Screenshots per tab go to artifacts/screenshots/. Every request the page makes must stay on the
machine (no fonts, scripts or analytics from the internet).
"""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
from ui_text_scan import english_words
from web_fixtures import (
    EXTRA_REGULATION_MD,
    EXTRA_REGULATION_TITLE,
    REGULATION_TITLE,
    build_small_kb,
    write_regulation,
    write_tender_docx,
)

from assistant.config import PROJECT_ROOT, Settings
from assistant.services import Services

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = PROJECT_ROOT / "artifacts" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed (apt install chromium)")
    import uvicorn

    from assistant.ui.server import create_web_app

    tmp = tmp_path_factory.mktemp("browser")
    settings = Settings(_env_file=None, data_dir=tmp / "data", include_china_law=False,  # type: ignore[call-arg]
                        llm={"backend": "none"})
    services = Services(settings)
    build_small_kb(services, tmp)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_web_app(services=services), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        pytest.fail("web app did not come up")
    yield {"base": base, "tmp": tmp, "services": services}
    server.should_exit = True
    thread.join(timeout=15)


@pytest.fixture(scope="module")
def page(live):
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        # an English browser: the page must still be Chinese throughout (Gradio's own widgets included)
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="en-US", accept_downloads=True)
        pg = context.new_page()
        pg.on("request", lambda r: requests.append(r.url))
        pg.dialog_answer = "accept"  # type: ignore[attr-defined]  # a test may answer 取消 instead
        pg.on("dialog", lambda d: d.accept() if pg.dialog_answer == "accept" else d.dismiss())  # type: ignore[attr-defined]
        pg.set_default_timeout(90_000)
        pg.goto(live["base"] + "/")
        pg.get_by_text("招投标审查助手", exact=False).first.wait_for()
        pg.requests = requests  # type: ignore[attr-defined]
        yield pg
        context.close()
        browser.close()


def _tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


@contextmanager
def _screenshot_on_failure(page, name: str):
    """Keep the page as it was when an assertion or wait failed (artifacts/screenshots/FAILED_*)."""
    try:
        yield
    except BaseException:
        page.screenshot(path=str(SCREENSHOTS / f"FAILED_{name}"), full_page=True)
        raise


REAL_TENDER = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "tenders" / "政府采购项目公开招标文件.docx"
REAL_PDF_REGULATION = REAL_TENDER.parents[1] / "regulations" / "政府采购质疑和投诉办法.pdf"
# words that are names on these pages: the product's own file names, the tender's model numbers…
PAGE_ALLOWED = frozenset({"Copy", "Ctrl"})


def _assert_chinese(page, selector: str, extra: frozenset[str] = frozenset()) -> str:
    """The visible text of a tab, and no English words outside the allow-list on it."""
    # Gradio's own busy timer (「0.4s」 in a status tracker) shows while a component is still loading:
    # scan the settled page, not the timer
    page.wait_for_function("sel => !document.querySelector(`${sel} .progress-text, ${sel} .meta-text, "
                           "${sel} .meta-text-center, ${sel} .eta-bar`)", arg=selector)
    text = page.locator(selector).inner_text()
    found = english_words(text, extra)
    assert not found, f"English on {selector}: {found[:20]}"
    # Vega's generated SVG descriptions of the chart are not checked (its drawn labels are, as text)
    labels = page.locator(f"{selector} [aria-label]:not(svg, svg *)").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))")
    found = english_words(" ".join(labels), extra)
    assert not found, f"English accessibility labels on {selector}: {found[:20]}"
    return text


def _shot(page, name: str) -> Path:
    path = SCREENSHOTS / name
    page.wait_for_timeout(400)  # let transitions settle
    page.screenshot(path=str(path), full_page=True)
    return path


def test_policy_qa_tab_answers_with_citations(page) -> None:
    with _screenshot_on_failure(page, "test_policy_qa_tab_answers_with_citations.png"):
        # the mode note is visible once the page has rendered (waits, fails after the timeout)
        page.get_by_text("无大模型·摘录模式").first.wait_for(state="visible")
        cites = page.locator("#qa-citations")
        # an example question: one click asks it (answer or honest refusal, depending on the KB)
        page.get_by_role("button", name="婺城区改革方案对评定分离有什么要求？").click()
        page.locator("#qa-chatbot").get_by_text("婺城区改革方案对评定分离有什么要求？").first.wait_for()
        cites.locator(":is(details, .refusal)").first.wait_for()
        assert "婺城区" in cites.inner_text()
        # a typed follow-up, answered with the article and its full text
        page.locator("#qa-question textarea").fill("投标保证金不得超过估算价的多少？")
        page.locator("#qa-ask").click()
        cites.get_by_text("第二条").first.wait_for()
        assert REGULATION_TITLE in cites.inner_text()
        # the full article text is shown on expand (the first citation is open)
        assert "不得超过招标项目估算价的百分之二" in cites.inner_text()
        bubble = page.locator("#qa-chatbot")
        assert "第二条" in bubble.inner_text()
        # the article text is shown once: in full in the panel, not repeated whole in the bubble
        article_text = cites.locator(".full").first.inner_text()
        longest = max((line.strip() for line in article_text.splitlines()), key=len)
        assert len(longest) > 20 and longest not in bubble.inner_text()
        # the latest answer opens at its first line
        page.wait_for_timeout(500)
        top = page.evaluate("""() => { const b = document.querySelectorAll('#qa-chatbot [data-testid="bot"]');
            const last = b[b.length - 1]; const box = document.querySelector('#qa-chatbot');
            return last.getBoundingClientRect().top - box.getBoundingClientRect().top; }""")
        assert 0 <= top < 200, top
        _assert_chinese(page, "#tab-qa")
        _shot(page, "1_政策问答.png")

        # a follow-up the small KB cannot support: an honest refusal, shown differently
        box = page.locator("#qa-question textarea")
        box.fill("2030年新出台的招投标电子化规定有哪些要求？")
        page.locator("#qa-ask").click()
        page.locator("#qa-citations .refusal").wait_for()
        assert "知识库中没有依据" in page.locator("#qa-citations").inner_text()
        _shot(page, "1b_政策问答_拒答.png")


def test_review_tab_findings_and_download(page, live) -> None:
    with _screenshot_on_failure(page, "test_review_tab_findings_and_download.png"):
        tender = REAL_TENDER if REAL_TENDER.exists() else write_tender_docx(live["tmp"] / "upload" / "某道路维修工程招标文件.docx")
        _tab(page, "招标文件审查")
        page.locator("#review-file input[type=file]").set_input_files(str(tender))
        page.wait_for_timeout(800)
        page.locator("#review-start").click()
        page.locator("#review-summary").get_by_text("问题总数").wait_for()
        table = page.locator("#review-table")
        first_clause = table.locator('[data-testid="cell-0-3"]')  # Gradio's virtualised grid cells
        first_clause.wait_for()
        assert "高" in table.inner_text() or "中" in table.inner_text()
        first_clause.click()
        page.locator("#review-detail mark").first.wait_for()
        assert "法律依据" in page.locator("#review-detail").inner_text()
        assert "问题总数" in page.locator("#review-summary").inner_text()
        # the chart is drawn by the browser: its labels are real SVG text, not pixels from a server font
        chart_text = page.locator("#review-chart svg text")
        chart_text.first.wait_for()
        labels = " ".join(chart_text.all_text_contents())
        assert "风险" in labels and "问题数量" in labels
        assert page.locator("#review-chart img").count() == 0
        assert page.locator("#review-chart svg g.mark-rect path").count() > 0, "the chart draws no bars"
        # the checklist table next to the findings: every catalogue point has a conclusion
        checklist = page.locator("#review-checklist")
        checklist.locator('[data-testid="cell-0-0"]').wait_for()
        assert "T01" in checklist.inner_text()
        assert "审查要点清单" in page.locator("#review-checklist-summary").inner_text()
        for status in ("发现问题", "未发现问题"):
            assert status in checklist.inner_text()
        _assert_chinese(page, "#tab-review")
        _shot(page, "2_招标文件审查.png")

        # a filter updates the detail pane too (never a finding the table no longer shows)
        shown = table.inner_text()
        level = "低" if "低" in shown else "中"
        page.locator("#review-table").scroll_into_view_if_needed()
        page.get_by_label("按风险等级筛选").click()
        page.get_by_role("option", name=level, exact=True).click()
        page.wait_for_timeout(800)
        badge = page.locator("#review-detail .badge").first.inner_text()
        assert badge == f"{level}风险", badge
        _shot(page, "2b_招标文件审查_筛选.png")

        with page.expect_download() as info:
            page.locator("#dl-docx").click()
        target = live["tmp"] / "downloads" / info.value.suggested_filename
        target.parent.mkdir(parents=True, exist_ok=True)
        info.value.save_as(str(target))
        assert target.suffix == ".docx" and target.read_bytes()[:2] == b"PK"
        import docx

        assert "审查意见" in "\n".join(p.text for p in docx.Document(str(target)).paragraphs)

        # choosing another file clears the previous review at once (before 开始审查 is clicked)
        other = write_tender_docx(live["tmp"] / "upload" / "另一个招标文件.docx")
        # Gradio's own Chinese label (the page asks for zh-CN before Gradio loads)
        page.locator('#review-file button[aria-label="清除"]').first.click()
        page.locator("#review-file input[type=file]").set_input_files(str(other))
        page.locator("#review-summary").get_by_text("审查结果将显示在这里").wait_for()
        assert "问题总数" not in page.locator("#review-summary").inner_text()
        assert not page.locator("#dl-docx").is_visible()
        _shot(page, "2c_招标文件审查_换文件.png")


def test_review_tab_bad_file_shows_a_clear_chinese_error(page, live) -> None:
    """The UI door for bad input: a corrupt DOCX gets the loader's Chinese message, no traceback."""
    with _screenshot_on_failure(page, "test_review_tab_bad_file.png"):
        bad = live["tmp"] / "upload" / "损坏的招标文件.docx"
        bad.parent.mkdir(parents=True, exist_ok=True)
        bad.write_bytes(b"PK\x03\x04" + b"\x00" * 64)  # a zip header and nothing after it
        page.reload()  # a fresh upload box (an earlier test may have left a file in it)
        page.get_by_text("招投标审查助手", exact=False).first.wait_for()
        _tab(page, "招标文件审查")
        page.locator("#review-file input[type=file]").set_input_files(str(bad))
        page.wait_for_timeout(800)
        page.locator("#review-start").click()
        toast = page.get_by_text("已损坏", exact=False).first
        toast.wait_for()
        text = page.locator("body").inner_text()
        assert "损坏的招标文件.docx" in text
        assert "Traceback" not in text and "BadZipFile" not in text
        # the error stays in the panel where the progress was (not only in a toast that fades)
        panel = page.locator("#review-summary").inner_text()
        assert "无法审查" in panel and "已损坏" in panel and "正在审查" not in panel


def _review_upload(page, path: Path, force: bool = False) -> None:
    page.reload()  # a fresh upload box
    page.get_by_text("招投标审查助手", exact=False).first.wait_for()
    _tab(page, "招标文件审查")
    page.locator("#review-file input[type=file]").set_input_files(str(path))
    page.wait_for_timeout(800)
    if force:
        page.locator("#review-force input[type=checkbox]").check()
    page.locator("#review-start").click()


def test_review_tab_refuses_disguised_and_non_tender_files(page, live) -> None:
    """A text file named .docx is refused; a readable non-tender is refused unless 仍然审查 is ticked."""
    with _screenshot_on_failure(page, "test_review_tab_refuses_disguised.png"):
        folder = live["tmp"] / "upload"
        folder.mkdir(parents=True, exist_ok=True)
        disguised = folder / "伪装的招标文件.docx"
        disguised.write_text("这是一行普通文字。", encoding="utf-8")
        _review_upload(page, disguised)
        page.get_by_text("与扩展名不符", exact=False).first.wait_for()
        assert "伪装的招标文件.docx" in page.locator("body").inner_text()

        memo = folder / "会议纪要.txt"
        memo.write_text("会议纪要\n今天讨论了办公室搬迁。\n下周一开始打包。\n请各部门配合。", encoding="utf-8")
        _review_upload(page, memo)
        page.get_by_text("看起来不是招标文件", exact=False).first.wait_for()
        _shot(page, "2b_非招标文件被拒.png")
        _review_upload(page, memo, force=True)
        page.locator("#review-checklist-summary").get_by_text("强制审查", exact=False).wait_for()
        assert "T01" in page.locator("#review-checklist").inner_text()
        assert "Traceback" not in page.locator("body").inner_text()
        _shot(page, "2c_强制审查.png")

        # a scanned tender (no text layer): OCR'd pages and their confidence are stated
        scanned = PROJECT_ROOT / "tests" / "data" / "ingest" / "scanned_tender.pdf"
        _review_upload(page, scanned)
        page.locator("#review-checklist-summary").get_by_text("扫描页", exact=False).wait_for(timeout=180_000)
        assert "置信度" in page.locator("#review-checklist-summary").inner_text()
        _shot(page, "2d_扫描件.png")


def test_knowledge_base_tab_upload_and_search(page, live) -> None:
    with _screenshot_on_failure(page, "test_knowledge_base_tab_upload_and_search.png"):
        reg = write_regulation(live["tmp"] / "new_regs", f"{EXTRA_REGULATION_TITLE}.md", EXTRA_REGULATION_MD)
        _tab(page, "知识库")
        if REAL_PDF_REGULATION.exists():  # a real PDF regulation, read with Chinese progress
            page.locator("#kb-upload input[type=file]").set_input_files(str(REAL_PDF_REGULATION))
            page.wait_for_timeout(800)
            page.locator("#kb-add").click()
            # the knowledge base ships this regulation, converted from this very PDF: its articles are the same,
            # so it is not imported twice (no vectors to compute: the progress panel may be gone at once), and
            # the panel says which document holds them
            done = page.locator("#kb-message").get_by_text("未重复导入")
            progress = page.locator("#kb-message .work-progress")
            done.or_(progress).first.wait_for(timeout=600_000)
            if progress.count():
                assert "正在导入 1 个文件：政府采购质疑和投诉办法.pdf" in page.locator("#kb-message").inner_text()
                _shot(page, "3a_知识库_导入进度.png")
            done.wait_for(timeout=600_000)
            assert "与已导入的《政府采购质疑和投诉办法》" in page.locator("#kb-message").inner_text()
            page.locator("#kb-docs").get_by_text("政府采购质疑和投诉办法").first.wait_for()
        docs = page.locator("#kb-docs")
        docs.get_by_text(REGULATION_TITLE).first.wait_for()
        page.locator("#kb-upload input[type=file]").set_input_files(str(reg))
        page.wait_for_timeout(800)
        page.locator("#kb-add").click()
        page.locator("#kb-message").get_by_text("已加入知识库").wait_for()
        docs.get_by_text(EXTRA_REGULATION_TITLE).first.wait_for()
        page.locator("#kb-query textarea").fill("供应商认为采购文件使其权益受到损害，何时提出质疑")
        page.locator("#kb-search").click()
        page.locator("#kb-results").get_by_text(EXTRA_REGULATION_TITLE).first.wait_for()
        assert "公布日期" in page.locator("#kb-docs").inner_text()
        doc_ids = frozenset(d.doc_id for d in live["services"].kb.list_documents(include_superseded=True))
        _assert_chinese(page, "#tab-kb", doc_ids)
        _shot(page, "3_知识库.png")


SMALL_RULE_TITLE = "婺城区小额工程建设项目交易规则"


def test_knowledge_base_batch_with_a_bad_file_and_a_cancelled_delete(page, live) -> None:
    """A disguised file does not block the valid one; the panel ends in the final state; 取消 deletes nothing."""
    with _screenshot_on_failure(page, "test_knowledge_base_batch_and_cancelled_delete.png"):
        folder = live["tmp"] / "kb_batch"
        folder.mkdir(parents=True, exist_ok=True)
        fake = folder / "伪装的法规.docx"
        fake.write_text("这是一行普通文字。", encoding="utf-8")
        good = folder / "small.txt"
        good.write_text(f"{SMALL_RULE_TITLE}\n第一条 为规范小额工程交易，制定本规则。\n"
                        "第二条 400万元以下的小额工程可以进入婺城区小额交易平台。\n", encoding="utf-8")
        page.reload()
        page.get_by_text("招投标审查助手", exact=False).first.wait_for()
        _tab(page, "知识库")
        page.locator("#kb-upload input[type=file]").set_input_files([str(fake), str(good)])
        page.wait_for_timeout(800)
        page.locator("#kb-add").click()
        panel = page.locator("#kb-message")
        panel.get_by_text("已导入 1 个，失败 1 个").wait_for()
        assert "导入失败：伪装的法规.docx：" in panel.inner_text() and "与扩展名不符" in panel.inner_text()
        assert "正在导入" not in panel.inner_text()
        assert page.locator(".toast-body").count() == 0  # the error is in the panel, not a fading toast
        docs = page.locator("#kb-docs")
        docs.get_by_text(SMALL_RULE_TITLE).first.wait_for()
        _shot(page, "3b_知识库_批量导入含坏文件.png")

        docs.get_by_text(SMALL_RULE_TITLE).first.click()
        id_box = page.locator("#kb-docid textarea, #kb-docid input").first
        page.wait_for_function("() => { const b = document.querySelector('#kb-docid textarea, #kb-docid input');"
                               " return b && b.value.startsWith('user-'); }")
        chosen = id_box.input_value()
        page.dialog_answer = "dismiss"
        try:
            page.locator("#kb-remove").click()
            page.wait_for_timeout(1500)
        finally:
            page.dialog_answer = "accept"
        assert id_box.input_value() == chosen and SMALL_RULE_TITLE in docs.inner_text()
        assert page.locator(".toast-body").count() == 0 and "错误" not in page.locator("#tab-kb").inner_text()
        assert chosen in {d.doc_id for d in live["services"].kb.list_documents()}


def test_knowledge_base_rebuild_failure_is_told_in_the_panel(page, live) -> None:
    """The vector server is down during 「更新索引」: the reason stays in the panel (not a fading toast) and
    the document list is the one still serving."""
    kb = live["services"].kb
    with _screenshot_on_failure(page, "test_knowledge_base_rebuild_failure.png"):
        page.reload()
        page.get_by_text("招投标审查助手", exact=False).first.wait_for()
        _tab(page, "知识库")
        docs = page.locator("#kb-docs")
        docs.get_by_text(REGULATION_TITLE).first.wait_for()
        before = docs.inner_text()
        full = page.locator("#tab-kb").get_by_label("全部重建（重新计算所有向量，较慢）")
        served = kb.chroma_host, kb.chroma_port
        kb.chroma_host, kb.chroma_port = "127.0.0.1", _free_port()  # nothing listens there
        try:
            full.check()
            page.locator("#kb-rebuild").click()
            panel = page.locator("#kb-message")
            panel.get_by_text("索引未更新").wait_for()
        finally:
            kb.chroma_host, kb.chroma_port = served
            full.uncheck()
        text = panel.inner_text()
        assert "无法连接" in text and "原索引继续可用" in text and "正在" not in text
        assert page.locator(".toast-body").count() == 0
        assert docs.inner_text() == before
        _shot(page, "3c_知识库_更新索引失败.png")


def test_system_tab_shows_backends_and_versions(page) -> None:
    with _screenshot_on_failure(page, "test_system_tab_shows_backends_and_versions.png"):
        _tab(page, "系统")
        panel = page.locator("#sys-panel")
        panel.get_by_text("chromadb").wait_for()
        text = panel.inner_text()
        assert "无大模型" in text and "e5" in text and "文档数" in text
        assert "chroma embedded" not in text and "T" not in text.split("最近更新")[-1].split("\n")[0]
        _assert_chinese(page, "#tab-system")
        _shot(page, "4_系统.png")


def test_every_request_stays_on_this_machine(page) -> None:
    requests = list(page.requests)
    assert len(requests) > 5
    remote = [u for u in requests if urlparse(u).scheme in ("http", "https", "ws", "wss")
              and urlparse(u).hostname not in LOCAL_HOSTS]
    assert not remote, remote
