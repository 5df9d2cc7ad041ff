// A complete sign-up test: the app's form, the SMS code from the inbox, the confirmation, and the
// negative: signing in afterwards sends no further code when MFA is off for this user.
//   SMSREDIRECT_QUEUE_URL=<CodeInboxQueueUrl> APP_URL=https://staging.example.com npx playwright test
import { test, expect } from "./fixtures";

test("a new user signs up with a phone number and confirms it with the texted code", async ({ page, inbox }) => {
  await page.goto(`${process.env.APP_URL}/sign-up`);
  await page.getByLabel("Phone number").fill(inbox.phone);
  await page.getByLabel("Password").fill("Correct-Horse-9-Battery");
  await page.getByRole("button", { name: "Create account" }).click();

  const record = await inbox.code({ trigger: "SignUp" });
  expect(record.channel).toBe("sms");
  await page.getByLabel("Verification code").fill(record.code!);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByText("Your account is confirmed")).toBeVisible();

  await page.getByRole("link", { name: "Sign in" }).click();
  await page.getByLabel("Phone number").fill(inbox.phone);
  await page.getByLabel("Password").fill("Correct-Horse-9-Battery");
  await page.getByRole("button", { name: "Sign in" }).click();
  await inbox.none({ trigger: "Authentication" });
  await expect(page.getByText("Welcome")).toBeVisible();
});
