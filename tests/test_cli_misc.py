"""CLI edges: unknown report extensions, a closed pipe, `kb show` by title or alias."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli_main

ROOT = Path(__file__).resolve().parents[1]


def test_unknown_output_extension_is_an_error_before_any_work(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    tender = tmp_path / "招标文件.txt"
    tender.write_text("招标公告\n投标人须知\n", encoding="utf-8")
    out = tmp_path / "out.html"
    code, stdout, err = run_cli_main(["review", str(tender), "-o", str(out)], tmp_path, capsys)
    assert code == 1 and not out.exists() and stdout == ""
    assert "“.html”" in err and ".json、.md、.markdown、.docx" in err and "--format" in err
    code, _, err = run_cli_main(["collusion", "--tender", str(tender), str(tender), str(tender), "-o",
                                 str(tmp_path / "report")], tmp_path, capsys)
    assert code == 1 and "没有扩展名" in err


@pytest.mark.usefixtures("fast_cli_env")
def test_a_closed_pipe_ends_quietly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # `tender-assistant kb show … | head -3`: the reader is gone while the output is written
    assert run_cli_main(["kb", "build"], tmp_path, capsys)[0] == 0
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "kb", "show", "reg-ling87", "--data-dir",
                             str(tmp_path / "data")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8")
    proc.wait(timeout=120)
    assert "BrokenPipeError" not in err and "Traceback" not in err and "Exception ignored" not in err, err


@pytest.mark.usefixtures("fast_cli_env")
def test_kb_show_accepts_titles_and_aliases(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli_main(["kb", "build"], tmp_path, capsys)[0] == 0
    code, by_id, _ = run_cli_main(["kb", "show", "reg-ling87"], tmp_path, capsys)
    assert code == 0 and by_id.startswith("《政府采购货物和服务招标投标管理办法》")
    for name in ("87号令", "财政部令第87号", "政府采购货物和服务招标投标管理办法"):
        code, out, err = run_cli_main(["kb", "show", name], tmp_path, capsys)
        assert code == 0 and out == by_id, (name, err)
    code, out, err = run_cli_main(["kb", "show", "劳动合同法"], tmp_path, capsys)
    assert code == 1 and "“劳动合同法”" in err and "tender-assistant kb list" in err


@pytest.mark.usefixtures("fast_cli_env")
def test_kb_show_tells_provenance_and_caveats_not_a_local_path(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """QA report 5b, D5: `kb show` printed 「来源 /work/…/regulations/….md」 and hid the manifest's caveats
    (a revision line missing from the text, an unverified later amendment, a changed article)."""
    assert run_cli_main(["kb", "build"], tmp_path, capsys)[0] == 0
    code, out, _ = run_cli_main(["kb", "show", "招标投标法实施条例"], tmp_path, capsys)
    head = out.split("\n\n")[0]
    assert code == 0 and "regulations/" not in head and str(tmp_path) not in head
    assert "文本来源：GitHub 开源仓库 LawRefBook/Laws（提交 " in head and "@" not in head
    assert "说明：" in head and "2019年3月2日" in head and "文件头只列到第二次修订" in head
    code, out, _ = run_cli_main(["kb", "show", "46号文"], tmp_path, capsys)
    assert code == 0 and "财库〔2022〕19号" in out.split("\n\n")[0]
    code, out, _ = run_cli_main(["kb", "show", "reg-ling87", "--json"], tmp_path, capsys)
    data = json.loads(out)
    assert data["text_source"].startswith("EthanLiu6/BidMasterV2") and "status_note" in data
