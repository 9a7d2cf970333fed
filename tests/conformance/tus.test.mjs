// tus-js-client, the reference tus client, against the server: 5 MiB chunks, a connection killed mid-chunk, a resume.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import * as tus from 'tus-js-client';
import { ACCOUNT, BASE, TOKEN, makeLargeVideo, ingested, storedSource, until, tokenClient } from './helpers.mjs';

const CHUNK = 5 * 1024 * 1024;
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** Starts `upload` and settles when it succeeds or fails. */
function run(upload, hooks) {
  return new Promise((resolve, reject) => {
    upload.options.onSuccess = resolve;
    upload.options.onError = reject;
    hooks?.(upload);
    upload.start();
  });
}

function newUpload(bytes, options = {}) {
  const statuses = [];
  const upload = new tus.Upload(bytes, {
    endpoint: `${BASE}/client/v4/accounts/${ACCOUNT}/stream`,
    chunkSize: CHUNK,
    retryDelays: [0, 500, 1000, 2000, 3000],
    headers: { Authorization: `Bearer ${TOKEN}` },
    metadata: { name: 'large.mp4', filetype: 'video/mp4', maxdurationseconds: '600' },
    onAfterResponse: (req, res) => { statuses.push([req.getMethod(), res.getStatus(), res.getHeader('Upload-Offset'), res.getHeader('stream-media-id')]); },
    ...options,
  });
  return { upload, statuses };
}

test('tus-js-client uploads in 5 MiB chunks; the server answers 201 and 204 and stores the file whole', async () => {
  const bytes = readFileSync(makeLargeVideo());
  assert.ok(bytes.length > 2 * CHUNK, `the test file is ${bytes.length} bytes: too small for several chunks`);
  const { upload, statuses } = newUpload(bytes);
  await run(upload);

  const uid = statuses.find(([method]) => method === 'POST')[3];
  assert.match(uid, /^[0-9a-f]{32}$/);
  assert.ok(upload.url.endsWith(`/stream/${uid}`), upload.url);
  assert.deepEqual(statuses.map(([method, status]) => [method, status]),
    [['POST', 201], ...Array.from({ length: Math.ceil(bytes.length / CHUNK) }, () => ['PATCH', 204])]);

  const video = await ingested(uid);
  assert.equal(video.status.state, 'ready');
  assert.equal(video.meta.name, 'large.mp4');
  assert.equal(video.meta.filetype, 'video/mp4');
  assert.equal(video.maxDurationSeconds, 600);
  assert.equal(sha256(storedSource(uid)), sha256(bytes));
});

/**
 * tus-js-client's own Node HTTP stack, except that the second PATCH sends half its chunk and then loses its
 * connection (the socket destroyed), once the server is reading it: a connection killed mid-chunk.
 */
class CuttingStack {
  constructor() { this.inner = new tus.DefaultHttpStack(); this.patches = 0; this.cutAfter = null; }

  getName() { return 'CuttingStack'; }

  createRequest(method, url) {
    const request = this.inner.createRequest(method, url);
    if (method !== 'PATCH' || ++this.patches !== 2) return request;
    const stack = this;
    request.send = (body) => new Promise((_, reject) => {
      const target = new URL(url);
      const headers = { ...request._headers, 'Content-Length': body.length };
      stack.cutAfter = Math.floor(body.length / 2);
      let req;
      const open = () => {
        req = http.request({ host: target.hostname, port: target.port, path: target.pathname + target.search, method, headers });
        req.on('error', () => {});
        // Answered before its body was whole: it lost the race for the upload's lock to a probe (423). Again.
        req.on('response', (res) => { res.resume(); open(); });
        req.write(body.subarray(0, stack.cutAfter));
      };
      open();
      // The server holds the upload once a PATCH at a wrong offset is refused with 423 rather than 409.
      until(async () => (await fetch(url, {
        method: 'PATCH',
        headers: { ...request._headers, 'Upload-Offset': '1', 'Content-Type': 'application/offset+octet-stream' },
        body: new Uint8Array(0),
      })).status, (status) => status === 423, 'the cut PATCH to be read').then(() => {
        req.destroy();
        reject(new Error('connection killed mid-chunk'));
      }, reject);
    });
    return request;
  }
}

