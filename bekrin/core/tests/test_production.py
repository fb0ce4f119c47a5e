"""The production path, run for real: gunicorn (config/gunicorn.py) with DEBUG off on the test database, static files
collected for WhiteNoise, the bounded connection pool, a graceful stop, and start-up errors in one line."""

import http.client
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from knox.models import AuthToken

from bekrin.coding.tests.factories import SUM_SOLUTION, TaskFactory
from bekrin.testing.docs import docs_script
from bekrin.testing.server import ROOT, RunningServer, database_url_of_this_run, running_server

GUNICORN = [
    str(Path(sys.executable).parent / "gunicorn"),
    "-c",
    "config/gunicorn.py",
    "--bind",
    "127.0.0.1:{port}",
    "config.wsgi",
]


def production_env(**extra: str) -> dict[str, str]:
    """The environment of `make serve`: DEBUG off, a real secret key, this run's test database."""
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "SECRET_KEY")}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback, as `make serve` runs it
        DATABASE_URL=database_url_of_this_run(),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> Path:
    """`collectstatic` as `make serve` runs it, into a folder of this test run."""
    root = tmp_path_factory.mktemp("static")
    env = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    env.update(DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50), STATIC_ROOT=str(root))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    return root


def bearer(user) -> dict[str, str]:
    _instance, token = AuthToken.objects.create(user=user)
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


def in_background(call) -> tuple[threading.Thread, list]:
    result: list = []
    thread = threading.Thread(target=lambda: result.append(call()))
    thread.start()
    return thread, result


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_the_production_server_serves_the_admin_css_compressed_under_hashed_names(static_root):
    with running_server(GUNICORN, env=production_env(STATIC_ROOT=str(static_root))) as server:
        status, page = server.request("GET", "/admin/login/")
        assert status == 200
        stylesheets = re.findall(r'href="(/static/admin/css/[^"]+\.css)"', page)
        assert stylesheets, page[:500]
        assert all(re.search(r"\.[0-9a-f]{12}\.css$", href) for href in stylesheets)  # content-hashed names
        for href in stylesheets:
            status, headers = _head(server, href, {"Accept-Encoding": "gzip"})
            assert status == 200, href
            assert headers["Content-Type"].startswith("text/css")
            assert headers["Content-Encoding"] == "gzip"
            assert "immutable" in headers["Cache-Control"]
        # The docs page's assets are ours too, under the same names.
        status, docs = server.request("GET", "/api/docs")
        assert status == 200
        for src in re.findall(r'(?:src|href)="([^"]+)"', docs):
            assert _head(server, src, {})[0] == 200, src


