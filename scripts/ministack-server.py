#!/usr/bin/env python3
"""ministack, the CloudFormation engine of `make test-stack` and `make demo`, with one gap filled.

    .build/ministack-venv/bin/python scripts/ministack-server.py

Run by scripts/with-ministack.sh, with ministack's own settings in the environment (GATEWAY_PORT,
BIND_HOST, MINISTACK_HOST, AWS_ENDPOINT_URL). It starts ministack's own server (`ministack.app.main`)
after one change:

- A `provided.*` function's layers are unpacked, as Lambda unpacks them under /opt, into a folder
  of their own whose path the function gets as SMSREDIRECT_LAYER_ROOT (the sender's launcher reads
  it in place of /opt). ministack runs such a bootstrap on the host and unpacks no layer at all, so
  without this the deployed sender could never find its Encryption SDK layer. Only the layers the
  function's configuration lists are unpacked, in their order, later ones over earlier ones
  (https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html: "Lambda extracts the layer
  contents into the /opt directory"), so a sender the helper did not attach the layer to still
  fails as it would on Lambda.
- DescribeUserPool answers without the MFA factors' settings (SmsMfaConfiguration and its
  siblings), which ministack stores on the pool when SetUserPoolMfaConfig sets them and then lists
  among the pool's members. Cognito keeps them apart: UserPoolType has no such member
  (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolType.html),
  and GetUserPoolMfaConfig returns them. The helper refuses, rightly, a pool member it does not
  know (UpdateUserPool could reset it), so every pool with SMS MFA would fail the attach here.

- UpdateUserPool resets what the request leaves out, as Cognito does ("If you don't provide a value
  for an attribute, Amazon Cognito sets it to its default value":
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserPool.html).
  ministack keeps it, so a restore that forgot a member, or an attach that dropped one, would pass
  here and lose the member on AWS. A member is reset to what ministack's CreateUserPool stores
  when it is not given.

- GetFunctionEventInvokeConfig without a qualifier answers with the configuration of $LATEST, as
  Lambda does: the unqualified function is its unpublished version, $LATEST (the AWS CLI
  reference's put-function-event-invoke-config example, unqualified, answers with a FunctionArn
  ending in :$LATEST: https://docs.aws.amazon.com/cli/latest/reference/lambda/put-function-event-invoke-config.html).
  ministack files the template's `Qualifier: $LATEST` apart from the unqualified name, so
  `doctor` would not find the sender's on-failure destination.

Its SNS service logs the start of each message it publishes; a code record is such a message, so
that logger is held to warnings: the log is read by `make test-secrets`, and a code must not be in it.

Nothing else ministack does or answers changes; its other gaps are named in the tests that meet them.
"""

import copy
import hashlib
import io
import logging
import os
import shutil
import tempfile
import threading
import zipfile

from ministack.services import cognito, lambda_svc

LAYER_ROOTS = os.path.join(tempfile.gettempdir(), f"smsredirect-layers-{os.environ.get('GATEWAY_PORT', '4566')}")
_lock = threading.Lock()


def unpacked_layers(zips):
    """Unpacks the layer zips, in order, into one folder named by their contents; returns its path."""
    digest = hashlib.sha256(b"".join(hashlib.sha256(data).digest() for data in zips)).hexdigest()
    root = os.path.join(LAYER_ROOTS, digest)
    with _lock:
        if not os.path.isdir(root):
            partial = root + ".partial"
            shutil.rmtree(partial, ignore_errors=True)
            os.makedirs(partial)
            for data in zips:
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    for member in archive.infolist():
                        archive.extract(member, partial)
                        mode = member.external_attr >> 16
                        if mode and not member.is_dir():
                            os.chmod(os.path.join(partial, member.filename), mode & 0o777)
            os.rename(partial, root)
    return root


original_worker_environment = lambda_svc._provided_worker_env


def worker_environment_with_layers(config, code_dir, port):
    environment = original_worker_environment(config, code_dir, port)
    zips = [lambda_svc._resolve_layer_zip(layer) for layer in config.get("Layers") or []]
    zips = [data for data in zips if data]
    if zips:
        environment["SMSREDIRECT_LAYER_ROOT"] = unpacked_layers(zips)
    else:
        environment.pop("SMSREDIRECT_LAYER_ROOT", None)
    return environment


lambda_svc._provided_worker_env = worker_environment_with_layers

# GetUserPoolMfaConfig's members, not UserPoolType's.
MFA_FACTOR_SETTINGS = ("SmsMfaConfiguration", "SoftwareTokenMfaConfiguration", "EmailMfaConfiguration", "WebAuthnConfiguration")
original_pool_out = cognito._pool_out


def pool_as_cognito_describes_it(pool):
    return {key: value for key, value in original_pool_out(pool).items() if key not in MFA_FACTOR_SETTINGS}


cognito._pool_out = pool_as_cognito_describes_it

# What UpdateUserPool resets a member it is not sent to: the value ministack's CreateUserPool stores
# when the member is not given (None: no value, the member is absent). The tier is not here:
# ministack keeps an omitted tier, as Cognito keeps the pool's plan; nor are the tags, which
# UpdateUserPool's reference does not say it resets.
RESET_WHEN_LEFT_OUT = {
    "Policies": {
        "PasswordPolicy": {
            "MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True, "RequireNumbers": True, "RequireSymbols": True,
            "TemporaryPasswordValidityDays": 7,
        }
    },
    "AutoVerifiedAttributes": [], "SmsVerificationMessage": "", "EmailVerificationMessage": "", "EmailVerificationSubject": "",
    "SmsAuthenticationMessage": "", "MfaConfiguration": "OFF", "EmailConfiguration": {}, "SmsConfiguration": {},
    "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": False, "UnusedAccountValidityDays": 7}, "AccountRecoverySetting": {},
    "DeletionProtection": "INACTIVE", "LambdaConfig": {},
    "DeviceConfiguration": None, "UserPoolAddOns": None, "VerificationMessageTemplate": None, "UserAttributeUpdateSettings": None,
}
original_update_user_pool = cognito._update_user_pool


def update_user_pool_resetting_what_it_is_not_sent(data):
    response = original_update_user_pool(data)
    if response[0] < 400:
        pool = cognito._user_pools.get(data.get("UserPoolId"))
        for member, default in RESET_WHEN_LEFT_OUT.items():
            if pool is None or member in data:
                continue
            if default is None:
                pool.pop(member, None)
            elif member == "EmailConfiguration":
                pool[member] = cognito._email_configuration_out({})
            else:
                pool[member] = copy.deepcopy(default)
    return response


cognito._update_user_pool = update_user_pool_resetting_what_it_is_not_sent

original_event_invoke_config = lambda_svc._event_invoke_config


def event_invoke_config_with_latest_as_unqualified(func, qualifier):
    found = original_event_invoke_config(func, qualifier)
    if found is None and qualifier in (None, "", "$LATEST"):
        found = original_event_invoke_config(func, "$LATEST" if not qualifier else None)
    return found


lambda_svc._event_invoke_config = event_invoke_config_with_latest_as_unqualified

# The first 100 characters of every published message, codes among them, at INFO.
logging.getLogger("sns").setLevel(logging.WARNING)

if __name__ == "__main__":
    from ministack.app import main

    try:
        main()
    finally:
        shutil.rmtree(LAYER_ROOTS, ignore_errors=True)
