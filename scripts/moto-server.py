#!/usr/bin/env python3
"""moto's server for the tests, with what `moto_server` lacks for a busy 2-core machine.

    moto-server.py --port-file FILE [--latency-log FILE] [--recording FILE] [--warm SERVICE,...] [--as-shipped]

It serves moto's own WSGI application (the one `moto_server` runs) on 127.0.0.1, threaded, and:

- `--latency-log FILE`: one JSON line per request (when it started, how long it took, the
  operation, the status), so a slow run can be read afterwards (`scripts/moto-latency.py`).
- `--recording FILE`: the requests the IAM contract and botocore's validator read, one JSON object a
  line in moto's recorder format, written whole under a lock. moto's own recorder serialises every
  body, Lambda zips and journal objects included, as base64 JSON while it holds the interpreter
  lock, and its entries from parallel threads can run together. Bodies nobody reads (S3 object
  bodies, and any other than awsJson's over RECORDED_BODY_LIMIT: a zip) are left out, their size kept.
- `GET /_smsredirect/sns/sms-messages`: the SMS moto's SNS sent (Publish with PhoneNumber), which
  moto keeps in its backend and no AWS API returns (the RedirectOnly tests read them).
- `--warm`: before the port opens, builds the backend of each named service for the test account
  and region (moto builds them lazily on first use, under a lock that every request takes; IAM's,
  with every AWS managed policy, took tens of seconds on a loaded machine).

The port opens only when the server is ready, so a client that can connect is answered. It is
a free port the system picks then, written to `--port-file` (a port picked earlier, before a
warm-up of tens of seconds, could be taken by another process meanwhile).

Two of moto's costs are paid lazily here (see `lighten`); nothing moto answers changes.
"""

import argparse
import base64
import io
import json
import os
import sys
import threading
import time

RECORDED_BODY_LIMIT = 256 * 1024
# GET here lists the SMS moto's SNS sent (see Observed._sms_messages).
SMS_PATH = "/_smsredirect/sns/sms-messages"


