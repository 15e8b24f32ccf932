"""Imports of local rules (qa_report4 D8, D9, D10, D19, D21): titles, types, issuers, versions,
OCR paragraphs, duplicate content and paragraph-numbered items."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from kb_testdata import small_settings

from assistant.embeddings import FakeEmbeddings
from assistant.errors import UserError
from assistant.ingest.loaders import load_bytes
from assistant.ingest.metadata import infer_metadata
from assistant.ingest.pdf_paragraphs import pdf_paragraphs
from assistant.kb import KnowledgeBase
from assistant.kb.sources import user_overrides
from assistant.schema import DocumentMeta

TRIAL = "金华市政府采购代理机构管理暂行办法（试行）\n第一条 为加强代理机构管理，制定本办法。\n第二条 代理机构应当登记。\n"


def _meta(data: bytes, name: str) -> DocumentMeta:
    return infer_metadata(load_bytes(data, name))


def _docx(lines: list[str], heading: bool = True) -> bytes:
    d = docx.Document()
    for i, line in enumerate(lines):
        if i == 0 and heading:
            d.add_heading(line, level=1)
        else:
            d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- D8 titles and types


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
@pytest.mark.parametrize("suffix", ["（试行）", "（暂行）", "（修订）", "（2023年版）"])
def test_txt_title_line_with_parenthesised_suffix(encoding: str, suffix: str) -> None:
    text = TRIAL.replace("（试行）", suffix)
    meta = _meta(text.encode(encoding), "trial.txt")
    assert meta.title == f"金华市政府采购代理机构管理暂行办法{suffix}"
    assert meta.doc_type == "规范性文件"


def test_txt_title_line_wins_over_a_chinese_file_name() -> None:
    meta = _meta(TRIAL.encode("utf-8"), "代理机构.txt")
    assert meta.title == "金华市政府采购代理机构管理暂行办法（试行）"


def test_txt_without_title_line_keeps_the_file_name() -> None:
    meta = _meta("第一条 为加强管理，制定本办法。\n第二条 应当登记。\n".encode(), "代理机构.txt")
    assert meta.title == "代理机构"


def test_html_title_with_suffix() -> None:
    html = ("<html><head><title>婺城区政府采购内控细则（暂行）</title></head><body>"
            "<p>第一条 为规范采购，制定本细则。</p><p>第二条 采购人应当建立内控制度。</p></body></html>")
    meta = _meta(html.encode("utf-8"), "page.html")
    assert (meta.title, meta.doc_type) == ("婺城区政府采购内控细则（暂行）", "规范性文件")


@pytest.mark.parametrize("number", ["婺财采〔2026〕1号", "浙财采监〔2022〕13号", "金政办发〔2024〕5号"])
def test_docx_with_a_wenhao_is_a_normative_document(number: str) -> None:
    data = _docx(["金华市婺城区政府采购活动负面清单（试行）", number, "第一条 采购人不得设置地域限制。"])
    meta = _meta(data, "neg.docx")
    assert meta.title == "金华市婺城区政府采购活动负面清单（试行）"
    assert (meta.doc_number, meta.doc_type) == (number, "规范性文件")


def test_wenhao_does_not_lower_a_regulation() -> None:
    data = _docx(["浙江省政府采购条例", "浙政发〔2024〕5号", "第一条 为规范采购，制定本条例。"])
    assert _meta(data, "t.docx").doc_type == "地方性法规"


# ---------------------------------------------------------------- D10 issuer, versions, drafts


def test_issuer_is_not_taken_from_body_text() -> None:
    html = ("<html><head><meta charset='utf-8'><title>浙江省财政厅关于公布集中采购目录的通知</title></head><body>"
            "<h1>浙江省财政厅关于公布集中采购目录的通知</h1><p>浙财采监〔2022〕13号</p>"
            "<p>各市、县（市、区）人民政府：</p><p>工程公开招标数额标准按照国务院有关规定执行。</p>"
            "<p>浙江省财政厅 2022年12月11日</p></body></html>")
    meta = _meta(html.encode("utf-8"), "notice.html")
    assert meta.issuer == "浙江省财政厅"


def test_issuer_from_the_signature_line() -> None:
    text = ("婺城区政府采购代理机构考核细则\n第一条 按照国务院有关规定执行。\n第二条 本细则自发布之日起施行。\n"
            "金华市婺城区财政局\n2026年1月5日\n")
    assert _meta(text.encode("utf-8"), "k.txt").issuer == "金华市婺城区财政局"


def test_issuer_left_empty_when_unknown() -> None:
    text = "金华市投标保证金管理细则\n第一条 按照国务院有关规定执行。\n第二条 未中标人的保证金应当退还。\n"
    assert _meta(text.encode("utf-8"), "k.txt").issuer is None


def test_revised_text_is_versioned_by_its_revision() -> None:
    data = _docx(["政府采购促进中小企业发展管理办法", "财库〔2020〕46号 （2022年7月26日根据财库〔2022〕19号调整价格扣除比例）",
                  "第一条 为了发挥政府采购的政策功能，制定本办法。", "第二条 本办法自2021年1月1日起施行。"])
    meta = _meta(data, "sme.docx")
    assert meta.version == "2022-07-26"
    assert meta.publish_date != meta.version  # not a first text (「首次公布文本」)


def test_draft_does_not_inherit_the_law_number_or_type() -> None:
    data = _docx(["中华人民共和国政府采购法实施条例", "（征求意见稿，2010年1月11日国务院法制办公室公布）",
                  "第一条 根据《中华人民共和国政府采购法》，制定本条例。"])
    meta = _meta(data, "draft.docx")
    assert meta.doc_number is None
    assert meta.doc_type == "其他"
    assert meta.issuer != "国务院"


# ---------------------------------------------------------------- D8 title and type set at import


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    return KnowledgeBase.from_settings(small_settings(tmp_path), FakeEmbeddings())


def test_kb_add_sets_title_and_type_and_keeps_them_on_rebuild(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.build()
    src = tmp_path / "rule.txt"
    src.write_text("第一条 代理机构应当登记。\n第二条 本办法自发布之日起施行。\n", encoding="utf-8")
    [meta] = kb.add([src], overrides=user_overrides("婺城区代理机构管理办法（试行）", "规范性文件"))
    assert (meta.title, meta.doc_type) == ("婺城区代理机构管理办法（试行）", "规范性文件")
    src.write_text("第一条 代理机构应当登记。\n第二条 本办法自2026年1月1日起施行。\n", encoding="utf-8")
    kb.build()  # the changed file is re-read: the user's title and type stay
    again = kb.get_document(meta.doc_id)
    assert again is not None and (again.title, again.doc_type) == (meta.title, "规范性文件")
    [readded] = kb.add([src])  # re-added without options: still the user's metadata
    assert readded.title == meta.title


def test_bad_doc_type_is_refused_in_chinese() -> None:
    with pytest.raises(UserError) as err:
        user_overrides(None, "红头文件")
    assert "文档类型“红头文件”无效" in err.value.message and "规范性文件" in err.value.message
    with pytest.raises(UserError):
        user_overrides("  ", None)


@pytest.mark.usefixtures("fast_cli_env")
def test_cli_kb_add_title_and_doc_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from conftest import run_cli_main

    src = tmp_path / "rule.txt"
    src.write_text("第一条 代理机构应当登记。\n第二条 本办法自发布之日起施行。\n", encoding="utf-8")
    code, out, _ = run_cli_main(["kb", "add", str(src), "--title", "婺城区代理机构管理办法", "--doc-type", "规范性文件"],
                                tmp_path, capsys)
    assert code == 0 and "《婺城区代理机构管理办法》 规范性文件" in out
    with pytest.raises(SystemExit) as exc:
        run_cli_main(["kb", "add", str(src), "--doc-type", "红头文件"], tmp_path, capsys)
    assert exc.value.code != 0 and "无效的选项：'红头文件'" in capsys.readouterr().err


def test_rest_upload_with_title_and_doc_type(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient
    from web_fixtures import build_small_kb, web_settings

    from assistant.api import create_app
    from assistant.services import Services

    services = Services(web_settings(tmp_path, max_upload_mb=1))
    build_small_kb(services, tmp_path)
    client = TestClient(create_app(services=services), raise_server_exceptions=False)
    body = "第一条 代理机构应当登记。\n第二条 本办法自发布之日起施行。\n".encode()
    resp = client.post("/api/v1/documents", files={"file": ("rule.txt", body)},
                       data={"title": "婺城区代理机构管理办法", "doc_type": "规范性文件"})
    assert resp.status_code == 201, resp.text
    assert (resp.json()[0]["title"], resp.json()[0]["doc_type"]) == ("婺城区代理机构管理办法", "规范性文件")
    bad = client.post("/api/v1/documents", files={"file": ("rule2.txt", body)}, data={"doc_type": "红头文件"})
    assert bad.status_code == 400 and "文档类型" in bad.text
    plain = client.post("/api/v1/documents", files={"file": ("rule3.txt", body)})  # the old contract
    assert plain.status_code == 201
    # rule3.txt has rule.txt's articles: not imported twice, the document that holds them, and no copy on disk
    assert plain.headers["X-Duplicate-Of"] == resp.json()[0]["doc_id"] == plain.json()[0]["doc_id"]
    uploads = [p.name for p in Path(services.settings.data_dir).rglob("*.txt")]
    assert any("rule" in n and "rule3" not in n for n in uploads) and not any("rule3" in n for n in uploads), uploads


# ---------------------------------------------------------------- D9 OCR'd pages


SCAN_LINES = ["婺城区国有企业采购管理办法", "第一条 为规范区属国有企业采购行为，制定本办法。", "第二条 区属国有企业采购单项金额",
              "在20万元以上的货物，应当进入婺城区", "公共资源交易平台交易。", "第三条 本办法自2026年3月1日起施行。"]


def test_ocr_lines_of_an_article_are_one_paragraph() -> None:
    blocks = [b.text for b in pdf_paragraphs([SCAN_LINES], ocr_pages=frozenset({1}))]
    assert blocks == ["婺城区国有企业采购管理办法", SCAN_LINES[1],
                      "第二条 区属国有企业采购单项金额在20万元以上的货物，应当进入婺城区公共资源交易平台交易。", SCAN_LINES[5]]


def test_ocr_keeps_items_titles_and_wenhao_apart() -> None:
    lines = ["婺城区采购管理办法", "婺财采〔2026〕1号", "第一条 采购人应当按照下列规定编制年度政府采购计划并在", "规定时间内", "报送财政部门：",
             "一、编制采购计划", "二、公开采购意向。", "金华市婺城区财政局2026年1月5日"]
    blocks = [b.text for b in pdf_paragraphs([lines], ocr_pages=frozenset({1}))]
    assert blocks == ["婺城区采购管理办法", "婺财采〔2026〕1号", "第一条 采购人应当按照下列规定编制年度政府采购计划并在规定时间内报送财政部门：",
                      "一、编制采购计划", "二、公开采购意向。", "金华市婺城区财政局2026年1月5日"]


def test_ocr_document_is_marked_in_kb_list_and_show(kb: KnowledgeBase, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    from assistant.commands import kb as kb_cmd
    from assistant.ingest import loaders
    from assistant.schema import LoadedDocument

    real_load = loaders.load_file

    def fake_load(path: Path, **kwargs: object) -> LoadedDocument:  # a scan: the text an OCR engine gives
        if Path(path).suffix != ".pdf":
            return real_load(path, **kwargs)  # type: ignore[arg-type]
        doc = load_bytes("\n".join(SCAN_LINES).encode("utf-8"), "scan.txt")
        doc.path, doc.ocr_pages = str(path), [1]
        return doc

    monkeypatch.setattr("assistant.ingest.loaders.load_file", fake_load)
    kb.build()
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    [meta] = kb.add([scan])
    assert meta.ocr_pages == [1]
    services = argparse.Namespace(kb=kb)
    kb_cmd.run(argparse.Namespace(kb_command="list", json=False, current_only=False), services)
    assert "（用户，来源文件 scan.pdf；含 OCR 识别页）" in capsys.readouterr().out
    kb_cmd.run(argparse.Namespace(kb_command="show", doc_id=meta.doc_id, json=False), services)
    assert "含 OCR 识别页：第 1 页" in capsys.readouterr().out


# ---------------------------------------------------------------- D19 the same content imported again


BOND = ("第一条 为规范投标保证金管理，制定本细则。\n第二条 投标保证金可以采用电子保函形式提交。\n"
        "第三条 未中标人的投标保证金在中标结果公告后3个工作日内退还。\n")


def test_same_content_is_not_imported_twice(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.build()
    first = tmp_path / "jh_bond_gbk.txt"
    first.write_bytes(("金华市投标保证金管理细则（测试用文件）\n" + BOND).encode("gbk"))
    copy = tmp_path / "jh2.txt"
    copy.write_text("金华市投标保证金管理细则\n" + BOND.replace("第二条 ", "第二条　"), encoding="utf-8")
    [added] = kb.add([first])
    docs, duplicates = kb.add_report([copy])
    assert docs == []
    assert duplicates == [{"source": str(copy.resolve()), "doc_id": added.doc_id, "title": added.title}]
    assert sum(m.is_user_document for m in kb.list_documents()) == 1
    assert [m.doc_id for m in kb.add([copy])] == [added.doc_id]  # REST/web: the document that holds it
    other = tmp_path / "other.txt"
    other.write_text("金华市投标保证金管理细则\n" + BOND.replace("3个工作日", "5个工作日"), encoding="utf-8")
    assert len(kb.add_report([other])[0]) == 1  # one article differs: a document of its own


@pytest.mark.usefixtures("fast_cli_env")
def test_cli_warns_about_a_duplicate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from conftest import run_cli_main

    first, copy = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("金华市投标保证金管理细则\n" + BOND, encoding="utf-8")
    copy.write_text("金华市投标保证金管理细则（副本）\n" + BOND, encoding="utf-8")
    code, out, _ = run_cli_main(["kb", "add", str(first)], tmp_path, capsys)
    doc_id = out.split()[0].removeprefix("已添加：")
    code, out, err = run_cli_main(["kb", "add", str(copy)], tmp_path, capsys)
    assert code == 0 and out == ""
    assert f"“b.txt”的内容与已导入的《金华市投标保证金管理细则》（{doc_id}）相同，未重复导入" in err
    code, out, _ = run_cli_main(["kb", "add", str(copy), "--json"], tmp_path, capsys)
    [entry] = json.loads(out)
    assert code == 0 and entry["duplicate_of"] == doc_id and "未重复导入" in entry["warning"]
    code, out, _ = run_cli_main(["kb", "list"], tmp_path, capsys)
    assert "来源文件 a.txt" in out and "b.txt" not in out


# ---------------------------------------------------------------- D21 items numbered 一、二、 in paragraphs


def _entries(data: bytes, name: str) -> list[str]:
    from assistant.ingest.chunker import chunk_document

    doc = load_bytes(data, name)
    return [c.text for c in chunk_document(doc, infer_metadata(doc))]


def test_paragraph_items_are_one_entry_each() -> None:
    html = ("<html><head><meta charset='gbk'><title>金华市区政府采购意向公开操作指引</title></head><body>"
            "<p>一、采购意向应当在采购活动开始前30日公开。</p><p>二、公开渠道为浙江政府采购网。</p></body></html>")
    entries = _entries(html.encode("gbk"), "intent.html")
    assert entries == ["一、采购意向应当在采购活动开始前30日公开。", "二、公开渠道为浙江政府采购网。"]
    text = "金华市区政府采购意向公开操作指引\n一、采购意向应当在采购活动开始前30日公开。\n二、公开渠道为浙江政府采购网。\n"
    entries = _entries(text.encode("utf-8"), "intent.txt")
    assert [e.splitlines()[-1] for e in entries] == ["一、采购意向应当在采购活动开始前30日公开。", "二、公开渠道为浙江政府采购网。"]


def test_bare_heading_still_joins_its_text() -> None:
    text = "采购工作指引\n一、总体要求\n采购人应当依法组织采购活动，落实政府采购政策。\n二、公开渠道为浙江政府采购网。\n"
    entries = _entries(text.encode("utf-8"), "guide.txt")
    assert any(e.startswith("一、总体要求") or "一、总体要求\n采购人" in e for e in entries)
    assert entries[-1].endswith("二、公开渠道为浙江政府采购网。")


def test_items_inside_an_article_stay_in_it() -> None:
    text = ("金华市采购管理办法\n第一条 采购人应当做好下列工作：\n一、编制采购计划。\n二、公开采购意向。\n"
            "第二条 本办法自2026年1月1日起施行。\n")
    entries = _entries(text.encode("utf-8"), "rule.txt")
    first = next(e for e in entries if e.startswith("第一条"))
    assert "一、编制采购计划。" in first and "二、公开采购意向。" in first
