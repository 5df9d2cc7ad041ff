"""A stand-in for the AWS sample's custom-resource helper Lambda, for `make bench-helper`.

The sample ("Amazon Cognito User Pool Development and Testing with SMS Redirected to Email",
aws-samples on GitHub) builds the AWS Encryption SDK layer inside its helper on every Create.
This module does the same steps, in the same order, against whatever AWS_ENDPOINT_URL names
(moto in the benchmark), written for this project:

  Create  pip install the Encryption SDK into a temp dir, zip it, PublishLayerVersion (ZipFile),
          UpdateFunctionConfiguration (Layers = [that version]), DescribeUserPool, UpdateUserPool
          with LambdaConfig.CustomSMSSender + KMSKeyID, then PUT the response to the ResponseURL.
  Update  answer SUCCESS with the same PhysicalResourceId, nothing else.
  Delete  DeleteLayerVersion of the PhysicalResourceId (the sample does not take the layer off
          the function), DescribeUserPool, UpdateUserPool without CustomSMSSender and KMSKeyID,
          then PUT the response.

One deliberate difference: pip installs from local wheels (BENCH_WHEELS, filled beforehand with
`pip download`) with --no-index, so a timed run fetches nothing from the network. The sample's
pip downloads from PyPI each time, so the real thing is slower than this stand-in, not faster.

Run it as a Lambda: `python -m awslambdaric sample_helper.handler` with PYTHONPATH=bench, e.g.
through `smsredirect invoke`. Like the sample, the pool, key and sender come from the environment
(USER_POOL_ID, KMS_KEY_ARN, CUSTOM_SMS_SENDER_LAMBDA_ARN), the layer from the resource properties
(LayerName, Package, TargetLambda).
"""

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request

import boto3

# Members of DescribeUserPool's answer that UpdateUserPool does not take: the sample drops
# exactly these and sends everything else back.
NOT_UPDATABLE = {
    "Id", "Name", "LastModifiedDate", "CreationDate", "SchemaAttributes", "UsernameAttributes",
    "EstimatedNumberOfUsers", "Domain", "UsernameConfiguration", "Arn", "AliasAttributes",
    "CustomDomain", "SmsConfigurationFailure", "EmailConfigurationFailure", "Status",
}

LAYER_VERSION_ARN = re.compile(r"arn:[^:]+:lambda:[^:]+:\d+:layer:(?P<name>[^:]+):(?P<version>\d+)")


def update_request(pool, attach):
    """The UpdateUserPool arguments: the described pool less NOT_UPDATABLE, LambdaConfig edited."""
    policy = pool.get("Policies", {}).get("PasswordPolicy", {})
    admin = pool.get("AdminCreateUserConfig", {})
    # The deprecated UnusedAccountValidityDays mirrors TemporaryPasswordValidityDays: send one.
    if "TemporaryPasswordValidityDays" in policy and admin.get("UnusedAccountValidityDays") == policy["TemporaryPasswordValidityDays"]:
        admin.pop("UnusedAccountValidityDays")
    request = {"UserPoolId": pool["Id"]}
    for member, value in pool.items():
        if member in NOT_UPDATABLE:
            continue
        if member == "LambdaConfig":
            if attach:
                value["CustomSMSSender"] = {"LambdaVersion": "V1_0", "LambdaArn": os.environ["CUSTOM_SMS_SENDER_LAMBDA_ARN"]}
                value["KMSKeyID"] = os.environ["KMS_KEY_ARN"]
            else:
                value.pop("CustomSMSSender", None)
                value.pop("KMSKeyID", None)
        request[member] = value
    return request


def set_custom_sms_sender(attach):
    cognito = boto3.client("cognito-idp")
    pool = cognito.describe_user_pool(UserPoolId=os.environ["USER_POOL_ID"])["UserPool"]
    cognito.update_user_pool(**update_request(pool, attach))


def publish_and_attach_layer(properties, lambda_client):
    package = properties["Package"]
    with tempfile.TemporaryDirectory() as scratch:
        root = pathlib.Path(scratch)
        target = root / "lib" / "python"
        pip = [sys.executable, "-m", "pip", "install", package, "-t", str(target), "--disable-pip-version-check"]
        wheels = os.environ.get("BENCH_WHEELS")
        if wheels:
            pip += ["--no-index", "--find-links", wheels]
        subprocess.check_call(pip, stdout=sys.stderr)
        archive = pathlib.Path(shutil.make_archive(str(root / "archive"), format="zip", root_dir=str(target.parent)))
        layer = lambda_client.publish_layer_version(
            LayerName=properties["LayerName"], Description=package,
            Content={"ZipFile": archive.read_bytes()},
            CompatibleRuntimes=["python%d.%d" % sys.version_info[:2]],
        )
    arn = layer["LayerVersionArn"]
    lambda_client.update_function_configuration(FunctionName=properties["TargetLambda"], Layers=[arn])
    return arn


def delete_layer(version_arn, lambda_client):
    match = LAYER_VERSION_ARN.fullmatch(version_arn)
    if not match:
        raise ValueError("not a layer version ARN: %s" % version_arn)
    lambda_client.delete_layer_version(LayerName=match["name"], VersionNumber=int(match["version"]))


def respond(event, context, status, physical_id, reason=None):
    """What cfnresponse.send does: one PUT of the response document to the presigned ResponseURL."""
    stream = getattr(context, "log_stream_name", "local")
    body = json.dumps({
        "Status": status, "Reason": reason or "See the details in CloudWatch Log Stream: %s" % stream,
        "PhysicalResourceId": physical_id or stream, "StackId": event["StackId"], "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"], "NoEcho": False, "Data": {},
    }).encode()
    request = urllib.request.Request(event["ResponseURL"], data=body, method="PUT",
                                     headers={"Content-Type": "", "Content-Length": str(len(body))})
    with urllib.request.urlopen(request, timeout=60) as answer:
        answer.read()


def handler(event, context):
    kind = event["RequestType"]
    lambda_client = boto3.client("lambda")
    physical_id = event.get("PhysicalResourceId")
    try:
        if kind == "Create":
            physical_id = publish_and_attach_layer(event["ResourceProperties"], lambda_client)
            set_custom_sms_sender(attach=True)
        elif kind == "Delete":
            delete_layer(physical_id, lambda_client)
            set_custom_sms_sender(attach=False)
        respond(event, context, "SUCCESS", physical_id)
        return {"Status": "SUCCESS", "PhysicalResourceId": physical_id}
    except Exception as error:  # the sample answers FAILED on any error, with str(error) as the reason
        print("Internal Failure: %r" % (error,), file=sys.stderr)
        respond(event, context, "FAILED", physical_id, reason=str(error))
        return {"Status": "FAILED", "PhysicalResourceId": physical_id}
