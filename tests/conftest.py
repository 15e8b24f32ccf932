"""Shared fixtures.

Tiers: default (offline, fast, fake embeddings), `integration` (real e5 model, real Chroma,
real files from ../shared/corpus), `slow` (sentence-transformers, browser). Tests that read
../shared skip with a reason when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT, Settings

SHARED = Path(os.environ.get("ASSISTANT_SHARED_DIR", PROJECT_ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
REGULATIONS = CORPUS / "regulations"
FORMAT_SAMPLES = CORPUS / "format_samples"
TENDERS = CORPUS / "tenders"
PRACTITIONER_QA = SHARED / "datasets" / "practitioner_qa.json"


def require_shared(path: Path = CORPUS) -> Path:
    """Skip (with the reason) when the shared real-world corpus is not beside the checkout."""
    if not path.exists():
        pytest.skip(f"../shared is absent: {path} not found (real-world corpus tests need it)")
    return path


@pytest.fixture(scope="module", autouse=True)
def _shipped_titles_for_module_fixtures() -> None:
    """Module-scoped fixtures are built before the per-test reset below: give them the shipped title table too."""
    from assistant import titles

    titles.use_knowledge_base_dir(titles.DEFAULT_KB_DIR)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's ASSISTANT_* variables or .env (except the chroma server)."""
    for key in list(os.environ):
        if key.startswith("ASSISTANT_") and key not in ("ASSISTANT_SHARED_DIR",):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    # Services points title lookups at its Settings' knowledge-base folder: start every test
    # from the shipped one
    from assistant import titles

    monkeypatch.setattr(titles, "_kb_dir", titles.DEFAULT_KB_DIR)


@pytest.fixture
def fake_settings(tmp_path: Path) -> Settings:
    """Fast settings: fake embeddings, embedded Chroma in a temp dir, no china-law laws."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        include_china_law=False,
        embedding={"backend": "fake"},
        llm={"backend": "none"},
    )


@pytest.fixture(scope="session")
def real_services(tmp_path_factory: pytest.TempPathFactory):
    """The default knowledge base (what a fresh install builds) with the real e5 model.

    The regulations of ../shared/corpus ship in knowledge_base/regulations/, so nothing is
    added. Built once per test session (vectors from the shipped cache); used read-only.
    """
    from assistant.services import Services

    data_dir = tmp_path_factory.mktemp("real-kb")
    settings = Settings(_env_file=None, data_dir=data_dir)  # type: ignore[call-arg]
    services = Services(settings)
    services.kb.build()
    return services


@pytest.fixture(scope="module")
def services(request: pytest.FixtureRequest):
    """`real_services`, or a knowledge base already built the same way (QA_PREBUILT_KB=<data dir>,
    e.g. by `bench/qa_bench.py practitioner --add-regulations`) to skip a long rebuild.

    Test modules that need another knowledge base define their own `services` fixture."""
    prebuilt = os.environ.get("QA_PREBUILT_KB")
    if prebuilt:
        from assistant.services import Services

        return Services(Settings(_env_file=None, data_dir=Path(prebuilt)))  # type: ignore[call-arg]
    return request.getfixturevalue("real_services")


def rank_of(services, question: str, title: str, article: str) -> int | None:
    """The rank (1-based) of an article among the top 10 retrieved for a question, None when absent."""
    hits = services.retriever.search(question, 10)
    return next((i for i, h in enumerate(hits, 1) if h.title == title and h.article == article), None)


@pytest.fixture(scope="module")
def lexicon():
    """The shipped Q&A lexicon (knowledge_base/qa_lexicon.yaml)."""
    from assistant.qa.understanding import Lexicon, shipped_lexicon_path

    return Lexicon.load(shipped_lexicon_path())


@pytest.fixture(scope="module")
def reviewer():
    """The rule reviewer without a knowledge base or LLM (what most review tests exercise); a module that
    needs another catalogue defines its own `reviewer`."""
    from assistant.review.pipeline import Reviewer

    return Reviewer(kb=None, use_llm=False)


def run_cli_main(args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The CLI in-process on a data dir under tmp_path: (exit code, stdout, stderr)."""
    from assistant.cli import main

    code = main([*args, "--data-dir", str(tmp_path / "data")])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def fast_cli_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """CLI runs with fake embeddings and no china-law laws (seconds, not minutes)."""
    monkeypatch.setenv("ASSISTANT_EMBEDDING__BACKEND", "fake")
    monkeypatch.setenv("ASSISTANT_INCLUDE_CHINA_LAW", "false")


def docx_file(path: Path, paragraphs: list[str], author: str = "") -> Path:
    """A DOCX of one paragraph per line, with its author property set (generated bids and tenders)."""
    import docx

    d = docx.Document()
    d.core_properties.author = author
    for p in paragraphs:
        d.add_paragraph(p)
    d.save(str(path))
    return path
