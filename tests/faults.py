"""Faults a running house meets, made on this machine's loopback for the tests."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator


@contextlib.contextmanager
def frozen_server() -> Iterator[tuple[int, list[socket.socket]]]:
    """A loopback port whose server accepts every connection and never says a word, as a stopped
    (SIGSTOP) or wedged server does; yields the port and the connections it took."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    held: list[socket.socket] = []
    done = threading.Event()

    def hold():
        while not done.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], held
    finally:
        done.set()
        thread.join(5)
        for connection in held:
            connection.close()
        listener.close()
