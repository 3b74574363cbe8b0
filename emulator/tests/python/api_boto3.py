"""Drive the Playfield API listener with boto3 (awsJson1_1) and print what came back.

Usage: api_boto3.py <endpoint-url>

Prints one JSON object on stdout; the Rust test `api_boto3.rs` asserts on it.
Only the calls themselves are made here, so a failure shows up as a clear
difference in the Rust assertion rather than a Python traceback (tracebacks
still go to stderr and make the script exit non-zero).
"""

import json
import sys

import boto3
import botocore
from botocore.config import Config


def make_client(endpoint, **config):
    return boto3.client(
        "gamelift",
        endpoint_url=endpoint,
        region_name="us-west-2",
        aws_access_key_id="AKIDLOCAL",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, **config),
    )


def error_of(call):
    try:
        call()
    except botocore.exceptions.ClientError as e:
        return {
            "class": type(e).__name__,
            "code": e.response["Error"]["Code"],
            "message": e.response["Error"]["Message"],
            "status": e.response["ResponseMetadata"]["HTTPStatusCode"],
        }
    return None


def main():
    endpoint = sys.argv[1]
    gl = make_client(endpoint)
    out = {"protocol": gl.meta.service_model.resolved_protocol
           if hasattr(gl.meta.service_model, "resolved_protocol") else gl.meta.service_model.protocol}

    r = gl.describe_game_sessions(GameSessionId="gs-1", Limit=2)
    gs = r["GameSessions"][0]
    out["describe"] = {
        "count": len(r["GameSessions"]),
        "creation_time": gs["CreationTime"].timestamp(),
        "status": gs["Status"],
        "port": gs["Port"],
        "properties": gs["GameProperties"],
        "request_id": r["ResponseMetadata"]["RequestId"],
    }

    out["not_found"] = error_of(lambda: gl.describe_game_sessions(GameSessionId="gs-missing"))
    try:
        gl.describe_game_sessions(GameSessionId="gs-missing")
    except gl.exceptions.NotFoundException:
        out["not_found_is_typed"] = True

    out["valid"] = gl.validate_matchmaking_rule_set(RuleSetBody="{}")["Valid"]

    # Python ints for double members (N, SDM values): must be accepted.
    r = gl.start_matchmaking(
        ConfigurationName="cfg",
        Players=[{
            "PlayerId": "p1",
            "PlayerAttributes": {"skill": {"N": 10}, "maps": {"SDM": {"dust": 1, "nuke": 0.5}}},
            "LatencyInMs": {"us-west-2": 42},
        }],
    )
    out["ticket"] = {
        "status": r["MatchmakingTicket"]["Status"],
        "players": r["MatchmakingTicket"]["Players"],
        "start_time": r["MatchmakingTicket"]["StartTime"].timestamp(),
    }

    r = gl.start_game_session_placement(
        PlacementId="pl-1", GameSessionQueueName="q", MaximumPlayerSessionCount=8,
        PlayerLatencies=[{"PlayerId": "p1", "RegionIdentifier": "us-west-2", "LatencyInMilliseconds": 12.5}],
    )
    out["latency"] = r["GameSessionPlacement"]["PlayerLatencies"][0]["LatencyInMilliseconds"]

    r = gl.delete_matchmaking_rule_set(Name="rs")
    out["delete_keys"] = sorted(k for k in r if k != "ResponseMetadata")

    # boto3 checks required members itself; switch that off to see ours.
    raw = make_client(endpoint, parameter_validation=False)
    out["missing_required"] = error_of(lambda: raw.create_game_session(FleetId="fleet-1"))
    out["unimplemented"] = error_of(lambda: gl.describe_fleet_attributes())

    print(json.dumps(out))


if __name__ == "__main__":
    main()
