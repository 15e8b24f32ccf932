"""Evaluation of retrieval, Q&A and tender review against the team's held-out sets in eval/.

Nothing here imports eval/: dataset files are read from `settings.eval_dir / "datasets"`.
"""
