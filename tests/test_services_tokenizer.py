"""The keyword index and the questions must split text the same way, whatever runs first."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import sys
from pathlib import Path
from assistant.config import Settings
from assistant.services import Services
from assistant.text_zh import tokenize
Services(Settings(_env_file=None, data_dir=Path(sys.argv[1])))
print("|".join(tokenize("招标文件设定的拦标价")))
"""


def test_practice_words_join_the_tokenizer_when_services_start(tmp_path: Path) -> None:
    """In a fresh process the lexicon's words (拦标价) are known before the first index or question is
    tokenized: an index built before the first question was planned split them, the questions did not."""
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "data")], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=True).stdout.strip().splitlines()[-1]
    assert "拦标价" in out.split("|"), out
