// Shared by the conformance tests: the server under test, media made with ffmpeg, and the access log.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import Cloudflare from 'cloudflare';

export const BASE = required('DOWNSTREAM_URL');
export const DATA_DIR = required('DOWNSTREAM_DATA_DIR');
export const TOKEN = required('DOWNSTREAM_TOKEN');
export const READ_TOKEN = required('DOWNSTREAM_READ_TOKEN');
// The values the official SDKs' own test suites use.
export const ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353';
export const EMAIL = 'user@example.com';
export const KEY = '144c9defac04969c7bfad8efaa8ea194';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set (scripts/test sets it)`);
  return value;
}

export function tokenClient(options = {}) {
  return new Cloudflare({ apiToken: TOKEN, baseURL: `${BASE}/client/v4`, ...options });
}

export function keyClient(options = {}) {
  return new Cloudflare({ apiEmail: EMAIL, apiKey: KEY, baseURL: BASE, ...options });
}

const mediaDir = mkdtempSync(join(tmpdir(), 'downstream-conformance-'));

/** An H.264/AAC MP4 made with lavfi: 2 s, 320x240. */
export function makeVideo(name = 'clip.mp4') {
  const file = join(mediaDir, name);
  if (!existsSync(file)) {
    const run = spawnSync('ffmpeg', ['-hide_banner', '-v', 'error', '-y',
      '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440',
      '-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', file]);
    if (run.status !== 0) throw new Error(`ffmpeg failed: ${run.stderr}`);
  }
  return file;
}

/** Uploads with plain fetch (the SDK has no basic-upload method) and returns the video once probed. */
export async function upload(file = makeVideo()) {
  return ingested((await uploadQueued(file)).uid);
}

/** The video once the server has probed it (it answers uploads as soon as the bytes are stored: `queued`). */
export async function ingested(uid) {
  return until(async () => {
    const response = await fetch(`${BASE}/client/v4/accounts/${ACCOUNT}/stream/${uid}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    return (await response.json()).result;
  }, (video) => !['queued', 'inprogress'].includes(video.status.state), `video ${uid} to be probed`);
}

/** An H.264/AAC MP4 of about 21 MiB (lossless noise, so it is large quickly): several 5 MiB tus chunks. */
export function makeLargeVideo(name = 'large.mp4') {
  const file = join(mediaDir, name);
  if (!existsSync(file)) {
    const run = spawnSync('ffmpeg', ['-hide_banner', '-v', 'error', '-y',
      '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25,noise=alls=60:allf=t', '-f', 'lavfi', '-i', 'sine=frequency=440',
      '-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', file]);
    if (run.status !== 0) throw new Error(`ffmpeg failed: ${run.stderr}`);
  }
  return file;
}

/** The bytes the server stored as a video's source: from its media folder, or from its S3 bucket. */
export function storedSource(uid) {
  const bucket = process.env.DOWNSTREAM_S3_BUCKET;
  if (!bucket) return readFileSync(join(DATA_DIR, 'media', 'videos', uid, 'source'));
  // The gateway wants the payload hash among the signed headers; curl signs the ones it is given.
  const run = spawnSync('curl', ['-sf', '--aws-sigv4', 'aws:amz:us-east-1:s3', '-H', 'x-amz-content-sha256: UNSIGNED-PAYLOAD',
    '--user', `${process.env.AWS_ACCESS_KEY_ID}:${process.env.AWS_SECRET_ACCESS_KEY}`,
    `${process.env.DOWNSTREAM_S3_ENDPOINT}/${bucket}/videos/${uid}/source`], { maxBuffer: 1 << 30 });
  if (run.status !== 0) throw new Error(`reading the source of ${uid} from S3 failed: ${run.stderr}`);
  return run.stdout;
}

/** Uploads with plain fetch and returns the immediate answer. */
export async function uploadQueued(file = makeVideo()) {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(file)]), 'clip.mp4');
  const response = await fetch(`${BASE}/client/v4/accounts/${ACCOUNT}/stream`, {
    method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` }, body: form,
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`upload failed: ${response.status} ${JSON.stringify(body)}`);
  return body.result;
}

export async function until(probe, done, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await probe();
  }
  return last;
}

/** Serves one file on a loopback port; returns its URL and a close function. */
export async function serveFile(file) {
  const server = http.createServer((req, res) => {
    if (req.url !== '/video.mp4') { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'Content-Type': 'video/mp4' }).end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/video.mp4`, close: () => new Promise((r) => server.close(r)) };
}

/**
 * Requests the server logged for a path (the W3C access log, flushed every second), as
 * { method, status, retry } records.
 */
export function accessLog(pathPart) {
  const dir = join(DATA_DIR, 'logs', 'access');
  if (!existsSync(dir)) return [];
  const records = [];
  for (const name of readdirSync(dir)) {
    let fields = [];
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      if (line.startsWith('#Fields:')) { fields = line.slice(9).trim().split(' '); continue; }
      if (!line || line.startsWith('#')) continue;
      const values = line.split(' ');
      const record = Object.fromEntries(fields.map((f, i) => [f, values[i]]));
      if (record['cs-uri-stem']?.includes(pathPart)) {
        const retryField = fields.find((f) => f.toLowerCase().includes('x-stainless-retry-count'));
        records.push({ method: record['cs-method'], status: Number(record['sc-status']), retry: retryField ? record[retryField] : undefined });
      }
    }
  }
  return records;
}
