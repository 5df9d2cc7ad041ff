#!/usr/bin/env python3
"""Times the Python AWS Encryption SDK decrypting one message, in-process.

Usage: esdk_bench.py --key-file RAW_AES_KEY --namespace NS --key-name NAME --iterations N < message.b64
Prints one JSON object: {"iterations": N, "seconds": total, "per_op_us": ..., "ops_per_s": ...}.
"""
import argparse
import base64
import json
import sys
import time

import aws_encryption_sdk
from aws_encryption_sdk.identifiers import CommitmentPolicy, EncryptionKeyType, WrappingAlgorithm
from aws_encryption_sdk.internal.crypto.wrapping_keys import WrappingKey
from aws_encryption_sdk.key_providers.raw import RawMasterKey

WRAP = {16: WrappingAlgorithm.AES_128_GCM_IV12_TAG16_NO_PADDING,
        24: WrappingAlgorithm.AES_192_GCM_IV12_TAG16_NO_PADDING,
        32: WrappingAlgorithm.AES_256_GCM_IV12_TAG16_NO_PADDING}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--key-file", required=True)
    p.add_argument("--namespace", required=True)
    p.add_argument("--key-name", required=True)
    p.add_argument("--iterations", type=int, default=2000)
    a = p.parse_args()
    key = open(a.key_file, "rb").read()
    message = base64.b64decode(sys.stdin.read().strip())
    mk = RawMasterKey(provider_id=a.namespace, key_id=a.key_name.encode(),
                      wrapping_key=WrappingKey(WRAP[len(key)], key, EncryptionKeyType.SYMMETRIC))
    client = aws_encryption_sdk.EncryptionSDKClient(commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT)
    for _ in range(max(10, a.iterations // 20)):  # warm-up
        client.decrypt(source=message, key_provider=mk)
    start = time.perf_counter()
    for _ in range(a.iterations):
        client.decrypt(source=message, key_provider=mk)
    seconds = time.perf_counter() - start
    json.dump({"iterations": a.iterations, "seconds": seconds, "per_op_us": seconds / a.iterations * 1e6,
               "ops_per_s": a.iterations / seconds}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
