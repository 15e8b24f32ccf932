"""The Gradio Blocks: header and the four tabs (政策问答, 招标文件审查, 知识库, 系统)."""

from __future__ import annotations

import json

import gradio as gr

from assistant.services import Services
from assistant.ui import collusion_tab, kb_tab, qa_tab, review_tab, system_tab

HEADER = (
    '<div class="app-header"><h1>招投标审查助手</h1>'
    '<span class="sub">婺城区公共资源交易 · 政策问答与招标文件审查 · 本机离线运行</span></div>'
)


# Gradio's own widgets (upload box, chat buttons, accessibility labels) carry English strings
# whatever the browser language (which html_lang.LOCALE_SCRIPT sets to zh-CN on every page); this
# script rewrites the remaining ones in place (text nodes, aria-label, title), for the page as it changes.
WIDGET_ZH = {
    "Drop File Here": "将文件拖到此处", "- or -": "或", "Click to Upload": "点击上传", "Drop Files Here": "将文件拖到此处",
    "Click to upload or drop files": "点击上传或拖入文件", "Upload file": "上传文件", "Upload": "上传",
    "Copy message": "复制消息", "Copied message": "已复制", "Copy": "复制", "Copied": "已复制",
    "Clear chatbot conversation": "清空对话", "Clear": "清空", "chatbot conversation": "对话",
    "user's message": "提问", "bot's message": "回答", "Retry": "重试", "Undo": "撤销", "Edit": "编辑",
    "Like": "有用", "Dislike": "没用", "Remove": "移除", "Remove file": "移除文件", "Download": "下载",
    "Fullscreen": "全屏", "Exit fullscreen mode": "退出全屏", "Share": "分享", "Submit": "提交",
    "Loading...": "加载中……", "Loading": "加载中", "processing |": "处理中 |", "Error": "错误", "Close": "关闭",
    "Sort": "排序", "Sort ascending": "升序", "Sort descending": "降序", "Search": "搜索", "Select all": "全选",
    "Clear sort": "取消排序", "Table actions": "表格操作", "Copy table": "复制表格", "Open cell menu": "单元格菜单",
    "Fullscreen table": "全屏显示表格", "Copy to clipboard": "复制", "Clear filter": "清除筛选", "Filter": "筛选", "Dropdown": "下拉选择", "Textbox": "文本框", "Scroll to bottom": "滚动到底部",
    "Scroll down": "向下滚动",
}
LOCALE_HEAD = (
    "<script>(function(){"
    "var M=" + json.dumps(WIDGET_ZH, ensure_ascii=False) + ";"
    "var P=[[\"user's message\",'提问'],[\"bot's message\",'回答'],['Copy ','复制'],['Open ','打开'],"
    "['Select column','选择列'],['Select row','选择行'],['File upload','文件上传'],['Vega visualization','图表']];"
    "var W=[['X-axis','横轴'],['Y-axis','纵轴'],['Legend','图例'],['Symbol legend','图例'],['Bar mark','柱形']];"
    "function tr(v){v=v.trim().replace(/undefined\\s*/g,'').trim();if(v==='text'){return '文字';}if(M[v]){return M[v];}for(var i=0;i<P.length;i++){if(v.indexOf(P[i][0])===0){"
    "return P[i][1]+v.slice(P[i][0].length);}}for(var k=0;k<W.length;k++){if(v.indexOf(W[k][0])===0){return W[k][1];}}"
    "if(/\\btable\\b/i.test(v)){return v.replace(/undefined\\s*/g,'').replace(/\\btable\\b/gi,'表格');}return null;}"
    "function fix(n){if(n.nodeType===3){var t=n.nodeValue.trim();if(t&&M[t]){n.nodeValue=n.nodeValue.replace(t,M[t]);}return;}"
    "if(n.nodeType!==1){return;}fix1(n);"
    "var w=document.createTreeWalker(n,NodeFilter.SHOW_ALL);var c;while((c=w.nextNode())){if(c!==n){fix1(c);}}}"
    "function fix1(n){if(n.nodeType===3){var t=n.nodeValue.trim();if(t&&M[t]){n.nodeValue=n.nodeValue.replace(t,M[t]);}}"
    "else if(n.nodeType===1){['aria-label','title'].forEach(function(a){var v=n.getAttribute(a);"
    "var z=v&&tr(v);if(z!==null&&z!==undefined&&z!==v){n.setAttribute(a,z);}});}}"
    "new MutationObserver(function(ms){ms.forEach(function(m){if(m.type==='attributes'||m.type==='characterData'){fix1(m.target);}"
    "else{m.addedNodes.forEach(fix);}});}).observe(document.documentElement,{subtree:true,childList:true,"
    "characterData:true,attributes:true,attributeFilter:['aria-label','title','placeholder']});"
    "document.addEventListener('DOMContentLoaded',function(){fix(document.body);});"
    "})();</script>"
)


def build_blocks(services: Services) -> gr.Blocks:
    """Build the UI (nothing heavy is loaded here: models and indexes load on first use)."""
    settings = services.settings
    with gr.Blocks(title="招投标审查助手", analytics_enabled=False, fill_width=True) as blocks:
        gr.HTML(HEADER)
        with gr.Tabs():
            with gr.Tab("政策问答", id="qa", elem_id="tab-qa"):
                qa_tab.build(services)
            with gr.Tab("招标文件审查", id="review", elem_id="tab-review"):
                review_tab.build(services)
            with gr.Tab("投标文件雷同分析", id="collusion", elem_id="tab-collusion"):
                collusion_tab.build(services)
            with gr.Tab("知识库", id="kb", elem_id="tab-kb") as kb:
                kb_refresh, kb_outputs = kb_tab.build(services)
            with gr.Tab("系统", id="system", elem_id="tab-system") as system:
                sys_panel, sys_refresh = system_tab.build(services)
        kb.select(kb_refresh, None, kb_outputs, queue=False)
        system.select(sys_refresh, None, sys_panel, queue=False)
        blocks.load(kb_refresh, None, kb_outputs, queue=False)
        blocks.load(sys_refresh, None, sys_panel, queue=False)
    blocks.queue(
        default_concurrency_limit=settings.app.concurrency_limit,
        max_size=settings.app.max_queue_size,
    )
    return blocks
