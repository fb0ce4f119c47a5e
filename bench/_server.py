"""Starting a real server for a benchmark and talking to it: `make run` or `make serve` on a database and a free
port, waited for until healthy, and plain HTTP requests, logins with bearer tokens and the web app's logins.

Not a benchmark: `make bench` runs only the scripts whose names do not start with `_`. bench/load.py re-exports
these names (other benchmarks import them from there).
"""

import http.client
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bekrin.testing.server import RunningServer, running_server  # noqa: E402

START_TIMEOUT_S = 180


def wait_until_healthy(server: RunningServer) -> None:
    """The server answers as soon as Django runs; the mix also needs the judge worker it started to be seen."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited: {server.log_tail()}")
        if server.request("GET", "/api/health")[0] == 200:
            return
        time.sleep(0.25)
    raise RuntimeError(f"the server did not become healthy: {server.log_tail()}")


@contextmanager
def started(
    mode: str, database_url: str, log_path: Path, extra_env: dict[str, str], *, seed: bool = True
) -> Iterator[RunningServer]:
    """`make run` (dev) or `make serve` (prod) on its own database and port, as a person starts it; stopped with
    SIGTERM to its whole process group (web server and worker), as systemd or Ctrl-C would. `seed=False` serves a
    database as it is (a generated one already holds the seed school)."""
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1", **extra_env}
    env.pop("DEBUG", None)  # `make run` turns DEBUG on itself; `make serve` runs with it off
    if mode == "prod" and seed:
        # `make serve` does not seed; the mix needs the seed school.
        for command in (["migrate", "--noinput", "-v", "0"], ["seed_dev"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env={**env, "DEBUG": "true"},
                check=True,
                stdout=subprocess.DEVNULL,
            )
    target = {"dev": "run", "prod": "serve"}[mode]
    command = ["make", "--no-print-directory", target, "PORT={port}"]
    with running_server(
        command, env=env, ready_path="/api/health", start_timeout_s=START_TIMEOUT_S, log_path=log_path
    ) as server:
        wait_until_healthy(server)
        yield server


def request_once(port: int, method: str, path: str, body: object = None, token: str | None = None) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        return send(conn, method, path, body, token)
    finally:
        conn.close()


def send(
    conn: http.client.HTTPConnection, method: str, path: str, body: object = None, token: str | None = None
) -> tuple[int, str]:
    headers = {"Accept": "application/json"}
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body=payload, headers=headers)
    response = conn.getresponse()
    return response.status, response.read().decode(errors="replace")


def login(port: int, email: str, password: str) -> str:
    status, body = request_once(port, "POST", "/api/auth/login", {"email": email, "password": password})
    if status != 200:
        raise RuntimeError(f"login of {email} answered {status}: {body[:300]}")
    return json.loads(body)["token"]


CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def cookies_of(response: http.client.HTTPResponse) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def session_login(port: int, email: str, password: str) -> str:
    """Logs in on the web app's login page, as a browser does (its CSRF cookie and form token, then the form);
    answers the `Cookie` header that carries the session."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/")
        page = conn.getresponse()
        form = CSRF_FIELD.search(page.read().decode())
        csrf = cookies_of(page).get("csrftoken")
        if page.status != 200 or not form or not csrf:
            raise RuntimeError(f"the login page answered {page.status} without a CSRF token")
        body = urlencode({"email": email, "password": password, "csrfmiddlewaretoken": form.group(1)})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}"}
        conn.request("POST", "/", body=body, headers=headers)
        answer = conn.getresponse()
        answer.read()
        session = cookies_of(answer).get("sessionid")
        if answer.status != 302 or not session:
            raise RuntimeError(f"the web login of {email} answered {answer.status}")
        return f"sessionid={session}; csrftoken={csrf}"
    finally:
        conn.close()
