// The client against a real inbox on moto, through the real CLI. The Swift test
// NodeClientTests (Tests/SMSSenderTests) fills the inbox and runs this file with node --test,
// giving the queue and the codes it published in SMSREDIRECT_NODE_FIXTURE.
import { test } from "node:test";
import assert from "node:assert/strict";
import { waitForCode, expectNone, NoCodeArrivedError, CodeArrivedError, SmsRedirectError } from "../index.js";

const fixture = JSON.parse(process.env.SMSREDIRECT_NODE_FIXTURE ?? "null");
assert.ok(fixture, "SMSREDIRECT_NODE_FIXTURE is not set: run this through NodeClientTests (make test)");
const queueUrl = fixture.queueUrl;
const timeout = fixture.timeout;

test("which: oldest returns the first code of a flow, the newer ones beside it", async () => {
  const record = await waitForCode({ queueUrl, phone: fixture.three.phone, trigger: "SignUp", which: "oldest", timeout });
  assert.equal(record.code, fixture.three.codes[0]);
  assert.equal(record.triggerSource, "CustomSMSSender_SignUp");
  assert.deepEqual(record.newer.map((newer) => newer.code), fixture.three.codes.slice(1));
});

test("the newest code by default, someone else's left alone by the other wait", async () => {
  const record = await waitForCode({ queueUrl, phone: fixture.one.phone, timeout });
  assert.equal(record.code, fixture.one.code);
  assert.deepEqual(record.superseded, []);
});

test("which: all returns every code, oldest first", async () => {
  const records = await waitForCode({ queueUrl, phone: fixture.two.phone, which: "all", since: new Date(Date.now() - 3600_000), timeout });
  assert.deepEqual(records.map((record) => record.code), fixture.two.codes);
});

test("expectNone resolves when nothing matching arrives, and rejects naming what did", async () => {
  await expectNone({ queueUrl, phone: fixture.silent.phone, duration: 2 });
  await assert.rejects(expectNone({ queueUrl, phone: fixture.unexpected.phone, duration: 2 }), (error) => {
    assert.ok(error instanceof CodeArrivedError);
    assert.equal(error.records.length, 1);
    assert.equal(error.records[0].code, fixture.unexpected.code);
    assert.match(error.message, /1 matching code arrived/);
    return true;
  });
  // Nothing was consumed.
  const record = await waitForCode({ queueUrl, phone: fixture.unexpected.phone, timeout });
  assert.equal(record.code, fixture.unexpected.code);
});

test("a wait that times out rejects with NoCodeArrivedError, saying what the inbox held", async () => {
  await assert.rejects(waitForCode({ queueUrl, phone: fixture.silent.phone, timeout: 2 }), (error) => {
    assert.ok(error instanceof NoCodeArrivedError);
    assert.match(error.message, /no matching code arrived in 2 s/);
    return true;
  });
});

test("bad input is refused: by the client, and by the CLI", async () => {
  await assert.rejects(waitForCode({ queueUrl, phone: fixture.silent.phone, which: "latest" }), TypeError);
  await assert.rejects(waitForCode({ queueUrl, phone: fixture.silent.phone, timeout: -1 }), TypeError);
  await assert.rejects(waitForCode({ queueUrl, timeout }), (error) => {
    assert.ok(error instanceof SmsRedirectError);
    assert.equal(error.exitCode, 64);
    assert.match(error.message, /say whose code to wait for/);
    return true;
  });
  await assert.rejects(waitForCode({ queueUrl, phone: fixture.silent.phone, cli: "/nonexistent/smsredirect" }), (error) => {
    assert.ok(error instanceof SmsRedirectError);
    assert.match(error.message, /could not run \/nonexistent\/smsredirect/);
    return true;
  });
});
