"""The one exception type of the LTI area."""

from __future__ import annotations


class LtiError(ValueError):
    """A launch, registration or service call was refused; the message says why, for an admin.

    ``status`` is the HTTP status the edge answers with (400 for a bad message, 403 for a
    refused identity, 502 when the platform answered badly). ``retryable`` marks a failure of
    a call to the platform that may succeed later (down, 5xx, 429): the outbox retries those.
    """

    def __init__(self, message: str, status: int = 400, retryable: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.retryable = retryable
