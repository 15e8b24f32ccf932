"""Theme and CSS: system fonts only (no Google Fonts request), calm government-office colours."""

from __future__ import annotations

import gradio as gr

_SANS = ["Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", "sans-serif"]
_MONO = ["Noto Sans Mono CJK SC", "DejaVu Sans Mono", "Consolas", "monospace"]


def make_theme() -> gr.themes.Base:
    """A Soft theme with local font stacks: `gr.themes.Font` never triggers a download."""
    return gr.themes.Soft(
        primary_hue=gr.themes.colors.blue,
        secondary_hue=gr.themes.colors.slate,
        neutral_hue=gr.themes.colors.slate,
        font=[gr.themes.Font(name) for name in _SANS],
        font_mono=[gr.themes.Font(name) for name in _MONO],
        text_size=gr.themes.sizes.text_md,
    )


CSS = """
.app-header {display:flex; align-items:baseline; gap:14px; margin: 4px 0 2px 0;}
.app-header h1 {font-size: 1.55rem; margin:0; color:#1e3a8a;}
.app-header .sub {color:#475569; font-size:0.95rem;}
.mode-note {font-size:0.9rem; color:#334155; background:#f1f5f9; border-left:4px solid #64748b;
            padding:6px 10px; border-radius:4px;}
.mode-note.llm {border-left-color:#2563eb; background:#eff6ff;}
.cite-panel {font-size:0.95rem;}
.cite-panel .empty {color:#64748b; padding:8px;}
.cite-panel details {border:1px solid #e2e8f0; border-radius:6px; margin:6px 0; background:#fff;}
.cite-panel details[open] {border-color:#93c5fd;}
.cite-panel summary {cursor:pointer; padding:8px 10px; list-style:none;}
.cite-panel summary::-webkit-details-marker {display:none;}
.cite-panel summary::before {content:"▸ "; color:#64748b;}
.cite-panel details[open] summary::before {content:"▾ ";}
.cite-panel .n {display:inline-block; min-width:1.6em; font-weight:600; color:#1d4ed8;}
.cite-panel .title {font-weight:600;}
.cite-panel .key {color:#334155; margin:2px 0 0 1.8em; font-size:0.9rem;}
.cite-panel .full {padding:4px 12px 10px 12px; white-space:pre-wrap; line-height:1.7; color:#0f172a;
                   border-top:1px dashed #e2e8f0;}
.cite-panel .meta {color:#64748b; font-size:0.85rem; padding:0 12px 8px 12px;}
.badge {display:inline-block; font-size:0.78rem; padding:1px 7px; border-radius:10px; margin-left:6px;
        vertical-align:1px; white-space:nowrap;}
.badge.ok {background:#dcfce7; color:#166534;}
.badge.old {background:#fef3c7; color:#92400e;}
.badge.void {background:#fee2e2; color:#991b1b;}
.badge.type {background:#e0e7ff; color:#3730a3;}
.badge.high {background:#fee2e2; color:#991b1b;}
.badge.medium {background:#ffedd5; color:#9a3412;}
.badge.low {background:#e0f2fe; color:#075985;}
.refusal {border:1px solid #fca5a5; background:#fef2f2; color:#7f1d1d; border-radius:6px; padding:10px 12px;}
.notes {color:#92400e; background:#fffbeb; border:1px solid #fde68a; border-radius:6px; padding:6px 10px; margin:6px 0;}
.finding-detail {font-size:0.95rem; line-height:1.7;}
.finding-detail .ctx {background:#f8fafc; border:1px solid #e2e8f0; border-radius:6px; padding:10px 12px;
                      white-space:pre-wrap;}
.finding-detail mark {background:#fde047; padding:0 2px; border-radius:2px;}
.finding-detail .basis {border-left:3px solid #93c5fd; padding:4px 10px; margin:6px 0; background:#f8fafc;}
.finding-detail h4 {margin:10px 0 4px 0;}
.summary-cards {display:flex; gap:10px; flex-wrap:wrap; margin:4px 0;}
.summary-cards .card {border:1px solid #e2e8f0; border-radius:8px; padding:8px 14px; min-width:110px; background:#fff;}
.summary-cards .card .v {font-size:1.5rem; font-weight:700;}
.summary-cards .card.high .v {color:#b91c1c;} .summary-cards .card.medium .v {color:#c2410c;}
.summary-cards .card.low .v {color:#0369a1;}
.facts-table td {padding:2px 10px 2px 0; vertical-align:top;}
.facts-table td.k {color:#475569; white-space:nowrap;}
.msg-ok {color:#166534; background:#f0fdf4; border:1px solid #bbf7d0; border-radius:6px; padding:8px 12px;}
.msg-err {color:#991b1b; background:#fef2f2; border:1px solid #fecaca; border-radius:6px; padding:8px 12px;}
.sys-table, .facts-table {border-collapse:collapse; border:none !important; margin:4px 0 10px 0;}
.sys-table td, .facts-table td {border:none !important; border-bottom:1px solid #e2e8f0 !important;
                                padding:5px 18px 5px 0 !important; background:transparent !important;}
.sys-table td.k, .facts-table td.k {color:#475569; white-space:nowrap;}
.kb-stats {color:#334155; padding:6px 0;}
footer {display:none !important;}
.work-progress { padding: 10px 12px; border: 1px solid #cbd5e1; border-radius: 8px; background: #f8fafc; }
.work-progress ul { list-style: none; margin: 6px 0 0; padding: 0; }
.work-progress li { margin: 4px 0; }
.work-progress li.done { color: #15803d; }
.work-progress .bar { height: 6px; background: #e2e8f0; border-radius: 3px; margin-top: 4px; overflow: hidden; }
.work-progress .bar > div { height: 100%; background: #2563eb; transition: width .3s; }
"""
