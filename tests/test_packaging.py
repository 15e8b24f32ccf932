"""A real, non-editable install: the wheel ships knowledge_base/ and prompts/, the CLI works
from another folder, and the default data directory is the user's data dir."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    build = tmp_path_factory.mktemp("build")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(PROJECT_ROOT)],
        check=True, cwd=build, env={**os.environ, "PIP_NO_INDEX": "1"},
    )
    for debris in (PROJECT_ROOT / "build", PROJECT_ROOT / "tender_assistant.egg-info"):
        shutil.rmtree(debris, ignore_errors=True)  # in-tree build leftovers
    wheels = list(out.glob("tender_assistant-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


def test_wheel_ships_the_data_folders(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.relative_to(PROJECT_ROOT).as_posix() for d in ("knowledge_base", "prompts")
               for p in (PROJECT_ROOT / d).rglob("*") if p.is_file() and p.suffix in (".yaml", ".md", ".npz")}
    assert shipped and {f"assistant/data/{s}" for s in shipped} <= names


def test_installed_cli_runs_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the checkout must not count as installed
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "-q", str(wheel)],
                   check=True, env={**clean, "PIP_NO_INDEX": "1"}, cwd=tmp_path)
    # then reuse this environment's dependencies (no downloads; written after the install so pip
    # does not take the editable checkout for an installed copy); the project comes from the wheel
    Path(site, "_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_") and k != "PYTHONPATH"}
    env.update(XDG_DATA_HOME=str(tmp_path / "xdg"), HOME=str(tmp_path / "home"), HF_HUB_OFFLINE="1",
               ASSISTANT_EMBEDDING__BACKEND="fake", ASSISTANT_INCLUDE_CHINA_LAW="false")
    proc = subprocess.run([str(py), "-c", "import assistant; print(assistant.__file__)"], cwd=elsewhere, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(site), proc.stdout
    cli = env_dir / "bin" / "tender-assistant"
    subprocess.run([str(cli), "kb", "build", "--json"], cwd=elsewhere, env=env, check=True, capture_output=True)
    out = subprocess.run([str(cli), "kb", "list", "--json"], cwd=elsewhere, env=env, check=True,
                         capture_output=True, text=True).stdout
    docs = json.loads(out)
    titles = {d["title"] for d in docs}
    assert "中华人民共和国招标投标法实施条例" in titles and "政府采购货物和服务招标投标管理办法" in titles
    assert all(Path(d["source"]).is_relative_to(site) for d in docs if d["source"].endswith(".md"))
    # the index went to the user's data dir, not ./data of the folder the CLI ran in
    assert (tmp_path / "xdg" / "tender-assistant" / "index" / "CURRENT").exists()
    assert not (elsewhere / "data").exists()