def _head(server: RunningServer, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    conn = http.client.HTTPConnection("127.0.0.1", int(server.base_url.rsplit(":", 1)[1]), timeout=10)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, dict(response.getheaders())
    finally:
        conn.close()


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_a_full_connection_pool_answers_503_in_the_error_shape_and_recovers(personas, static_root):
    """One pooled connection, held by a payment that waits for the student's row, which the test keeps locked: other
    requests wait half a second, get 503 `busy` (API and admin alike), and are served again once the lock goes."""
    env = production_env(
        STATIC_ROOT=str(static_root),
        WEB_WORKERS="1",
        WEB_THREADS="4",
        DB_POOL_MIN_SIZE="1",
        DB_POOL_MAX_SIZE="1",
        DB_POOL_TIMEOUT="0.5",
    )
    teacher = bearer(personas.teacher)
    payment = {
        "student_id": personas.student.pk,
        "payment_date": "2026-12-01",
        "amount": "50.00",
        "method": "cash",
        "status": "paid",
    }
    with running_server(GUNICORN, env=env) as server, psycopg.connect(database_url_of_this_run()) as locker:
        locker.execute("SELECT 1 FROM student_profile WHERE user_id = %s FOR UPDATE", [personas.student.pk])
        thread, result = in_background(
            lambda: server.request("POST", "/api/teacher/payments", json_body=payment, headers=teacher)
        )
        time.sleep(0.5)  # the payment has taken the only connection and waits for the row lock
        busy_status, busy_body = server.request("GET", "/api/auth/me", headers=teacher)
        admin_status, admin_body = server.request("GET", "/admin/", headers={"Cookie": "sessionid=" + "x" * 32})
        locker.commit()
        thread.join()
        assert (busy_status, busy_body["error"]["code"]) == (503, "busy")
        assert busy_body["error"]["message"]
        assert (admin_status, admin_body["error"]["code"]) == (503, "busy")
        assert result[0][0] == 201
        assert server.request("GET", "/api/auth/me", headers=teacher)[0] == 200
    assert "Traceback" not in server.log_tail()


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_a_recycled_worker_is_replaced_and_the_server_keeps_serving(personas, static_root):
    """The master forks again when a worker reaches WEB_MAX_REQUESTS, with threads of its own running by then."""
    env = production_env(STATIC_ROOT=str(static_root), WEB_WORKERS="1", WEB_MAX_REQUESTS="3")
    teacher = bearer(personas.teacher)
    with running_server(GUNICORN, env=env) as server:
        answers = [server.request("GET", "/api/auth/me", headers=teacher)[0] for _ in range(12)]
        assert answers == [200] * 12
        assert server.process.poll() is None
        assert server.log_tail().count("Booting worker") >= 3, server.log_tail()
    assert "Traceback" not in server.log_tail()


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_sigterm_lets_the_request_in_flight_finish_and_then_stops_the_server(personas, static_root):
    task = TaskFactory(created_by=personas.teacher)
    env = production_env(STATIC_ROOT=str(static_root), JUDGE_SUBMIT_WAIT_SECONDS="2")
    student = bearer(personas.student)
    with running_server(GUNICORN, env=env) as server:
        submit = f"/api/student/coding/tasks/{task.pk}/submissions"
        thread, result = in_background(
            lambda: server.request("POST", submit, json_body={"code": SUM_SOLUTION}, headers=student)
        )
        time.sleep(0.5)
        os.kill(server.process.pid, signal.SIGTERM)
        thread.join()
        assert result[0][0] == 202  # answered in full: no worker, so "still judging" after its 2 s wait
        assert server.process.wait(timeout=30) == 0


@pytest.mark.server
def test_check_deploy_is_clean_with_debug_off():
    env = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    env.update(DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="bekrin.example.az")
    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout


@pytest.mark.server
@pytest.mark.parametrize(
    ("environment", "reason"),
    [({}, "SECRET_KEY must be set"), ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean")],
    ids=["production without a secret key", "a bad DEBUG"],
)
def test_a_command_started_with_a_bad_environment_says_why_in_one_line(environment, reason):
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "SECRET_KEY")}
    env.update(environment)
    started = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "pass"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert started.returncode != 0
    assert started.stderr.count("\n") == 1, started.stderr
    assert started.stderr.startswith("bekrin: ") and reason in started.stderr


def test_the_docs_page_loads_nothing_from_another_host(client):
    page = client.get("/api/docs").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert len(assets) >= 3  # Swagger UI's script, preset and stylesheet
    for asset in assets:
        assert not urlsplit(asset).netloc, asset
        assert client.get(asset).status_code == 200, asset
    script = docs_script(client, page)
    assert not re.search(r"https?://", page + script)
    assert '"validatorUrl": null' in script  # Swagger UI would otherwise fetch a badge from the public validator


def test_the_api_root_lists_where_to_start_and_the_site_root_is_the_web_apps_login(client):
    index = client.get("/api/")
    assert index.status_code == 200
    assert index.json() == {
        "name": "Bekrin API",
        "docs": "/api/docs",
        "schema": "/api/schema",
        "health": "/api/health",
        "login": "/api/auth/login",
    }
    site = client.get("/")
    assert site.status_code == 200
    assert 'name="password"' in site.content.decode()
