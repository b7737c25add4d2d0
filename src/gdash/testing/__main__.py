"""``python -m gdash.testing``: run the Grafana emulator on its own, to try gdash (or any tool that
speaks Grafana's HTTP API) without a Grafana server.

The emulator routes requests by Grafana's own API descriptions, so it needs them on disk: the
swagger file of the legacy API (``api-merged.json``) and, for ``--grafana 12``/``13``, the OpenAPI 3
files of the ``/apis`` resource API beside it (``--spec-dir``; gdash's test suite reads them from
``../shared/grafana``). Every request and response is checked against them; violations are printed.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from .grafana import MODES
from .server import GrafanaEmulator

SPEC_DIR_ENV = "GDASH_GRAFANA_SPECS"
_MAJOR = {"11": "11.4", "12": "12.3", "13": "13.2"}


def _swagger(spec_dir: Path) -> Path | None:
    for candidate in (spec_dir / "api-spec-v11.4.0" / "api-merged.json", spec_dir / "api-merged.json"):
        if candidate.is_file():
            return candidate
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gdash.testing",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=3000, help="port to listen on (default: 3000; 0 picks a free one)")
    parser.add_argument(
        "--grafana",
        default="11",
        choices=sorted({*_MAJOR, *MODES}),
        help="Grafana release to emulate: 11, 12, 13 or an exact mode such as 13.0 (default: 11)",
    )
    parser.add_argument(
        "--spec-dir",
        type=Path,
        default=os.environ.get(SPEC_DIR_ENV),
        help=f"directory holding Grafana's API descriptions (default: ${SPEC_DIR_ENV})",
    )
    parser.add_argument(
        "--token", help="service-account token the emulator accepts (default: $GRAFANA_TOKEN, else 'admin-token')"
    )
    parser.add_argument(
        "--datasource",
        action="append",
        default=[],
        metavar="UID=TYPE",
        help="create a datasource, e.g. prometheus=prometheus (repeatable)",
    )
    args = parser.parse_args(argv)

    swagger = _swagger(args.spec_dir) if args.spec_dir else None
    if swagger is None:
        parser.error(
            f"Grafana's API descriptions not found (give --spec-dir or ${SPEC_DIR_ENV}: the directory with "
            "api-spec-v11.4.0/api-merged.json and apis/*.json)"
        )
    mode = _MAJOR.get(args.grafana, args.grafana)
    token = args.token or os.environ.get("GRAFANA_TOKEN") or "admin-token"
    emulator = GrafanaEmulator(swagger, mode=mode)
    emulator.add_token(token)
    for spec in args.datasource:
        uid, _, kind = spec.partition("=")
        if not uid or not kind:
            parser.error(f"--datasource {spec!r}: expected UID=TYPE, e.g. prometheus=prometheus")
        emulator.add_datasource(uid, uid, kind)
    try:
        emulator.start(args.host, args.port)
    except OSError as error:
        print(f"error: cannot listen on {args.host}:{args.port}: {error.strerror}", file=sys.stderr)
        return 2
    shown = repr(token) if token == "admin-token" else "as given"  # never echo a real secret
    print(f"Grafana {MODES[mode]} emulator on {emulator.url} (token {shown}); Ctrl-C stops it", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            for violation in emulator.violations[:]:
                print(f"contract: {violation}", file=sys.stderr, flush=True)
                emulator.violations.remove(violation)
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
