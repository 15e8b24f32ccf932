"""User-facing errors.

Every error a user can cause is a `UserError`: `message` is shown to the user (Simplified
Chinese, names the file and the problem), `detail` goes to the log only (English, precise).
Shells (CLI, REST, UI) catch `UserError` and never show a traceback for it.
"""

from __future__ import annotations


class UserError(Exception):
    """An error caused by the user's input or configuration (CLI exit 1, REST 4xx)."""

    http_status: int = 400

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail or message


class InputFileError(UserError):
    """A file that cannot be read: missing, empty, corrupt, encrypted, disguised, unsupported."""

    http_status = 400


class FileTooLargeError(InputFileError):
    """A file over the configured size limit (refused before it is read whole)."""

    http_status = 413


class UnsupportedFormatError(InputFileError):
    """A file whose real format is not one we read."""

    http_status = 415


class NotATenderError(InputFileError):
    """A readable file that does not look like a tender (review refuses it unless forced).

    The message says why; each interface adds how to force it in its own terms (`with_hint`):
    the CLI's --force, REST's form field force=true, the UI's 「仍然审查」 box.
    """

    http_status = 422

    def with_hint(self, hint: str) -> NotATenderError:
        return NotATenderError(self.message + hint, self.detail)


class NotFoundError(UserError):
    """A document, article or resource that does not exist."""

    http_status = 404


class ConfigError(UserError):
    """Bad or incomplete configuration (e.g. openai backend without a base URL)."""

    http_status = 500


class BackendError(UserError):
    """A configured backend (LLM server, Chroma server, embeddings endpoint) failed or is down (CLI exit 5).

    `reason` is a short Chinese cause (「响应超时」「服务出错 HTTP 500」) that a use case shows when it carries
    on without the backend (Q&A quotes the articles, the review marks the points unjudged; for the LLM both
    read it through `llm.failure_reason`); it never names a setting or an address.
    """

    http_status = 503

    def __init__(self, message: str, detail: str = "", reason: str = "") -> None:
        super().__init__(message, detail)
        self.reason = reason or "服务出错"


class StorageFullError(BackendError):
    """The disk of the data directory is full: the environment failed, not the input (CLI exit 5, REST 507)."""

    http_status = 507


class LimitExceededError(InputFileError):
    """Input over a configured work budget (`Settings.limits`); the message names the env var to raise it."""

    http_status = 413


class QueryTooLongError(UserError):
    """A question or search query over `limits.max_query_chars`."""

    http_status = 422


class BusyError(UserError):
    """The knowledge base is being updated by another task, or a client has too many jobs running."""

    http_status = 409


class ReadOnlyError(UserError):
    """A write refused because the data directory is read-only (read-only serving mode)."""

    http_status = 503
