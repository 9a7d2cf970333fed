import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCOUNT, tokenClient, upload, until, serveFile, makeVideo } from './helpers.mjs';

const params = { account_id: ACCOUNT };

test('stream.get, list, edit and delete', async () => {
  const client = tokenClient();
  const { uid } = await upload();

  const video = await client.stream.get(uid, params);
  assert.equal(video.uid, uid);
  assert.equal(video.readyToStream, true);
  assert.equal(video.status.state, 'ready');
  assert.equal(typeof video.duration, 'number');
  assert.ok(Math.abs(video.duration - 2) < 0.5);
  assert.equal(video.input.width, 320);
  assert.equal(video.input.height, 240);
  assert.equal(typeof video.size, 'number');
  assert.equal(video.requireSignedURLs, false);
  assert.ok(!Number.isNaN(Date.parse(video.created)));

  const listed = [];
  for await (const item of client.stream.list({ ...params, asc: false })) listed.push(item.uid);
  assert.ok(listed.includes(uid));
  const page = await client.stream.list({ ...params, limit: 1 });
  assert.equal(page.result.length, 1);
  assert.equal(page.body.total, undefined, 'counts only with include_counts');
  const counted = await client.stream.list({ ...params, limit: 1, include_counts: true });
  assert.equal(typeof counted.body.total, 'number');
  assert.equal(typeof counted.body.range, 'number');
  assert.ok(counted.body.total >= 1);

  const edited = await client.stream.edit(uid, { ...params, meta: { name: 'edited by the SDK' }, requireSignedURLs: false });
  assert.equal(edited.meta.name, 'edited by the SDK');
  assert.equal((await client.stream.get(uid, params)).meta.name, 'edited by the SDK');

  await client.stream.delete(uid, params);
  await assert.rejects(client.stream.get(uid, params), (error) => error.status === 404);
});

test('stream.copy.create fetches from a URL', async () => {
  const client = tokenClient();
  const origin = await serveFile(makeVideo());
  try {
    const video = await client.stream.copy.create({ ...params, url: origin.url, meta: { name: 'copied' } });
    assert.equal(video.status.state, 'downloading');
    assert.equal(video.meta.name, 'copied');
    const ready = await until(() => client.stream.get(video.uid, params), (v) => v.status.state !== 'downloading', 'the copy');
    assert.equal(ready.status.state, 'ready');
    assert.equal(ready.readyToStream, true);
  } finally {
    await origin.close();
  }
});

test('user.tokens.verify', async () => {
  const result = await tokenClient().user.tokens.verify();
  assert.match(result.id, /^[0-9a-f]{32}$/);
  assert.equal(result.status, 'active');
});

test('stream.webhooks update, get and delete', async () => {
  const client = tokenClient();
  const updated = await client.stream.webhooks.update({ account_id: ACCOUNT, notificationUrl: 'http://127.0.0.1:9/hooks/stream' });
  assert.equal(updated.notificationUrl, 'http://127.0.0.1:9/hooks/stream');
  assert.match(updated.secret, /^[0-9a-f]{32}$/);
  const again = await client.stream.webhooks.update({ account_id: ACCOUNT, notification_url: 'http://127.0.0.1:9/hooks/other' });
  assert.notEqual(again.secret, updated.secret);
  const got = await client.stream.webhooks.get({ account_id: ACCOUNT });
  assert.equal(got.notificationUrl, 'http://127.0.0.1:9/hooks/other');
  assert.equal(got.secret, again.secret);
  assert.equal(await client.stream.webhooks.delete({ account_id: ACCOUNT }), 'ok');
});
