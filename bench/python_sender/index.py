"""The benchmark's Python peer: a CustomSMSSender Lambda of the AWS sample's shape.

Like the sample's `index.handler` (python3.x runtime, aws-encryption-sdk layer), it decrypts
`event["request"]["code"]` with the AWS Encryption SDK, bound to KMS_KEY_ARN by a strict KMS
master key provider, and publishes the code to SNS_TOPIC_ARN with boto3. What it publishes is
what the Swift sender publishes (SMSSender's CodeRecord and SNSCodePublisher), so both do the
same work per invocation. Unlike the sample, the SNS client is made once, at import, as the
Swift sender's is: the kinder choice for Python's warm latency.

Run under the runtime interface client: `python3 -m awslambdaric index.handler`.
"""

import base64
import datetime
import json
import logging
import os

import aws_encryption_sdk
import boto3
from aws_encryption_sdk import CommitmentPolicy

logger = logging.getLogger()
logger.setLevel(logging.INFO)

KMS_KEY_ARN = os.environ["KMS_KEY_ARN"]
SNS_TOPIC_ARN = os.environ["SNS_TOPIC_ARN"]
SUBJECT = "Cognito Lambda-based SMS messaging testing stack"

# Made at import, so the cold start pays for them (botocore honours AWS_ENDPOINT_URL).
esdk = aws_encryption_sdk.EncryptionSDKClient(commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT)
key_provider = aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(key_ids=[KMS_KEY_ARN])
sns = boto3.client("sns")

PURPOSES = {
    "SignUp": "sign-up verification code",
    "ResendCode": "sign-up verification code (resent)",
    "ForgotPassword": "password reset code",
    "UpdateUserAttribute": "code to confirm a changed attribute",
    "VerifyUserAttribute": "attribute verification code",
    "AdminCreateUser": "temporary password",
    "Authentication": "MFA sign-in code",
    "AccountTakeOverNotification": "account takeover notification",
}


def decrypt_code(ciphertext_b64):
    plaintext, _header = esdk.decrypt(source=base64.b64decode(ciphertext_b64), key_provider=key_provider)
    return plaintext.decode("utf-8")


def code_record(event, code):
    """The record the inbox gets: the same fields as the Swift sender's CodeRecord."""
    source = event["triggerSource"]
    attributes = event["request"].get("userAttributes") or {}
    record = {
        "code": code,
        "purpose": PURPOSES.get(source.split("_", 1)[-1], "code"),
        "triggerSource": source,
        "channel": "sms" if source.startswith("CustomSMSSender_") else "email",
        "userPoolId": event["userPoolId"],
        "userName": event["userName"],
        "clientId": (event.get("callerContext") or {}).get("clientId"),
        "clientMetadata": event["request"].get("clientMetadata") or {},
        "region": event["region"],
        "time": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    for name, key in (("phoneNumber", "phone_number"), ("email", "email")):
        if attributes.get(key) is not None:
            record[name] = attributes[key]
    if record["clientId"] is None:
        del record["clientId"]
    return record


def email_text(record):
    purpose = record["purpose"]
    lines = [f"{purpose[:1].upper()}{purpose[1:]}: {record['code']}", "", f"User: {record['userName']}"]
    if "phoneNumber" in record:
        lines.append(f"Phone number: {record['phoneNumber']}")
    if "email" in record and (record["channel"] == "email" or "phoneNumber" not in record):
        lines.append(f"Email: {record['email']}")
    lines += [
        f"User pool: {record['userPoolId']} ({record['region']})",
        f"Trigger: {record['triggerSource']}",
        f"Time: {record['time']}",
        "",
        f"Cognito would have sent this by {'SMS' if record['channel'] == 'sms' else 'email'}; "
        "CognitoSMSRedirect delivered it here instead.",
    ]
    return "\n".join(lines)


def handler(event, context):
    logger.info("triggerSource is %s", event["triggerSource"])
    record = code_record(event, decrypt_code(event["request"]["code"]))
    body = json.dumps(record, sort_keys=True, separators=(",", ":"))
    attributes = {
        "trigger_source": record["triggerSource"],
        "user_pool_id": record["userPoolId"],
        "username": record["userName"],
    }
    if "phoneNumber" in record:
        attributes["phone_number"] = record["phoneNumber"]
    response = sns.publish(
        TopicArn=SNS_TOPIC_ARN,
        Subject=SUBJECT,
        MessageStructure="json",
        Message=json.dumps({"default": body, "sqs": body, "email": email_text(record)}),
        MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
    )
    # Never the code or the ciphertext in the log: only that it went.
    logger.info("code delivered, messageId %s", response["MessageId"])
    return {"messageId": response["MessageId"], "triggerSource": record["triggerSource"]}
