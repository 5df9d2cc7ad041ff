#!/usr/bin/env python3
"""Wait for a Cognito code in the CognitoSMSRedirect code inbox, from a Python test.

This does what `smsredirect wait-code` does, with boto3 alone, so a test suite that cannot
install the CLI can still read codes:

- it long-polls the inbox (an SQS queue whose messages are SNS notifications, each `Message`
  a code record: see schemas/code-record.schema.json);
- it returns the newest matching code (by the record's `time`) and deletes it together with the
  older matching ones and repeated deliveries, which are stale;
- it releases every message that is not its own at once (visibility 0), so waiters in parallel
  on one inbox never hold each other's codes; but a record older than five minutes (or a message
  that is no record) stays hidden for the receive's 30 s: nobody waits for it now, and released it
  would come back first on every receive and crowd out the fresh codes.

As a module:

    import boto3
    from wait_for_code import wait_for_code
    record = wait_for_code(boto3.client("sqs"), queue_url, phone="+15555550100", trigger="SignUp")
    print(record["code"])

The newest code is not always the valid one (a flow that honours only its first code):
`which="oldest"` returns the oldest matching record, `which="all"` a list of every one, oldest
first. `expect_none(...)` is the negative: it listens for `duration` seconds and returns the
matching records that arrived (an empty list when none did), consuming nothing.

As a command (exit 2 when no code arrives in time, 64 for a filter that could never match;
with --expect-none SECONDS, exit 0 when nothing matching arrives and 1 naming what did):

    python3 wait_for_code.py --queue-url URL --phone +15555550100 --trigger SignUp --timeout 30 [--which oldest|all]
    python3 wait_for_code.py --queue-url URL --phone +15555550100 --trigger Authentication --expect-none 30
"""
import argparse
import json
import re
import sys
import time
from datetime import datetime, timedelta, timezone

import boto3
from botocore.exceptions import ClientError

TRIGGERS = ["SignUp", "ResendCode", "ForgotPassword", "UpdateUserAttribute", "VerifyUserAttribute", "AdminCreateUser", "Authentication"]
E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")
STALE_AFTER = timedelta(minutes=5)


class NoCodeArrived(Exception):
    """No matching code arrived before the deadline."""


def record_of(body):
    """The code record in an SQS message body: the SNS envelope's Message, or the body itself
    (raw message delivery). None for anything else."""
    try:
        document = json.loads(body)
        if document.get("Type") == "Notification":
            document = json.loads(document["Message"])
        return document if isinstance(document, dict) and "triggerSource" in document else None
    except (ValueError, KeyError, TypeError):
        return None


def trigger_name(trigger):
    """`SignUp` (any case) or a full trigger source, as `smsredirect wait-code --trigger` takes it."""
    for name in TRIGGERS:
        if trigger.lower() in (name.lower(), f"customsmssender_{name.lower()}", f"customemailsender_{name.lower()}"):
            return name
    raise ValueError(f"unknown trigger {trigger!r}: use one of {', '.join(TRIGGERS)}")


def matches(record, phone=None, username=None, trigger=None, since=None):
    if phone is not None and record.get("phoneNumber") != phone:
        return False
    if username is not None and record.get("userName") != username:
        return False
    if trigger is not None and not record.get("triggerSource", "").endswith("_" + trigger):
        return False
    if since is not None and parse_time(record.get("time", "")) < since:
        return False
    return True


def parse_time(text):
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=timezone.utc)


def checked(phone, trigger):
    if phone is not None and not E164.match(phone):
        raise ValueError(f"phone {phone!r} is not E.164: write it as +15555550100")
    return trigger_name(trigger) if trigger is not None else None


def wait_for_code(sqs, queue_url, phone=None, username=None, trigger=None, since=None, timeout=60.0, which="newest"):
    """Returns the newest matching code record (a dict), or with which="oldest" the oldest, or with
    which="all" every one, oldest first (a list); raises NoCodeArrived after `timeout` s."""
    if which not in ("newest", "oldest", "all"):
        raise ValueError(f"which={which!r}: use newest, oldest or all")
    trigger = checked(phone, trigger)
    deadline = time.monotonic() + timeout
    matched = []  # (time, SentTimestamp, order, record, receipt handle)
    while True:
        # Each long poll ends before the deadline: one abandoned mid-poll could still take
        # messages and hide them from every reader for the visibility timeout.
        usable = deadline - time.monotonic() - 0.5
        if usable <= 0:
            break
        answer = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, VisibilityTimeout=30,
                                     WaitTimeSeconds=min(1 if matched else 20, int(usable)),
                                     MessageSystemAttributeNames=["SentTimestamp"])
        new = 0
        for message in answer.get("Messages", []):
            record = record_of(message["Body"])
            if record is None or not matches(record, phone, username, trigger, since):
                others = record is None or not matches(record, phone, username, trigger, None)
                if others and (record is None or datetime.now(timezone.utc) - parse_time(record.get("time", "")) >= STALE_AFTER):
                    continue  # someone's old code stays hidden for the visibility timeout: a backlog must not crowd out fresh codes
                try:
                    sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
                except ClientError:
                    pass  # its own waiter took it meanwhile
                continue
            sent = int(message.get("Attributes", {}).get("SentTimestamp", "0"))
            matched.append((parse_time(record.get("time", "")), sent, len(matched), record, message["ReceiptHandle"]))
            new += 1
        # With a code in hand, one more short long-poll looks for a newer one, then stop.
        if matched and new == 0:
            break
    if not matched:
        raise NoCodeArrived(f"no matching code arrived in {timeout:g} s")
    ordered = sorted(matched, key=lambda entry: entry[:3])
    for entry in matched:
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=entry[4])
    # A repeated delivery is the same record: kept once, where it came last.
    distinct = []
    for entry in reversed(ordered):
        if entry[3] not in distinct:
            distinct.insert(0, entry[3])
    return {"newest": distinct[-1], "oldest": distinct[0], "all": distinct}[which]


