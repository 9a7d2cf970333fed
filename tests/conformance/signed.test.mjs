// Private videos through the official SDK's stream.keys and stream.token, and tokens signed by an
// independent JWT implementation (jose) with the key the server handed out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, importPKCS8, importJWK } from 'jose';
import { createPrivateKey } from 'node:crypto';
import { ACCOUNT, BASE, tokenClient, upload, until } from './helpers.mjs';

const params = { account_id: ACCOUNT };

async function privateVideoWithDownload(client) {
  const { uid } = await upload();
  await client.stream.downloads.create(uid, { ...params, body: {} });
  await until(() => client.stream.downloads.get(uid, params), (d) => d.default?.status === 'ready', 'the download to be ready');
  await client.stream.edit(uid, { ...params, requireSignedURLs: true });
  return uid;
}

const fetchFile = (token) => fetch(`${BASE}/${token}/downloads/default.mp4`);

test('stream.keys create, get and delete; stream.token.create makes a downloadable token', async () => {
  const client = tokenClient();
  const uid = await privateVideoWithDownload(client);
  assert.equal((await fetch(`${BASE}/${uid}/downloads/default.mp4`)).status, 401);

  const key = await client.stream.keys.create({ ...params, body: {} });
  assert.match(key.id, /^[0-9a-f]{32}$/);
  assert.match(Buffer.from(key.pem, 'base64').toString(), /^-----BEGIN RSA PRIVATE KEY-----/);
  assert.equal(JSON.parse(Buffer.from(key.jwk, 'base64').toString()).kid, key.id);

  const listed = [];
  for await (const item of client.stream.keys.get(params)) listed.push(item.id);
  assert.ok(listed.includes(key.id));

  const { token } = await client.stream.token.create(uid, { ...params, downloadable: true });
  const served = await fetchFile(token);
  assert.equal(served.status, 200);
  assert.equal(Buffer.from(await served.arrayBuffer()).subarray(4, 8).toString(), 'ftyp');

  const own = await client.stream.token.create(uid, { ...params, id: key.id, pem: key.pem, downloadable: true, exp: Math.floor(Date.now() / 1000) + 600 });
  assert.equal((await fetchFile(own.token)).status, 200);

  const notDownloadable = await client.stream.token.create(uid, params);
  assert.equal((await fetchFile(notDownloadable.token)).status, 403);

  assert.equal(await client.stream.keys.delete(key.id, params), 'Revoked');
  assert.equal((await fetchFile(own.token)).status, 401);
});

test('tokens signed by jose with the returned pem and jwk are accepted; a tampered one is not', async () => {
  const client = tokenClient();
  const uid = await privateVideoWithDownload(client);
  const key = await client.stream.keys.create({ ...params, body: {} });
  const now = Math.floor(Date.now() / 1000);

  // The PEM is PKCS#1; jose imports PKCS#8, so node converts it first.
  const pkcs8 = createPrivateKey(Buffer.from(key.pem, 'base64').toString()).export({ type: 'pkcs8', format: 'pem' });
  const fromPem = await new SignJWT({ sub: uid, kid: key.id, downloadable: true })
    .setProtectedHeader({ alg: 'RS256', kid: key.id }).setExpirationTime(now + 600).setNotBefore(now - 60)
    .sign(await importPKCS8(pkcs8, 'RS256'));
  assert.equal((await fetchFile(fromPem)).status, 200);

  const jwk = JSON.parse(Buffer.from(key.jwk, 'base64').toString());
  const fromJwk = await new SignJWT({ sub: uid, kid: key.id, downloadable: true, exp: String(now + 600), nbf: String(now - 60),
    accessRules: [{ type: 'ip.src', action: 'allow', ip: ['127.0.0.1', '::1'] }, { type: 'any', action: 'block' }] })
    .setProtectedHeader({ alg: 'RS256', kid: key.id })
    .sign(await importJWK(jwk, 'RS256'));
  assert.equal((await fetchFile(fromJwk)).status, 200);

  const [header, payload, signature] = fromPem.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, exp: now + 86400 * 30 })).toString('base64url')}.${signature}`;
  assert.equal((await fetchFile(forged)).status, 401);

  const blocked = await new SignJWT({ sub: uid, kid: key.id, downloadable: true, accessRules: [{ type: 'ip.src', action: 'block', ip: ['127.0.0.0/8', '::1/128'] }] })
    .setProtectedHeader({ alg: 'RS256', kid: key.id }).setExpirationTime(now + 600)
    .sign(await importJWK(jwk, 'RS256'));
  assert.equal((await fetchFile(blocked)).status, 403);
});
