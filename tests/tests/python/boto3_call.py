"""Calls GameLift operations with boto3 (awsJson1_1) and prints what came back.

Usage: boto3_call.py <endpoint-url> <access-key-id>[:<secret>] <calls-json>

The secret defaults to "secret" (what the tests configure as the key's secret).

<calls-json> is a list of [operation_name, params] pairs (boto3's snake_case
method names, the service's PascalCase parameters). Prints one JSON list, one
entry per call: the response (without ResponseMetadata, timestamps as epoch
seconds) or {"Error": {"Code", "Message", "Typed", "Status"}} where Typed says
whether boto3 raised the modeled exception class (client.exceptions.<Code>).
An operation named "paginate:<operation>" runs boto3's own paginator
(client.get_paginator(<operation>).paginate(**params)) and gives {"Pages": [...]}.
The Rust test drives the game server between invocations.
"""

import datetime
import json
import sys

import boto3
import botocore.exceptions


def jsonable(o):
    if isinstance(o, datetime.datetime):
        return o.timestamp()
    raise TypeError(f"not JSON: {o!r}")


def main():
    endpoint, access_key, calls = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    access_key, _, secret = access_key.partition(":")
    client = boto3.client(
        "gamelift",
        endpoint_url=endpoint,
        region_name="us-west-2",
        aws_access_key_id=access_key,
        aws_secret_access_key=secret or "secret",
    )
    results = []
    for op, params in calls:
        try:
            if op.startswith("paginate:"):
                paginator = client.get_paginator(op[len("paginate:"):])
                pages = [dict(p) for p in paginator.paginate(**params)]
                for page in pages:
                    page.pop("ResponseMetadata", None)
                results.append({"Pages": pages})
            else:
                response = getattr(client, op)(**params)
                response.pop("ResponseMetadata", None)
                results.append(response)
        except botocore.exceptions.ClientError as e:
            code = e.response["Error"]["Code"]
            modeled = getattr(client.exceptions, code, None)
            results.append(
                {
                    "Error": {
                        "Code": code,
                        "Message": e.response["Error"]["Message"],
                        "Typed": modeled is not None and isinstance(e, modeled),
                        "Status": e.response["ResponseMetadata"]["HTTPStatusCode"],
                    }
                }
            )
    print(json.dumps(results, default=jsonable))


if __name__ == "__main__":
    main()
