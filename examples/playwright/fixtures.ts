// A Playwright fixture: each test gets a phone number of its own and reads its codes from the
// CognitoSMSRedirect inbox (SMSREDIRECT_QUEUE_URL: the stack's CodeInboxQueueUrl output).
import { test as base } from "@playwright/test";
import { waitForCode, expectNone, type WaitOptions, type ExpectNoneOptions, type WaitedRecord } from "cognito-sms-redirect";

type Inbox = {
  /** A fictional E.164 number no other test uses: its codes are this test's alone. */
  phone: string;
  /** When the test started: codes of earlier runs are ignored. */
  started: Date;
  code(options?: Omit<WaitOptions, "phone" | "since">): Promise<WaitedRecord>;
  none(options?: Omit<ExpectNoneOptions, "phone" | "since">): Promise<void>;
};

export const test = base.extend<{ inbox: Inbox }>({
  inbox: async ({}, use, testInfo) => {
    const phone = `+1555${String(testInfo.workerIndex).padStart(2, "0")}${String(Date.now() % 100000).padStart(5, "0")}`;
    const started = new Date();
    await use({
      phone,
      started,
      code: (options = {}) => waitForCode({ phone, since: started, timeout: 60, ...options }),
      none: (options = {}) => expectNone({ phone, since: started, duration: 20, ...options }),
    });
  },
});

export { expect } from "@playwright/test";
