#!/usr/bin/env python3
"""Start a match on a running `playfield serve` with boto3, and watch it land on a game server.

    python3 -m venv .venv && .venv/bin/pip install boto3
    .venv/bin/python samples/scripts/start_match.py --configuration sample-duel alice bob
    .venv/bin/python samples/scripts/start_match.py --configuration sample-duel --latency custom-laptop=50 alice bob

With a rule set that has a latency rule every player must report latencies (LatencyInMs),
or StartMatchmaking is refused: `--latency LOCATION=MS`, once per location. Locally the
locations are the fleets' `locations` in the configuration file (`custom-laptop` in
samples/config/playfield.toml), `custom-local` for a fleet that names none (the embedded
default's `fleet-local`).

Each player gets a matchmaking ticket (StartMatchmaking); the script polls DescribeMatchmaking
until every ticket is COMPLETED (or ends otherwise) and prints where each player connects.
Any AWS SDK works the same way: only the endpoint URL differs from the real service.
"""
import argparse
import os
import sys
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError


def latency(text: str) -> tuple:
    """`custom-local=50` -> ("custom-local", 50)."""
    location, sep, ms = text.partition("=")
    if not sep or not location or not ms.strip().isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not LOCATION=MS (e.g. custom-local=50)")
    return location.strip(), int(ms)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("players", nargs="+", help="player ids, one ticket each")
    parser.add_argument("--configuration", default="default", help="matchmaking configuration name")
    parser.add_argument("--endpoint", default=os.environ.get("PLAYFIELD_ENDPOINT", "http://127.0.0.1:9080"))
    parser.add_argument("--skill", type=float, default=1000.0, help="every player's skill attribute")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the match")
    parser.add_argument(
        "--latency",
        type=latency,
        action="append",
        default=[],
        metavar="LOCATION=MS",
        help="a latency every player reports (repeatable); a latency rule needs one. Local "
        "locations are the fleets' `locations` (default custom-local)",
    )
    args = parser.parse_args()
    latencies = dict(args.latency)

    gamelift = boto3.client(
        "gamelift",
        endpoint_url=args.endpoint,
        region_name="us-west-2",
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(retries={"max_attempts": 1}),
    )
    tickets = []
    for player in args.players:
        request = {"PlayerId": player, "PlayerAttributes": {"skill": {"N": args.skill}}}
        if latencies:
            request["LatencyInMs"] = latencies
        try:
            ticket = gamelift.start_matchmaking(
                ConfigurationName=args.configuration, Players=[request]
            )["MatchmakingTicket"]
        except ClientError as e:
            print(f"{player}: StartMatchmaking refused: {e}", file=sys.stderr)
            if "latency" in str(e).lower() and not latencies:
                print("the rule set has a latency rule: pass --latency LOCATION=MS "
                      "(e.g. --latency custom-local=50)", file=sys.stderr)
            return 1
        print(f"{player}: ticket {ticket['TicketId']} {ticket['Status']}")
        tickets.append(ticket["TicketId"])

    deadline = time.monotonic() + args.timeout
    final = {"COMPLETED", "FAILED", "TIMED_OUT", "CANCELLED"}
    last = {}
    while time.monotonic() < deadline:
        described = gamelift.describe_matchmaking(TicketIds=tickets)["TicketList"]
        for t in described:
            if last.get(t["TicketId"]) != t["Status"]:
                last[t["TicketId"]] = t["Status"]
                reason = f" ({t.get('StatusReason')}: {t.get('StatusMessage')})" if t.get("StatusReason") else ""
                print(f"ticket {t['TicketId']}: {t['Status']}{reason}")
        if all(t["Status"] in final for t in described):
            for t in described:
                info = t.get("GameSessionConnectionInfo")
                if info:
                    for p in info.get("MatchedPlayerSessions", []):
                        print(
                            f"{p['PlayerId']}: connect to {info['IpAddress']}:{info['Port']} "
                            f"with player session {p['PlayerSessionId']} "
                            f"(game session {info['GameSessionArn']})"
                        )
            return 0 if all(t["Status"] == "COMPLETED" for t in described) else 1
        time.sleep(0.2)
    print("timed out waiting for the tickets to finish", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
