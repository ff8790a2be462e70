"""Start localstripe (the local fake Stripe) on a free port: one helper for the
payments fixtures and the API contract cases."""

import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_localstripe() -> tuple[str, subprocess.Popen]:
    """(base address, process). On a busy machine it can take a while to
    answer; if it exits (a port taken between choosing and binding it), it is
    started again on another port. Raises RuntimeError with its log if it
    never answers."""
    exe = Path(sys.executable).with_name("localstripe")
    log = Path(tempfile.mkdtemp(prefix="localstripe-")) / "localstripe.log"
    for _attempt in range(3):
        port = _free_port()
        with open(log, "ab") as out:
            proc = subprocess.Popen(  # noqa: S603 - our own venv's script, fixed args
                [str(exe), "--port", str(port)], stdout=out, stderr=out
            )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{url}/js.stripe.com/v3/", timeout=2)  # noqa: S310
                return url, proc
            except OSError:
                time.sleep(0.25)
        proc.kill()
    raise RuntimeError(f"localstripe did not start: {log.read_text()[-2000:]}")
