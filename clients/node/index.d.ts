/** A code record, as the sender publishes it (schemas/code-record.schema.json). */
export interface CodeRecord {
  /** The plaintext code; absent for a notification Cognito sends without one. */
  code?: string;
  /** In words: "sign-up verification code", "MFA sign-in code", … */
  purpose: string;
  /** Cognito's trigger source, e.g. "CustomSMSSender_SignUp". */
  triggerSource: string;
  channel: "sms" | "email";
  userPoolId: string;
  userName: string;
  phoneNumber?: string;
  email?: string;
  clientId?: string;
  clientMetadata: Record<string, string>;
  region: string;
  /** When the sender handled it, ISO 8601. */
  time: string;
}

/** What waitForCode returns for which: "newest" or "oldest": the record, with the others the wait took. */
export interface WaitedRecord extends CodeRecord {
  /** With which: "newest": the older matching codes it superseded, oldest first. */
  superseded?: CodeRecord[];
  /** With which: "oldest": the newer matching codes, oldest first. */
  newer?: CodeRecord[];
}

/** Whose codes: one of phone, email, username or userPoolId (or any, for an inbox no one else reads). */
export interface CodeFilter {
  /** The code inbox queue URL (the stack's CodeInboxQueueUrl output); default: SMSREDIRECT_QUEUE_URL. */
  queueUrl?: string;
  /** E.164, e.g. "+15555550100". */
  phone?: string;
  email?: string;
  username?: string;
  userPoolId?: string;
  /** "SignUp", "Authentication", "ForgotPassword", … (any case), or a full trigger source. */
  trigger?: string;
  /** Only codes handled since then: a Date, an ISO 8601 time, or a duration ago such as "-5m". */
  since?: Date | string;
  /** Any code at all: only for an inbox no one else reads. */
  any?: boolean;
  /** The smsredirect executable (default: SMSREDIRECT_CLI, else smsredirect on PATH). */
  cli?: string;
  /** Extra environment for the CLI (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, …). */
  env?: Record<string, string>;
}

export interface WaitOptions extends CodeFilter {
  /** Seconds, or a duration such as "90s" or "5m" (default 60). */
  timeout?: number | string;
  /** The stack's SenderFailuresQueueUrl: a timeout then says whether the sender failed. */
  failuresQueueUrl?: string;
  which?: "newest" | "oldest";
}

export interface WaitAllOptions extends Omit<WaitOptions, "which"> {
  which: "all";
}

export interface ExpectNoneOptions extends CodeFilter {
  /** How long to listen: seconds, or a duration such as "30s" (default 30). */
  duration?: number | string;
}

export declare function waitForCode(options: WaitAllOptions): Promise<CodeRecord[]>;
export declare function waitForCode(options?: WaitOptions): Promise<WaitedRecord>;
export declare function expectNone(options?: ExpectNoneOptions): Promise<void>;

export declare class NoCodeArrivedError extends Error {}
export declare class CodeArrivedError extends Error {
  records: CodeRecord[];
}
export declare class SmsRedirectError extends Error {
  exitCode: number | undefined;
}
