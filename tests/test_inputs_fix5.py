"""One rule for file types in every interface (report 5a D12): a .wps file is refused with the advice
to save it as .docx, whether it holds a DOCX, text or an old WPS/OLE document."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli_main
from web_fixtures import write_tender_docx

from assistant.errors import UnsupportedFormatError
from assistant.ingest.loaders import load_file

SAVE_AS = "请在 WPS 或 Word 中另存为 .docx"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600


@pytest.fixture
def wps_files(tmp_path: Path) -> dict[str, Path]:
    docx = write_tender_docx(tmp_path / "招标文件.docx")
    files = {"docx": tmp_path / "招标文件.wps", "text": tmp_path / "fake.wps", "ole": tmp_path / "old.wps"}
    files["docx"].write_bytes(docx.read_bytes())
    files["text"].write_text("招标公告：投标截止时间2026年5月1日。", encoding="utf-8")
    files["ole"].write_bytes(OLE)
    return {**files, "lawful": docx}


@pytest.mark.usefixtures("fast_cli_env")
@pytest.mark.parametrize("kind", ["docx", "text", "ole"])
def test_cli_review_refuses_wps(kind: str, wps_files: dict[str, Path], tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli_main(["review", str(wps_files[kind]), "--json"], tmp_path, capsys)
    assert code == 1 and out == "" and "「.wps」" in err and SAVE_AS in err


@pytest.mark.usefixtures("fast_cli_env")
def test_cli_review_reads_the_same_file_as_docx(wps_files: dict[str, Path], tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli_main(["review", str(wps_files["lawful"]), "--json"], tmp_path, capsys)
    assert code == 0 and '"findings"' in out


@pytest.mark.usefixtures("fast_cli_env")
def test_cli_kb_add_and_collusion_refuse_wps(wps_files: dict[str, Path], tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli_main(["kb", "add", str(wps_files["text"])], tmp_path, capsys)
    assert code == 1 and SAVE_AS in err
    lawful = str(wps_files["lawful"])
    code, _, err = run_cli_main(["collusion", "--tender", lawful, lawful, str(wps_files["docx"])], tmp_path, capsys)
    assert code == 1 and SAVE_AS in err and "招标文件.wps" in err


def test_old_office_file_under_a_docx_name_names_wps(tmp_path: Path) -> None:
    path = tmp_path / "旧格式.docx"
    path.write_bytes(OLE)
    with pytest.raises(UnsupportedFormatError, match=SAVE_AS):
        load_file(path)
