"""招投标审查助手 — tender review assistant (policy Q&A + tender-file risk review)."""

__version__ = "0.1.0"
