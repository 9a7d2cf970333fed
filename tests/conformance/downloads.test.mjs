import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCOUNT, BASE, tokenClient, keyClient, upload, until } from './helpers.mjs';

const params = { account_id: ACCOUNT };

function assertEntry(entry, uid, file) {
  assert.ok(['ready', 'inprogress', 'error'].includes(entry.status), `status ${entry.status}`);
  assert.equal(typeof entry.percentComplete, 'number');
  assert.ok(entry.percentComplete >= 0 && entry.percentComplete <= 100);
  assert.equal(entry.url, `${BASE}/${uid}/downloads/${file}`);
}

async function assertServes(url, contentType) {
  const response = await fetch(url);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), contentType);
  const bytes = new Uint8Array(await response.arrayBuffer());
  assert.ok(bytes.length > 1000);
  assert.equal(new TextDecoder().decode(bytes.slice(4, 8)), 'ftyp');
}

for (const [name, makeClient] of [['token, /client/v4 base', tokenClient], ['email + key, root base', keyClient]]) {
  test(`downloads get/create/delete with ${name}`, async () => {
    const client = makeClient();
    const video = await upload();
    const uid = video.uid;

    assert.deepEqual(await client.stream.downloads.get(uid, params), {});

    const created = await client.stream.downloads.create(uid, params);
    assert.deepEqual(Object.keys(created), ['default']);
    assertEntry(created.default, uid, 'default.mp4');

    const ready = await until(() => client.stream.downloads.get(uid, params), (d) => d.default.status !== 'inprogress', 'default ready');
    assert.equal(ready.default.status, 'ready');
    assert.equal(ready.default.percentComplete, 100);
    await assertServes(ready.default.url, 'video/mp4');

    // The per-type routes, through the SDK's generic methods.
    const withAudio = await client.post(`/accounts/${ACCOUNT}/stream/${uid}/downloads/audio`);
    assert.deepEqual(Object.keys(withAudio.result).sort(), ['audio', 'default']);
    assertEntry(withAudio.result.audio, uid, 'audio.m4a');
    const both = await until(() => client.stream.downloads.get(uid, params), (d) => d.audio.status !== 'inprogress', 'audio ready');
    assert.equal(both.audio.status, 'ready');
    await assertServes(both.audio.url, 'audio/mp4');

    const again = await client.stream.downloads.create(uid, params);
    assert.equal(again.default.status, 'ready', 'a repeated create changes nothing');

    const deletedAudio = await client.delete(`/accounts/${ACCOUNT}/stream/${uid}/downloads/audio`);
    assert.equal(deletedAudio.result, 'ok');
    assert.equal(await client.stream.downloads.delete(uid, params), 'ok');
    assert.deepEqual(await client.stream.downloads.get(uid, params), {});
  });
}

test('raw responses are real Responses and the data matches', async () => {
  const client = tokenClient();
  const { uid } = await upload();
  const raw = await client.stream.downloads.create(uid, params).asResponse();
  assert.ok(raw instanceof Response);
  assert.equal(raw.status, 200);
  assert.match(raw.headers.get('content-type'), /^application\/json/);
  const { data, response } = await client.stream.downloads.get(uid, params).withResponse();
  assert.ok(response instanceof Response);
  assert.ok(data.default);
  assert.ok(!(data instanceof Response));
});
