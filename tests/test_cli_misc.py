"""CLI edges: unknown report extensions, a closed pipe, `kb show` by title or alias."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli_main


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
