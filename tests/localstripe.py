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


# localstripe keeps its store in one fixed file, /tmp/localstripe.pickle, and
# reads it back at start-up: test workers starting it at the same moment read
# each other's half-written file and crash (CI saw "pickle data was
# truncated"). Each one here starts from scratch and keeps its store in its own
# file.
RUNNER = """
import pickle, sys
import localstripe.resources as resources
path = sys.argv.pop(1)
def dump_to_disk(self):
    with open(path, "wb") as f:
        pickle.dump(self, f, protocol=pickle.HIGHEST_PROTOCOL)
resources.Store.dump_to_disk = dump_to_disk
from localstripe.server import start
sys.exit(start())
"""


def start_localstripe() -> tuple[str, subprocess.Popen]:
    """(base address, process). On a busy machine it can take a while to
    answer; if it exits (a port taken between choosing and binding it), it is
    started again on another port. Raises RuntimeError with its log if it
    never answers."""
    folder = Path(tempfile.mkdtemp(prefix="localstripe-"))
    log, store = folder / "localstripe.log", folder / "store.pickle"
    for _attempt in range(3):
        port = _free_port()
        with open(log, "ab") as out:
            proc = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed args
                [sys.executable, "-c", RUNNER, str(store), "--port", str(port)]
                + ["--from-scratch"],
                stdout=out,
                stderr=out,
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
