// Resumable upload (tus 1.0.0) of one file, with a multipart fallback for servers without tus.
// Chunks are PATCHed with XMLHttpRequest so progress moves within a chunk. After a network error, a 5xx, 409 or
// 423, the server's offset is read with HEAD and the upload continues from there, after a growing pause.
// The upload URL is remembered per file (name + size + lastModified), so choosing the same file again after a
// reload resumes it.

import { ApiError, account, authHeaders, base, isAbort, sameOrigin, xhr, xhrError } from './api.js';

const CHUNK = 5 * 1024 * 1024;
const BACKOFF = [1000, 3000, 10000, 30000];
const TUS = { 'Tus-Resumable': '1.0.0' };

const retryable = (status) => status === 0 || status >= 500 || status === 409 || status === 423;

function b64(text) {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

const storageKey = (file) => `downstream.tus.${account()}:${file.name}:${file.size}:${file.lastModified}`;


function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); reject(new DOMException('Aborted', 'AbortError')); }, { once: true });
  });
}

export class Upload {
  /**
   * onProgress(sentBytes, totalBytes); onStatus(text) for what it is doing (resuming, waiting to retry...).
   * start() resolves to the new video's uid.
   */
  constructor(file, { onProgress = () => {}, onStatus = () => {} } = {}) {
    this.file = file;
    this.onProgress = onProgress;
    this.onStatus = onStatus;
    this.controller = new AbortController();
    this.location = null;
    this.uid = null;
    this.finished = false;
    this.key = storageKey(file);
  }

  async start() {
    const { signal } = this.controller;
    const size = this.file.size;
    let offset = await this.resume(signal);
    if (offset === null) {
      const created = await this.create(signal);
      if (created === 'fallback') return this.multipart(signal);
      offset = 0;
    }
    this.onProgress(offset, size);
    let attempt = 0;
    while (offset < size) {
      try {
        offset = await this.patch(offset, signal);
        attempt = 0;
        this.onStatus('');
      } catch (error) {
        if (isAbort(error) || !(error instanceof ApiError) || !retryable(error.status) || attempt >= BACKOFF.length) {
          if (error instanceof ApiError && (error.status === 404 || error.status === 410)) this.forget();
          throw error;
        }
        const wait = BACKOFF[attempt++];
        this.onStatus(`Connection problem; retrying in ${Math.round(wait / 1000)} s…`);
        await sleep(wait, signal);
        this.onStatus('Resuming…');
        offset = (await this.head(signal).catch((e) => (isAbort(e) ? Promise.reject(e) : null))) ?? offset;
      }
    }
    this.finished = true;
    this.forget();
    this.onProgress(size, size);
    return this.uid;
  }

  /** The offset to continue from if this file has an unfinished upload here; null to start a new one. */
  async resume(signal) {
    let saved = null;
    try { saved = JSON.parse(localStorage.getItem(this.key) || 'null'); } catch { saved = null; }
    if (!saved?.location) return null;
    this.location = saved.location;
    this.uid = saved.uid;
    this.onStatus('Resuming…');
    try {
      const offset = await this.head(signal);
      this.onStatus('');
      return offset;
    } catch (error) {
      // Only an upload the server no longer has is started over; a network or auth problem stops here, remembered.
      if (isAbort(error) || !(error instanceof ApiError) || retryable(error.status) || error.status === 401 || error.status === 403) throw error;
      this.forget();
      this.location = null;
      this.uid = null;
      this.onStatus('');
      return null;
    }
  }

  async create(signal) {
    const metadata = [`name ${b64(this.file.name)}`];
    if (this.file.type) metadata.push(`filetype ${b64(this.file.type)}`);
    const req = await xhr({
      method: 'POST',
      url: base(),
      signal,
      headers: { ...TUS, ...authHeaders(), 'Upload-Length': String(this.file.size), 'Upload-Metadata': metadata.join(',') },
    });
    if (req.status === 404 || req.status === 405) return 'fallback';
    if (req.status !== 201) throw xhrError(req);
    this.location = sameOrigin(req.getResponseHeader('Location'));
    this.uid = req.getResponseHeader('stream-media-id');
    localStorage.setItem(this.key, JSON.stringify({ location: this.location, uid: this.uid }));
    return 'created';
  }

  async head(signal) {
    const req = await xhr({ method: 'HEAD', url: this.location, signal, headers: { ...TUS, ...authHeaders() } });
    if (req.status !== 200) throw xhrError(req);
    const offset = Number(req.getResponseHeader('Upload-Offset'));
    if (!Number.isFinite(offset)) throw new ApiError(req.status, 'The server did not say how much of the upload it has.');
    return offset;
  }

  async patch(offset, signal) {
    const chunk = this.file.slice(offset, Math.min(offset + CHUNK, this.file.size));
    const req = await xhr({
      method: 'PATCH',
      url: this.location,
      signal,
      body: chunk,
      headers: { ...TUS, ...authHeaders(), 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
      onProgress: (loaded) => this.onProgress(offset + Math.min(loaded, chunk.size), this.file.size),
    });
    if (req.status !== 204) throw xhrError(req);
    const next = Number(req.getResponseHeader('Upload-Offset'));
    return Number.isFinite(next) && next > offset ? next : offset + chunk.size;
  }

  /** One multipart POST, for a server that has no tus. */
  async multipart(signal) {
    const form = new FormData();
    form.append('file', this.file, this.file.name);
    const req = await xhr({
      method: 'POST', url: base(), signal, body: form, headers: authHeaders(),
      onProgress: (loaded) => this.onProgress(Math.min(loaded, this.file.size), this.file.size),
    });
    if (req.status < 200 || req.status >= 300) throw xhrError(req);
    let answer = null;
    try { answer = JSON.parse(req.responseText); } catch { answer = null; }
    this.uid = answer?.result?.uid;
    if (!this.uid) throw new ApiError(req.status, 'The server did not return the new video.');
    this.finished = true;
    return this.uid;
  }

  forget() {
    localStorage.removeItem(this.key);
  }

  /** Stops the upload. With `terminate`, an unfinished tus upload is also deleted on the server. */
  cancel({ terminate = true } = {}) {
    this.controller.abort();
    if (terminate && this.location && !this.finished) {
      this.forget();
      xhr({ method: 'DELETE', url: this.location, headers: { ...TUS, ...authHeaders() } }).catch(() => {});
    }
  }
}
