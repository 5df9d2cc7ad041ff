"""Echo handler run under AWS's own runtime interface client (awslambdaric).

The Swift fidelity test serves this through the loopback Runtime API, to check that
the loopback server speaks the protocol the way Lambda does for AWS's own client.
"""

import os


class EchoError(Exception):
    """Raised on request, so the test can check errorType / errorMessage."""


def handler(event, context):
    if isinstance(event, dict) and "fail" in event:
        raise EchoError(event["fail"])
    return {
        "echo": event.get("echo") if isinstance(event, dict) else event,
        "requestId": context.aws_request_id,
        "invokedFunctionArn": context.invoked_function_arn,
        "functionName": context.function_name,
        "memoryLimitInMB": context.memory_limit_in_mb,
        "remainingMs": context.get_remaining_time_in_millis(),
        "traceIdEnvironment": os.environ.get("_X_AMZN_TRACE_ID"),
    }
