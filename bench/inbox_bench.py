#!/usr/bin/env python3
"""Inbox benchmark (`make bench-inbox`): N waiters in parallel, one phone each, and the time from
publishing each code to its waiter printing it, on one shared inbox and on per-run inboxes.

Readers, measured in the same run against the same moto server:
  smsredirect  `smsredirect wait-code` (the CLI given with --cli)
  python       examples/python/wait_for_code.py (boto3), the peer

Each round starts the waiters, lets them reach their first long poll, then publishes one code per
phone through the topic as the sender does (the record, and the message attributes per-run inboxes
filter on). A waiter that prints another phone's code, or none, counts as wrong. Startup is not
timed: the clock starts when the code's Publish is sent. Per-run inboxes hang off a topic of their
own, so their codes do not pile up in the shared inbox; --backlog N first fills the shared inbox
with N codes for other phones, ten minutes old, that nobody takes (an inbox that per-run inboxes
or a person reading email left full).
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone

import boto3

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE = os.path.join(HERE, "..", "examples", "python", "wait_for_code.py")


def record(phone, code, age=timedelta(0)):
    now = datetime.now(timezone.utc) - age
    return {
        "code": code, "purpose": "sign-up verification code", "triggerSource": "CustomSMSSender_SignUp", "channel": "sms",
        "userPoolId": "us-east-1_Bench", "userName": f"user{phone}", "phoneNumber": phone, "clientMetadata": {},
        "region": "us-east-1", "time": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z",
    }


def publish(sns, topic, phone, code, age=timedelta(0)):
    body = json.dumps(record(phone, code, age), sort_keys=True)
    sns.publish(TopicArn=topic, Message=json.dumps({"default": body, "sqs": body, "email": code}), MessageStructure="json",
                MessageAttributes={name: {"DataType": "String", "StringValue": value} for name, value in
                                   [("trigger_source", "CustomSMSSender_SignUp"), ("user_pool_id", "us-east-1_Bench"),
                                    ("username", f"user{phone}"), ("phone_number", phone)]})


def waiter_command(reader, cli, queue_url, phone, timeout):
    if reader == "smsredirect":
        return [cli, "wait-code", "--queue-url", queue_url, "--phone", phone, "--timeout", str(timeout)]
    return [sys.executable, EXAMPLE, "--queue-url", queue_url, "--phone", phone, "--timeout", str(timeout)]


def one_round(reader, mode, cli, sns, topic, shared_queue, waiters, timeout):
    phones = [f"+1555{random.randrange(10_000_000):07d}" for _ in range(waiters)]
    codes = {phone: f"{random.randrange(1_000_000):06d}" for phone in phones}
    queues = {}
    for phone in phones:
        if mode == "shared":
            queues[phone] = shared_queue
        else:
            created = subprocess.run([cli, "inbox", "create", "--topic-arn", topic, "--phone", phone, "--ttl", "1h"],
                                     capture_output=True, text=True, check=True)
            queues[phone] = created.stdout.strip()
    done, outputs = {}, {}
    processes = {phone: subprocess.Popen(waiter_command(reader, cli, queues[phone], phone, timeout), stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL, text=True) for phone in phones}

    def collect(phone):
        outputs[phone] = processes[phone].stdout.read().strip()
        done[phone] = time.monotonic()
        processes[phone].wait()

    threads = [threading.Thread(target=collect, args=(phone,)) for phone in phones]
    for thread in threads:
        thread.start()
    time.sleep(3)  # every waiter is in its first long poll
    published = {}
    for phone in phones:
        published[phone] = time.monotonic()
        publish(sns, topic, phone, codes[phone])
    for thread in threads:
        thread.join()
    if mode == "per-run":
        for phone in phones:
            subprocess.run([cli, "inbox", "delete", queues[phone]], capture_output=True, check=False)
    latencies = [done[phone] - published[phone] for phone in phones if outputs.get(phone) == codes[phone]]
    return latencies, waiters - len(latencies)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cli", required=True, help="the smsredirect executable")
    parser.add_argument("--waiters", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--timeout", type=int, default=60)
    parser.add_argument("--backlog", type=int, default=0, help="codes for nobody left in the shared inbox first")
    arguments = parser.parse_args()

    sns, sqs = boto3.client("sns"), boto3.client("sqs")
    topic = sns.create_topic(Name=f"bench-codes-{random.randrange(1 << 30)}")["TopicArn"]
    shared = sqs.create_queue(QueueName=f"bench-inbox-{random.randrange(1 << 30)}")["QueueUrl"]
    shared_arn = sqs.get_queue_attributes(QueueUrl=shared, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=shared_arn)
    per_run_topic = sns.create_topic(Name=f"bench-codes-per-run-{random.randrange(1 << 30)}")["TopicArn"]
    for index in range(arguments.backlog):
        publish(sns, topic, f"+1555{random.randrange(10_000_000):07d}", f"{index % 1_000_000:06d}", age=timedelta(minutes=10))

    results = {}
    for round_number in range(arguments.rounds):
        # Alternate who goes first, so neither reader always meets a warmer moto.
        readers = ["smsredirect", "python"] if round_number % 2 == 0 else ["python", "smsredirect"]
        for mode in ["shared", "per-run"]:
            for reader in readers:
                latencies, wrong = one_round(reader, mode, arguments.cli, sns, topic if mode == "shared" else per_run_topic, shared,
                                             arguments.waiters, arguments.timeout)
                entry = results.setdefault((mode, reader), {"latencies": [], "wrong": 0})
                entry["latencies"] += latencies
                entry["wrong"] += wrong

    print(f"{arguments.waiters} waiters in parallel, one phone each, {arguments.rounds} rounds, {arguments.backlog} codes for nobody in the shared inbox;"
          " seconds from Publish to the code printed")
    print(f"{'inbox':<9} {'reader':<12} {'median':>7} {'p90':>7} {'worst':>7} {'wrong or missing':>17}")
    for (mode, reader), entry in sorted(results.items()):
        values = sorted(entry["latencies"]) or [float("nan")]
        p90 = values[min(len(values) - 1, int(0.9 * len(values)))]
        print(f"{mode:<9} {reader:<12} {statistics.median(values):7.2f} {p90:7.2f} {max(values):7.2f} {entry['wrong']:>17}")
    for mode in ["shared", "per-run"]:
        ours, peer = results[(mode, "smsredirect")]["latencies"], results[(mode, "python")]["latencies"]
        if ours and peer:
            print(f"{mode}: smsredirect median / python median = {statistics.median(ours) / statistics.median(peer):.2f}, "
                  f"worst / worst = {max(ours) / max(peer):.2f}")
    return 1 if any(entry["wrong"] for entry in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
