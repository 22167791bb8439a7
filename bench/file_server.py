"""A plain HTTP server for one folder, in its own process: ``python -m bench.file_server FOLDER``.

It prints its port on the first line of stdout, then serves until killed. The download
benchmark uses it for the candidate and the reference alike; its own speed is the same for both.
"""

from __future__ import annotations

import functools
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def main(folder: str) -> None:
    handler = functools.partial(_QuietHandler, directory=folder)
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        print(server.server_address[1], flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1])
