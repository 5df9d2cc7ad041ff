// A complete sign-up test with the code from the CognitoSMSRedirect inbox (cypress.config.js's tasks).
describe("sign-up", () => {
  it("a new user signs up with a phone number and confirms it with the texted code", () => {
    const phone = `+1555${String(Date.now() % 10000000).padStart(7, "0")}`;
    const since = new Date().toISOString();
    cy.visit("/sign-up");
    cy.findByLabelText("Phone number").type(phone);
    cy.findByLabelText("Password").type("Correct-Horse-9-Battery");
    cy.contains("button", "Create account").click();

    cy.task("waitForCode", { phone, trigger: "SignUp", since }, { timeout: 70000 }).then((record) => {
      expect(record.channel).to.equal("sms");
      cy.findByLabelText("Verification code").type(record.code);
    });
    cy.contains("button", "Confirm").click();
    cy.contains("Your account is confirmed").should("be.visible");

    cy.contains("a", "Sign in").click();
    cy.findByLabelText("Phone number").type(phone);
    cy.findByLabelText("Password").type("Correct-Horse-9-Battery");
    cy.contains("button", "Sign in").click();
    cy.task("expectNone", { phone, trigger: "Authentication", since }, { timeout: 30000 });
    cy.contains("Welcome").should("be.visible");
  });
});
