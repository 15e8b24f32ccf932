"""Small real inputs for the web/REST/MCP tests: a tiny regulation and a tender DOCX.

Real files, real Chroma (embedded, in tmp), fake embeddings: fast enough for the default tier.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from assistant.config import Settings

PROJECT_ROOT = Path(__file__).resolve().parents[1]

REGULATION_TITLE = "测试招标投标管理办法"
REGULATION_MD = f"""# {REGULATION_TITLE}

第一条 为了规范招标投标活动，保护国家利益、社会公共利益和招标投标活动当事人的合法权益，制定本办法。

第二条 招标人在招标文件中要求投标人提交投标保证金的，投标保证金不得超过招标项目估算价的百分之二。

第三条 依法必须进行招标的项目，自招标文件开始发出之日起至投标人提交投标文件截止之日止，最短不得少于二十日。

第四条 招标人不得以不合理的条件限制或者排斥潜在投标人，不得对潜在投标人实行歧视待遇。
"""

EXTRA_REGULATION_TITLE = "测试政府采购质疑处理办法"
EXTRA_REGULATION_MD = f"""# {EXTRA_REGULATION_TITLE}

第一条 为了规范政府采购质疑处理工作，制定本办法。

第二条 供应商认为采购文件使其权益受到损害的，可以在知道或者应知其权益受到损害之日起七个工作日内提出质疑。

第三条 采购人、采购代理机构应当在收到质疑函后七个工作日内作出答复，并以书面形式通知质疑供应商。
"""

TENDER_PARAGRAPHS = [
    ("heading", "第一章 投标人须知"),
    ("p", "一、项目名称：婺城区某道路维修工程。"),
    ("p", "二、项目估算价：人民币100万元。"),
    ("p", "三、投标保证金为项目估算价的5%，须在投标截止前以现金方式缴纳。"),
    ("p", "四、投标人须为金华市婺城区注册的企业，并具有本地同类项目业绩。"),
    ("p", "五、投标文件递交截止时间：招标文件发出之日起第10日。"),
]


def write_regulation(dir_: Path, name: str = f"{REGULATION_TITLE}.md", text: str = REGULATION_MD) -> Path:
    dir_.mkdir(parents=True, exist_ok=True)
    path = dir_ / name
    path.write_text(text, encoding="utf-8")
    return path


def write_tender_docx(path: Path) -> Path:
    """A small tender file with a bid bond over the 2% cap and a local-registration restriction."""
    import docx

    document = docx.Document()
    for kind, text in TENDER_PARAGRAPHS:
        if kind == "heading":
            document.add_heading(text, level=1)
        else:
            document.add_paragraph(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


def small_defaults(tmp: Path) -> Path:
    """The shipped knowledge-base folder without the regulations: the reform plan and the rule
    catalogue stay, so web tests build in seconds and their own test regulation is findable."""
    dst = tmp / "kb_defaults"
    if not dst.exists():
        shutil.copytree(PROJECT_ROOT / "knowledge_base", dst, ignore=shutil.ignore_patterns("regulations", "vectors"))
        manifest = yaml.safe_load((dst / "manifest.yaml").read_text(encoding="utf-8"))
        manifest["documents"] = [d for d in manifest["documents"]
                                 if not str(d.get("file", "")).startswith("regulations/")]
        (dst / "manifest.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    return dst


def web_settings(tmp: Path, **app: object) -> Settings:
    """Like the `fake_settings` fixture, for module-scoped fixtures (tmp dir given)."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp / "data",
        knowledge_base_dir=small_defaults(tmp),
        include_china_law=False,
        embedding={"backend": "fake"},
        llm={"backend": "none", "api_key": "sk-secret-do-not-leak"},
        app=app,
    )


def build_small_kb(services, tmp: Path) -> None:
    """Default documents (reform plan, rule catalogue) + one test regulation."""
    services.kb.build(sources=[write_regulation(tmp / "regs")])
