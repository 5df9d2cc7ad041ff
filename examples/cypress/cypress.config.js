// Cypress runs tests in the browser: the inbox is read in Node, through cy.task.
//   SMSREDIRECT_QUEUE_URL=<CodeInboxQueueUrl> npx cypress run
import { defineConfig } from "cypress";
import { waitForCode, expectNone } from "cognito-sms-redirect";

export default defineConfig({
  e2e: {
    baseUrl: process.env.APP_URL,
    setupNodeEvents(on) {
      on("task", {
        // cy.task values must be serialisable: the record is, and a wait's "since" travels as an ISO string.
        waitForCode: (options) => waitForCode({ timeout: 60, ...options }),
        // cy.task must resolve to something other than undefined.
        expectNone: (options) => expectNone({ duration: 20, ...options }).then(() => null),
      });
    },
  },
});