class Observed:
    """WSGI middleware: times each request and records it, around moto's application."""

    def __init__(self, app, latency_log, recording):
        self.app = app
        self.lock = threading.Lock()
        self.latency = open(latency_log, "a", buffering=1) if latency_log else None
        self.recording = open(recording, "a", buffering=1) if recording else None

    def __call__(self, environ, start_response):
        started = time.time()
        body = b""
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length or environ.get("wsgi.input_terminated"):
            # A chunked body has no length; werkzeug ends its stream there (wsgi.input_terminated).
            body = environ["wsgi.input"].read(length) if length else environ["wsgi.input"].read()
            environ["wsgi.input"] = io.BytesIO(body)
        status_holder = {}
        if environ.get("PATH_INFO") == SMS_PATH:
            return self._sms_messages(start_response)

        def observing_start_response(status, headers, exc_info=None):
            status_holder["status"] = status.split(" ", 1)[0]
            return start_response(status, headers, exc_info)

        try:
            response = self.app(environ, observing_start_response)
            # Materialise the body so the time covers the whole answer, not just its start.
            chunks = list(response)
            if hasattr(response, "close"):
                response.close()
            return chunks
        finally:
            self._log(environ, body, started, status_holder.get("status", "000"))

    def _sms_messages(self, start_response):
        """What SNS sent as SMS (Publish with PhoneNumber), which moto keeps in its backend only
        and no API returns: every account and region, oldest first, for the RedirectOnly tests."""
        from moto.sns.models import sns_backends

        sent = []
        for account_id, regions in list(sns_backends.items()):
            for region, backend in list(regions.items()):
                for message_id, (phone_number, message) in list(backend.sms_messages.items()):
                    sent.append({"messageId": message_id, "phoneNumber": phone_number, "message": message, "region": region})
        body = json.dumps(sent).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    def _operation(self, environ, body):
        target = environ.get("HTTP_X_AMZ_TARGET")
        if target:
            return target.rsplit(".", 1)[-1]
        text = body[:4096].decode("latin-1") if body else environ.get("QUERY_STRING", "")
        for part in text.split("&"):
            if part.startswith("Action="):
                return part[len("Action=") :]
        return f'{environ.get("REQUEST_METHOD")} {environ.get("PATH_INFO", "")[:80]}'

    def _service(self, environ):
        authorization = environ.get("HTTP_AUTHORIZATION", "")
        marker = "Credential="
        if marker in authorization:
            scope = authorization.split(marker, 1)[1].split(",", 1)[0].split("/")
            if len(scope) == 5:
                return scope[3]
        return "-"

    def _log(self, environ, body, started, status):
        elapsed_ms = (time.time() - started) * 1000
        path = environ.get("PATH_INFO", "")
        if path.startswith("/moto-api/") and not self.latency:
            return
        line = None
        if self.latency:
            line = json.dumps(
                {
                    "start": round(started, 3),
                    "ms": round(elapsed_ms, 1),
                    "service": self._service(environ),
                    "op": self._operation(environ, body),
                    "status": status,
                    "bytes": len(body),
                    "threads": threading.active_count(),
                }
            )
        entry = None
        if self.recording and not path.startswith("/moto-api/"):
            entry = self._recorded(environ, body, path)
        with self.lock:
            if line:
                self.latency.write(line + "\n")
            if entry:
                self.recording.write(entry + "\n")

    def _recorded(self, environ, body, path):
        headers = {}
        for name, value in environ.items():
            if name.startswith("HTTP_"):
                headers[name[5:].replace("_", "-").title()] = value
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        query = environ.get("QUERY_STRING", "")
        host = environ.get("HTTP_HOST", "127.0.0.1")
        url = f"http://{host}{environ.get('RAW_URI') or path}"
        if query and "?" not in url:
            url += "?" + query
        service = self._service(environ)
        entry = {"headers": headers, "method": environ.get("REQUEST_METHOD", "GET"), "url": url}
        # awsJson bodies (an X-Amz-Target) are kept whatever their size: botocore's validator reads them.
        large = len(body) > RECORDED_BODY_LIMIT and not environ.get("HTTP_X_AMZ_TARGET")
        if (service == "s3" and environ.get("REQUEST_METHOD") in ("PUT", "POST")) or large:
            entry.update({"body": "", "body_encoded": False, "body_omitted_bytes": len(body)})
        else:
            try:
                entry.update({"body": body.decode("utf-8"), "body_encoded": False})
            except UnicodeDecodeError:
                entry.update({"body": base64.b64encode(body).decode("ascii"), "body_encoded": True})
        return json.dumps(entry)


# The services the tests call, each with one cheap read that makes moto build its backend.
WARM_UP = {
    "sts": ("sts", "Action=GetCallerIdentity&Version=2011-06-15", None),
    "iam": ("iam", "Action=ListRoles&Version=2010-05-08", None),
    "kms": ("kms", "{}", "TrentService.ListKeys"),
    "sns": ("sns", "Action=ListTopics&Version=2010-03-31", None),
    "sqs": ("sqs", "{}", "AmazonSQS.ListQueues"),
    "cognito-idp": ("cognito-idp", '{"MaxResults": 1}', "AWSCognitoIdentityProviderService.ListUserPools"),
    "cloudformation": ("cloudformation", "Action=ListStacks&Version=2010-05-15", None),
}


