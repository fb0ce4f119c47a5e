"""A real HTTP server for tests: any command line (runserver, gunicorn, …) started as a subprocess on a free port,
waited for until it answers, and stopped with its whole process group.

    command = [sys.executable, "manage.py", "runserver", "--noreload", "127.0.0.1:{port}"]
    with running_server(command, env=env) as server:
        status, body = server.request("GET", "/api/auth/me")

`{port}` in any argument becomes the chosen port. The server's output goes to a log file whose tail is quoted when it
exits or never answers, so a failed start says why.
"""

import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 20
LOG_TAIL_CHARS = 3000
# Straight to the server: a proxy from the environment (http_proxy) must not stand between a test and 127.0.0.1.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def database_url_of_this_run() -> str:
    """DATABASE_URL of this test run's database (pytest-django renamed it test_…), for the processes a test starts."""
    parts = urlsplit(settings.DATABASE_URL)
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def free_port() -> int:
    """A port nothing listens on right now (the kernel's choice). Another process could take it before the server
    binds it; on a test machine that race is rare, and the server's exit then says so in the log."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RunningServer:
    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-LOG_TAIL_CHARS:]

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: object = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 10,
    ) -> tuple[int, Any]:
        """(status, body) of one request; the body is decoded JSON when the response is JSON, else text."""
        data = None if json_body is None else json.dumps(json_body).encode()
        url = self.base_url + path  # always http://127.0.0.1:<port>/…
        request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))  # noqa: S310
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                return response.status, _decoded(response.headers.get_content_type(), response.read())
        except urllib.error.HTTPError as error:  # a 4xx/5xx is an answer too
            return error.code, _decoded(error.headers.get_content_type(), error.read())


def _decoded(content_type: str, raw: bytes) -> Any:
    return json.loads(raw) if content_type == "application/json" else raw.decode(errors="replace")


def _wait_until_answering(server: RunningServer, ready_path: str, timeout_s: float) -> None:
    """Until any HTTP answer arrives at `ready_path` (whatever its status: the server is up and Django answered)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            server.request("GET", ready_path, timeout=2)
            return
        except OSError:  # refused or reset while it starts
            time.sleep(0.1)
    raise RuntimeError(f"the server did not answer within {timeout_s} s:\n{server.log_tail()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group (a server's workers or reloader go with it), SIGKILL if it lingers."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT_S)


@contextmanager
def running_server(
    command: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path = ROOT,
    ready_path: str = "/",
    start_timeout_s: float = START_TIMEOUT_S,
    log_path: Path | None = None,
) -> Iterator[RunningServer]:
    """Start `command` (with `{port}` replaced by a free port) in its own session, yield once it answers, stop it on
    exit. `env` is the whole environment of the server, so a test states exactly what it runs with."""
    port = free_port()
    if log_path is None:
        log_path = Path(tempfile.mkstemp(prefix="bekrin-server-", suffix=".log")[1])
    with log_path.open("ab") as log:
        process = subprocess.Popen(  # noqa: S603 - the test's own command line, not a shell string
            [part.replace("{port}", str(port)) for part in command],
            cwd=cwd,
            env=dict(env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        server = RunningServer(process=process, base_url=f"http://127.0.0.1:{port}", log_path=log_path)
        try:
            _wait_until_answering(server, ready_path, start_timeout_s)
            yield server
        finally:
            _stop(process)
