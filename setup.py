"""Packaging glue that pyproject.toml cannot express: the top-level data folders
`knowledge_base/` and `prompts/` ship inside the wheel as `assistant/data/...` (read through
`assistant.config.resource_dir`), so a non-editable install works from any folder."""

from setuptools import find_packages, setup

DATA = {"assistant.data.knowledge_base": "knowledge_base", "assistant.data.prompts": "prompts"}

setup(
    packages=[*find_packages(include=["assistant", "assistant.*"]), *DATA],
    package_dir=DATA,
    package_data={"assistant": ["py.typed"], **{pkg: ["*.yaml", "*.md", "**/*.yaml", "**/*.md", "**/*.npz", "**/*.npy", "**/*.txt"]
                                                for pkg in DATA}},
)