def warm(app, services, region):
    """Sends each service its cheap read through the application itself, before the port opens."""
    from werkzeug.test import Client

    client = Client(app)
    scope = f"testing/20260101/{region}/{{service}}/aws4_request"
    for name in services:
        if name == "s3":
            client.get("/", headers={"Authorization": f"AWS4-HMAC-SHA256 Credential={scope.format(service='s3')}, SignedHeaders=host, Signature=0"})
            continue
        if name == "lambda":
            client.get(
                "/2015-03-31/functions/",
                headers={"Authorization": f"AWS4-HMAC-SHA256 Credential={scope.format(service='lambda')}, SignedHeaders=host, Signature=0"},
            )
            continue
        if name not in WARM_UP:
            sys.exit(f"moto-server.py: no warm-up known for the service {name!r}")
        signing_name, body, target = WARM_UP[name]
        headers = {"Authorization": f"AWS4-HMAC-SHA256 Credential={scope.format(service=signing_name)}, SignedHeaders=host, Signature=0"}
        if target:
            headers["X-Amz-Target"] = target
            headers["Content-Type"] = "application/x-amz-json-1.1" if signing_name != "sqs" else "application/x-amz-json-1.0"
        else:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        answer = client.post("/", data=body, headers=headers)
        if answer.status_code >= 500:
            sys.exit(f"moto-server.py: warming {name} failed: {answer.status_code} {answer.get_data(as_text=True)[:300]}")
    # The warm-up's requests are not the clients': a server started with INITIAL_NO_AUTH_ACTION_COUNT
    # starts counting its unauthenticated actions from here.
    from moto.core.authorization import ActionAuthenticatorMixin

    ActionAuthenticatorMixin.request_count = 0


def lighten():
    """Takes two fixed CPU costs off moto's busiest writes, measured with cProfile in one process.

    Every request of this server shares one Python interpreter lock, so a write that burns CPU
    holds up every other answer: at the start of `make test`, 50 CreateKey and 40 CreateUserPool
    calls arrive at once and the rest queued behind them for seconds, past the tests' timeouts on
    a busy machine.
    - KMS CreateKey generates a 2048-bit RSA key for every key, symmetric ones included (40 ms to
      over 100 ms each); only Sign, Verify and GetPublicKey of asymmetric keys read it. Here it is
      generated when first read.
    - Cognito CreateUserPool parses the same bundled JWKS private key for every pool (90 ms each).
      Here it is parsed once and shared: every pool signs its tokens with that one key anyway.
    """
    import moto.cognitoidp.models as cognito
    import moto.kms.models as kms

    generate = kms.generate_private_key

    class GeneratedOnFirstUse:
        def __init__(self, key_spec):
            self._key_spec = key_spec
            self._key = None
            self._lock = threading.Lock()

        def __getattr__(self, name):
            with self._lock:
                if self._key is None:
                    self._key = generate(self._key_spec)
            return getattr(self._key, name)

    kms.generate_private_key = GeneratedOnFirstUse
    import_key = cognito.jwk.RSAKey.import_key
    parsed = {}

    def import_key_once(value, *args, **kwargs):
        if args or kwargs or not isinstance(value, (str, bytes, dict)):
            return import_key(value, *args, **kwargs)
        text = json.dumps(value, sort_keys=True) if isinstance(value, dict) else value
        if text not in parsed:
            parsed[text] = import_key(value)
        return parsed[text]

    cognito.jwk.RSAKey.import_key = import_key_once


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port-file", required=True, help="where to write the port, once the server listens")
    parser.add_argument("--latency-log")
    parser.add_argument("--recording")
    parser.add_argument("--warm", default="", help="comma-separated services to build before the port opens")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument(
        "--as-shipped", action="store_true", help="moto's costs as `moto_server` has them (no `lighten`): the comparison for a measurement")
    args = parser.parse_args()

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    if not args.as_shipped:
        lighten()
    application = DomainDispatcherApplication(create_backend_app)
    started = time.time()
    services = [name for name in args.warm.split(",") if name]
    warm(application, services, args.region)
    if services:
        print(f"moto-server.py: warmed {', '.join(services)} in {time.time() - started:.1f} s", file=sys.stderr, flush=True)
    server = make_server("127.0.0.1", 0, Observed(application, args.latency_log, args.recording), threaded=True)
    # moto builds some URLs from MOTO_PORT when it answers; the port is known only now.
    os.environ["MOTO_PORT"] = str(server.server_port)
    with open(args.port_file + ".partial", "w") as port_file:
        port_file.write(f"{server.server_port}\n")
    os.replace(args.port_file + ".partial", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
