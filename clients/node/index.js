// CognitoSMSRedirect's code inbox from JavaScript: runs the `smsredirect` CLI with --json and
// returns its records. No dependencies: the CLI does the AWS part (credentials, SigV4, SQS), as
// it does for every other test framework.
import { execFile } from "node:child_process";

/** No matching code arrived before the timeout (wait-code's exit status 2). */
export class NoCodeArrivedError extends Error {
  constructor(message) {
    super(message);
    this.name = "NoCodeArrivedError";
  }
}

/** A code arrived that expectNone said must not (expect-none's exit status 1); `records` holds them. */
export class CodeArrivedError extends Error {
  constructor(message, records) {
    super(message);
    this.name = "CodeArrivedError";
    this.records = records;
  }
}

/** The CLI refused or failed otherwise: bad options (64), no credentials, an unreachable queue. */
export class SmsRedirectError extends Error {
  constructor(message, exitCode) {
    super(message);
    this.name = "SmsRedirectError";
    this.exitCode = exitCode;
  }
}

const FILTERS = [
  ["phone", "--phone"],
  ["email", "--email"],
  ["username", "--username"],
  ["userPoolId", "--user-pool-id"],
  ["trigger", "--trigger"],
];

/** Seconds for the CLI: a number of seconds, or a string it reads itself ("90s", "5m"). */
function duration(value, name) {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number of seconds, not ${value}`);
    return String(Math.ceil(value));
  }
  if (typeof value === "string" && value.length > 0) return value;
  throw new TypeError(`${name} must be seconds (a number) or a duration such as "90s" or "5m"`);
}

function since(value) {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "string") return value;
  throw new TypeError('since must be a Date, an ISO 8601 time, or a duration ago such as "-5m"');
}

function filterArguments(options) {
  const args = ["--queue-url", requiredString(options.queueUrl ?? process.env.SMSREDIRECT_QUEUE_URL, "queueUrl (or SMSREDIRECT_QUEUE_URL)")];
  for (const [key, flag] of FILTERS) {
    if (options[key] !== undefined) args.push(flag, requiredString(options[key], key));
  }
  if (options.since !== undefined) args.push(`--since=${since(options.since)}`);
  if (options.any) args.push("--any");
  return args;
}

function requiredString(value, name) {
  if (typeof value !== "string" || value.length === 0) throw new TypeError(`${name} must be a non-empty string`);
  return value;
}

/** Runs the CLI; resolves with its exit code and output (the CLI's own errors are words on stderr). */
function run(args, options) {
  const cli = options.cli ?? process.env.SMSREDIRECT_CLI ?? "smsredirect";
  return new Promise((resolve, reject) => {
    execFile(cli, args, { env: { ...process.env, ...(options.env ?? {}) }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") {
        reject(new SmsRedirectError(`could not run ${cli}: ${error.message} (install the smsredirect CLI, or set SMSREDIRECT_CLI or the cli option)`, undefined));
        return;
      }
      resolve({ exitCode: error ? error.code : 0, stdout, stderr: stderr.trim() });
    });
  });
}

function records(stdout) {
  return stdout
    .split("\n")
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line));
}

/**
 * Waits for a code in the inbox, as `smsredirect wait-code` does: the newest matching record by
 * default, `which: "oldest"` the oldest, `which: "all"` an array of every one, oldest first.
 */
export async function waitForCode(options = {}) {
  const which = options.which ?? "newest";
  if (!["newest", "oldest", "all"].includes(which)) throw new TypeError(`which must be "newest", "oldest" or "all", not ${which}`);
  const args = ["wait-code", ...filterArguments(options), "--which", which, "--json"];
  if (options.timeout !== undefined) args.push("--timeout", duration(options.timeout, "timeout"));
  if (options.failuresQueueUrl !== undefined) args.push("--failures-queue-url", requiredString(options.failuresQueueUrl, "failuresQueueUrl"));
  const { exitCode, stdout, stderr } = await run(args, options);
  if (exitCode === 2) throw new NoCodeArrivedError(stderr.replace(/^wait-code: /, ""));
  if (exitCode !== 0) throw new SmsRedirectError(stderr || `smsredirect wait-code exited ${exitCode}`, exitCode);
  // newest and oldest print one pretty-printed record; all prints one record a line.
  return which === "all" ? records(stdout) : JSON.parse(stdout);
}

/**
 * Listens for `duration` (seconds, or "30s") and resolves when no matching code arrived; rejects
 * with CodeArrivedError holding the records that did. Consumes nothing.
 */
export async function expectNone(options = {}) {
  const args = ["expect-none", ...filterArguments(options), "--for", duration(options.duration ?? 30, "duration"), "--json"];
  const { exitCode, stdout, stderr } = await run(args, options);
  if (exitCode === 0) return;
  if (exitCode === 1) {
    const arrived = records(stdout);
    if (arrived.length > 0) throw new CodeArrivedError(stderr.replace(/^expect-none: /, ""), arrived);
  }
  throw new SmsRedirectError(stderr || `smsredirect expect-none exited ${exitCode}`, exitCode);
}
