"""A short run of bench/load.py: the server a school gets, started as a person starts it, under concurrent clients
of the daily mix; any 5xx, dropped connection or unhealthy server afterwards fails (the script exits 1)."""

import os
import subprocess
import sys

import pytest

from bekrin.testing.server import ROOT

pytestmark = pytest.mark.server


@pytest.mark.parametrize("mode", ["prod", "dev"], ids=["make serve", "make run"])
def test_the_server_answers_concurrent_clients_of_the_daily_mix_without_a_5xx(mode):
    command = [sys.executable, "bench/load.py", "--mode", mode, "--clients", "8", "--requests", "160"]
    command += ["--database", f"bench_load_test_{os.getpid()}"]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=400)
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    assert "| all |" in run.stdout and "health right after: 200" in run.stdout
