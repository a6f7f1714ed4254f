"""An email backend for the outbox fault test: like a slow mail server, it takes a while before it
accepts each message, then writes it to a file of its own in ``EMAIL_FILE_PATH``.

The wait comes before the write, as with SMTP, where a message counts as accepted only at the end
of its transfer. ``SLOW_EMAIL_SECONDS`` sets the wait (0.02 s unless given).
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class SlowEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        wait = float(os.environ.get("SLOW_EMAIL_SECONDS", "0.02"))
        for message in email_messages:
            time.sleep(wait)
            # Written whole under a temporary name, then renamed: a reader (or a kill) never sees
            # half a message.
            name = f"{time.time_ns()}-{uuid.uuid4().hex}"
            partial = folder / f".{name}.tmp"
            partial.write_bytes(message.message().as_bytes())
            partial.rename(folder / f"{name}.eml")
        return len(email_messages)