test('a connection killed mid-chunk resumes from the stored offset and the file arrives whole', async (t) => {
  const bytes = readFileSync(makeLargeVideo());
  const stack = new CuttingStack();
  const { upload, statuses } = newUpload(bytes, { httpStack: stack });
  await run(upload);
  const uid = upload.url.split('/').pop();

  // The client resumed where the server's HEAD said: past the first chunk, and at most where the cut came (the
  // bytes the server had read off the socket are kept; the server suite checks that to the byte). Only the rest
  // was sent again.
  const heads = statuses.filter(([method, status]) => method === 'HEAD' && status === 200);
  assert.ok(heads.length >= 1, `no HEAD after the cut: ${JSON.stringify(statuses)}`);
  const resumedAt = Number(heads.at(-1)[2]);
  assert.ok(resumedAt >= CHUNK && resumedAt <= CHUNK + stack.cutAfter, `resumed at ${resumedAt}`);
  t.diagnostic(`cut at ${CHUNK + stack.cutAfter}, resumed at ${resumedAt}`);
  const rest = bytes.length - resumedAt;
  assert.equal(statuses.filter(([method, status]) => method === 'PATCH' && status === 204).length, 1 + Math.ceil(rest / CHUNK));
  for (const [method, status] of statuses) {
    assert.ok([201, 200, 204, 409, 423].includes(status), `${method} answered ${status}`);
  }

  const video = await ingested(uid);
  assert.equal(video.status.state, 'ready');
  assert.equal(sha256(storedSource(uid)), sha256(bytes));
});

test('a direct_user upload URL takes tus-js-client without credentials', async () => {
  const bytes = readFileSync(makeLargeVideo());
  const created = await fetch(`${BASE}/client/v4/accounts/${ACCOUNT}/stream?direct_user=true`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${TOKEN}`, 'Tus-Resumable': '1.0.0', 'Upload-Length': String(bytes.length),
      'Upload-Metadata': `maxdurationseconds ${Buffer.from('600').toString('base64')}`,
    },
  });
  assert.equal(created.status, 201);
  const location = created.headers.get('location');
  const uid = created.headers.get('stream-media-id');
  assert.ok(new URL(location).pathname.endsWith(`/${uid}`));

  // The end user's client is given only the URL: no token, no metadata.
  const { upload } = newUpload(bytes, { endpoint: undefined, uploadUrl: location, headers: {}, metadata: {} });
  await run(upload);
  const video = await ingested(uid);
  assert.equal(video.status.state, 'ready');
  assert.equal(sha256(storedSource(uid)), sha256(bytes));
});

test("the official SDK's stream.create starts a tus upload with the SDK's own fixture metadata", async () => {
  const bytes = readFileSync(makeLargeVideo());
  const client = tokenClient();
  const { response } = await client.stream.create({
    account_id: ACCOUNT,
    'Tus-Resumable': '1.0.0',
    'Upload-Length': bytes.length,
    'Upload-Creator': 'creator-id_abcde12345',
    // As in the SDK's own test: spaces after the commas, a key without a value.
    'Upload-Metadata': 'name aGVsbG8gd29ybGQ=, requiresignedurls, allowedorigins ZXhhbXBsZS5jb20sdGVzdC5jb20=',
  }).withResponse();
  assert.equal(response.status, 201);
  const uid = response.headers.get('stream-media-id');
  assert.ok(response.headers.get('location').endsWith(`/${uid}`));

  const patch = await fetch(response.headers.get('location'), {
    method: 'PATCH',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Tus-Resumable': '1.0.0', 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
    body: bytes,
  });
  assert.equal(patch.status, 204);
  const video = await ingested(uid);
  assert.equal(video.status.state, 'ready');
  assert.equal(video.meta.name, 'hello world');
  assert.equal(video.requireSignedURLs, true);
  assert.deepEqual(video.allowedOrigins, ['example.com', 'test.com']);
  assert.equal(video.creator, 'creator-id_abcde12345');
});