def expect_none(sqs, queue_url, phone=None, username=None, trigger=None, since=None, duration=30.0):
    """Listens for `duration` s; returns the matching records that arrived (empty: none did).
    Nothing is consumed: matches stay hidden while it listens and are released at the end; the
    others are released at once."""
    trigger = checked(phone, trigger)
    deadline = time.monotonic() + duration
    found, held = [], []
    while True:
        usable = deadline - time.monotonic() - 0.5
        if usable <= 0:
            break
        answer = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=min(20, int(usable)),
                                     VisibilityTimeout=int(deadline - time.monotonic()) + 30)
        messages = answer.get("Messages", [])
        others_only = bool(messages)
        for message in messages:
            record = record_of(message["Body"])
            if record is not None and matches(record, phone, username, trigger, since):
                if record not in found:
                    found.append(record)
                held.append(message["ReceiptHandle"])
                others_only = False
            else:
                sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
        if others_only:
            time.sleep(0.25)  # released, others' codes come straight back
    for handle in held:
        try:
            sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=0)
        except ClientError:
            pass
    return found


def since_argument(text):
    """An ISO 8601 time, or -90s / -5m / -2h / -1d ago."""
    found = re.fullmatch(r"-(\d+(?:\.\d+)?)([smhd])", text)
    if found:
        seconds = float(found.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[found.group(2)]
        return datetime.now(timezone.utc) - timedelta(seconds=seconds)
    moment = parse_time(text)
    if moment == datetime.min.replace(tzinfo=timezone.utc):
        raise argparse.ArgumentTypeError(f"{text!r} is neither an ISO 8601 time nor a duration ago (-90s, -5m, -2h, -1d)")
    return moment


def main():
    parser = argparse.ArgumentParser(description="Wait for a code in the CognitoSMSRedirect code inbox and print it.")
    parser.add_argument("--queue-url", required=True, help="the inbox queue URL (the stack's CodeInboxQueueUrl output)")
    parser.add_argument("--phone", help="only a code for this phone number (E.164)")
    parser.add_argument("--username", help="only a code for this user name")
    parser.add_argument("--trigger", help="only this trigger: SignUp, Authentication, ForgotPassword, …")
    parser.add_argument("--since", type=since_argument, help="only codes handled since this ISO 8601 time or -DURATION ago (write --since=-5m)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds to wait (default 60)")
    parser.add_argument("--json", action="store_true", help="print the whole record (one a line with --which all)")
    parser.add_argument("--which", choices=["newest", "oldest", "all"], default="newest", help="which matching code (default newest)")
    parser.add_argument("--expect-none", type=float, metavar="SECONDS", help="instead: succeed only if no matching code arrives in SECONDS")
    arguments = parser.parse_args()
    sqs = boto3.client("sqs")
    try:
        if arguments.expect_none is not None:
            arrived = expect_none(sqs, arguments.queue_url, arguments.phone, arguments.username, arguments.trigger,
                                  arguments.since, arguments.expect_none)
            for record in arrived:
                print(f"wait_for_code: a matching code arrived: {record.get('purpose')} for "
                      f"{record.get('phoneNumber') or record.get('userName')} ({record.get('triggerSource')})", file=sys.stderr)
            return 1 if arrived else 0
        found = wait_for_code(sqs, arguments.queue_url, arguments.phone, arguments.username,
                              arguments.trigger, arguments.since, arguments.timeout, arguments.which)
    except ValueError as error:
        print(f"wait_for_code: {error}", file=sys.stderr)
        return 64
    except NoCodeArrived as error:
        print(f"wait_for_code: {error}", file=sys.stderr)
        return 2
    for record in found if arguments.which == "all" else [found]:
        print(json.dumps(record, sort_keys=True) if arguments.json else record.get("code", f"({record['purpose']}, no code)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
