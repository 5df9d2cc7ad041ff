#!/usr/bin/env python3
"""Peer for the Swift EncryptionSDK cross-check: the Python AWS Encryption SDK
(aws-encryption-sdk==4.0.7, legacy raw master keys) encrypting and decrypting.

Subcommands
  encrypt  plaintext (base64) on stdin  -> message (base64) on stdout
  decrypt  message (base64) on stdin    -> plaintext (base64) on stdout
  batch    JSON list of jobs on stdin   -> JSON list of results on stdout
           (one process for many cases; each job has the same fields as the flags
            plus "op" and "data" (base64); each result is {"ok": bool, "data"|"error"})

Key options: --key-kind aes|rsa|kms, --key-file PATH (raw AES bytes, an RSA PEM, or for kms the key ARN),
--padding pkcs1|oaep-sha1|oaep-sha256|oaep-sha384|oaep-sha512, --namespace, --key-name.
Nothing secret is printed except the requested output.
"""
import argparse
import base64
import json
import sys

import aws_encryption_sdk
from aws_encryption_sdk.identifiers import Algorithm, CommitmentPolicy, EncryptionKeyType, WrappingAlgorithm
from aws_encryption_sdk.internal.crypto.wrapping_keys import WrappingKey
from aws_encryption_sdk.key_providers.raw import RawMasterKey

AES_WRAPPING = {
    16: WrappingAlgorithm.AES_128_GCM_IV12_TAG16_NO_PADDING,
    24: WrappingAlgorithm.AES_192_GCM_IV12_TAG16_NO_PADDING,
    32: WrappingAlgorithm.AES_256_GCM_IV12_TAG16_NO_PADDING,
}
RSA_WRAPPING = {
    "pkcs1": WrappingAlgorithm.RSA_PKCS1,
    "oaep-sha1": WrappingAlgorithm.RSA_OAEP_SHA1_MGF1,
    "oaep-sha256": WrappingAlgorithm.RSA_OAEP_SHA256_MGF1,
    "oaep-sha384": WrappingAlgorithm.RSA_OAEP_SHA384_MGF1,
    "oaep-sha512": WrappingAlgorithm.RSA_OAEP_SHA512_MGF1,
}


def master_key(job):
    if job["key_kind"] == "kms":
        # boto3 reads AWS_ENDPOINT_URL (the moto server in tests) and the credentials from the environment.
        return aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(key_ids=[job["key_file"]])
    with open(job["key_file"], "rb") as f:
        material = f.read()
    if job["key_kind"] == "aes":
        wrapping = WrappingKey(AES_WRAPPING[len(material)], material, EncryptionKeyType.SYMMETRIC)
    else:
        kind = EncryptionKeyType.PRIVATE if b"PRIVATE KEY" in material else EncryptionKeyType.PUBLIC
        wrapping = WrappingKey(RSA_WRAPPING[job["padding"]], material, kind)
    return RawMasterKey(provider_id=job["namespace"], key_id=job["key_name"].encode(), wrapping_key=wrapping)


def run(job):
    data = base64.b64decode(job["data"])
    if job["op"] == "encrypt":
        suite = Algorithm.get_by_id(int(job["suite"], 16))
        policy = (CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT if suite.is_committing()
                  else CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT)
        client = aws_encryption_sdk.EncryptionSDKClient(commitment_policy=policy)
        out, _ = client.encrypt(source=data, key_provider=master_key(job), algorithm=suite,
                                frame_length=int(job.get("frame_length", 4096)),
                                encryption_context=json.loads(job.get("encryption_context") or "{}"))
    else:
        client = aws_encryption_sdk.EncryptionSDKClient(commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT)
        out, _ = client.decrypt(source=data, key_provider=master_key(job))
    return base64.b64encode(out).decode()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("op", choices=["encrypt", "decrypt", "batch"])
    p.add_argument("--key-kind", choices=["aes", "rsa", "kms"], default="aes")
    p.add_argument("--key-file")
    p.add_argument("--padding", default="oaep-sha256")
    p.add_argument("--namespace", default="esdk-peer")
    p.add_argument("--key-name", default="peer-key")
    p.add_argument("--suite", default="0x0578")
    p.add_argument("--frame-length", default="4096")
    p.add_argument("--encryption-context", default="{}", help="JSON object")
    a = p.parse_args()
    if a.op == "batch":
        results = []
        for job in json.load(sys.stdin):
            try:
                results.append({"ok": True, "data": run(job)})
            except Exception as e:  # report per job; the caller decides
                results.append({"ok": False, "error": f"{type(e).__name__}: {e}"})
        json.dump(results, sys.stdout)
        return 0
    job = {"op": a.op, "key_kind": a.key_kind, "key_file": a.key_file, "padding": a.padding,
           "namespace": a.namespace, "key_name": a.key_name, "suite": a.suite,
           "frame_length": a.frame_length, "encryption_context": a.encryption_context,
           "data": sys.stdin.read().strip()}
    try:
        sys.stdout.write(run(job) + "\n")
    except Exception as e:
        sys.stderr.write(f"{type(e).__name__}: {e}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
