import { test } from 'node:test';
import assert from 'node:assert/strict';
import Cloudflare from 'cloudflare';
import { ACCOUNT, BASE, READ_TOKEN, tokenClient, upload, until, accessLog, ingested } from './helpers.mjs';

const params = { account_id: ACCOUNT };

// Each case uses a path nobody else calls, then checks the server saw exactly one attempt.
async function assertSingleAttempt(pathPart) {
  const records = await until(async () => accessLog(pathPart), (r) => r.length > 0, `the access log for ${pathPart}`, 10_000);
  await new Promise((resolve) => setTimeout(resolve, 1500)); // one more flush interval for any retry to land
  const all = accessLog(pathPart);
  assert.equal(all.length, 1, `expected one attempt, saw ${JSON.stringify(all)}`);
  assert.equal(all[0].retry, '0');
  return records[0];
}

test('unknown video is NotFoundError (404, code 10003), not retried', async () => {
  const uid = crypto.randomUUID().replaceAll('-', '');
  await assert.rejects(tokenClient().stream.downloads.get(uid, params), (error) => {
    assert.ok(error instanceof Cloudflare.NotFoundError, error.constructor.name);
    assert.equal(error.status, 404);
    assert.equal(error.errors[0].code, 10003);
    return true;
  });
  assert.equal((await assertSingleAttempt(uid)).status, 404);
});

test('bad token is AuthenticationError (401, code 10000), not retried', async () => {
  const uid = crypto.randomUUID().replaceAll('-', '');
  const client = new Cloudflare({ apiToken: 'not-a-real-token', baseURL: `${BASE}/client/v4` });
  await assert.rejects(client.stream.downloads.get(uid, params), (error) => {
    assert.ok(error instanceof Cloudflare.AuthenticationError, error.constructor.name);
    assert.equal(error.errors[0].code, 10000);
    return true;
  });
  assert.equal((await assertSingleAttempt(uid)).status, 401);
});

test('read-only token creating a download is PermissionDeniedError (403), not retried', async () => {
  const { uid } = await upload();
  const client = new Cloudflare({ apiToken: READ_TOKEN, baseURL: `${BASE}/client/v4` });
  assert.deepEqual(await client.stream.downloads.get(uid, params), {}, 'reading is allowed');
  await assert.rejects(client.stream.downloads.create(uid, params), (error) => {
    assert.ok(error instanceof Cloudflare.PermissionDeniedError, error.constructor.name);
    assert.equal(error.status, 403);
    return true;
  });
  await until(async () => accessLog(uid).filter((r) => r.method === 'POST'), (r) => r.length > 0, 'the POST in the log', 10_000);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal(accessLog(uid).filter((r) => r.method === 'POST').length, 1);
});

test('bad identifier is BadRequestError (400), not retried', async () => {
  const bad = `not-hex-${Date.now()}`;
  await assert.rejects(tokenClient().stream.downloads.get(bad, params), (error) => {
    assert.ok(error instanceof Cloudflare.BadRequestError, error.constructor.name);
    assert.match(error.message, /identifier/);
    return true;
  });
  assert.equal((await assertSingleAttempt(bad)).status, 400);
});

test('a video that is not ready is BadRequestError naming its state', async () => {
  const client = tokenClient();
  const form = new FormData();
  form.append('file', new Blob(['not a video']), 'notes.txt');
  const response = await fetch(`${BASE}/client/v4/accounts/${ACCOUNT}/stream`, { method: 'POST', headers: { Authorization: `Bearer ${process.env.DOWNSTREAM_TOKEN}` }, body: form });
  const queued = (await response.json()).result;
  assert.equal(queued.status.state, 'queued');
  const result = await ingested(queued.uid);
  assert.equal(result.status.state, 'error');
  await assert.rejects(client.stream.downloads.create(result.uid, params), (error) => {
    assert.ok(error instanceof Cloudflare.BadRequestError);
    assert.match(error.message, /state: error/);
    return true;
  });
});
