#!/usr/bin/env python3
"""A webhook receiver for the sample stack's notification target: prints each event it gets.

    python3 samples/scripts/event_receiver.py            # listens on 127.0.0.1:8000

samples/config/playfield.toml, with its [[notification_targets]] section uncommented, sends the
sample configuration's events to http://127.0.0.1:8000/events as FlexMatch EventBridge JSON.
Without a receiver there, the daemon retries (a warning when the target starts failing, then
one summary a minute) until one answers. Standard library only.
"""
import argparse
import json
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            event = json.loads(body)
            detail = event.get("detail", {})
            tickets = [t.get("ticketId") for t in detail.get("tickets", [])]
            print(f"{event.get('time')} {detail.get('type')} tickets={tickets}", flush=True)
        except ValueError:
            print(body.decode(errors="replace"), flush=True)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:  # one line per event is enough
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    HTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
