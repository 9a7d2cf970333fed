// One video: its details (rename, signed URLs, delete) and its downloads. The video is polled every 2 s until it
// is ready or failed; downloads in progress are followed with Server-Sent Events, or by polling every second when
// the stream cannot be read.

import * as api from '../api.js';
import {
  h, setTitle, showError, clearError, announce, badge, stateBadge, videoName, formatBytes, formatDuration, formatEta, formatTime,
  timeEl, progressBar, copyButton, confirmDialog, thumbnail, thumbnailUrl, safeFileName,
} from '../ui.js';
import { listHash } from './videos.js';

const POLL_MS = 2000;
const DOWNLOAD_POLL_MS = 1000;
const FINAL = new Set(['ready', 'error']);
const TYPES = [
  { key: 'default', label: 'MP4 (video)' },
  { key: 'audio', label: 'M4A (audio)' },
];
const DOWNLOAD_STATUS = { ready: ['Ready', 'ok'], inprogress: ['Preparing', 'busy'], error: ['Failed', 'bad'] };

export function render(root, { match, navigate }) {
  const uid = decodeURIComponent(match[1]);
  const path = `/${encodeURIComponent(uid)}`;
  const page = new AbortController(); // leaving the page aborts every request, stream and timer below
  const { signal } = page;
  let video = null;
  let downloads = {};
  let signed = null;
  let signError = null;
  let pollTimer = 0;
  let tokenTimer = 0;
  let downloadTimer = 0;
  let stream = null;
  let emptyStreams = 0;
  let pollDownloads = false;

  setTitle('Video');
  const back = h('a', { class: 'back-link', href: listHash() }, '← Videos');
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading video…'));
  root.append(back, body);

  // ---- Page parts, filled in by update() ----
  const view = h('article', { class: 'video-page', 'data-test': 'video', 'data-uid': uid, 'data-state': '' });
  const title = h('h1', { class: 'page-title video-title' });
  const headBadge = h('span', { class: 'head-badge' });
  const deleteButton = h('button', { type: 'button', class: 'button button-danger-quiet', 'data-test': 'delete-video' }, 'Delete video');
  const failure = h('div', { class: 'notice notice-bad', hidden: true });
  const thumb = thumbnail({ test: 'thumbnail', large: true });

  const nameInput = h('input', { id: 'video-name', class: 'input', autocomplete: 'off', maxlength: '1000' });
  const saveName = h('button', { type: 'submit', class: 'button button-small', disabled: true }, 'Save');
  const nameForm = h('form', { class: 'inline-form' }, nameInput, saveName);
  const signedSwitch = h('input', { type: 'checkbox', id: 'require-signed', class: 'switch', role: 'switch', 'aria-describedby': 'signed-hint' });
  const value = () => h('dd');
  const fields = {
    state: value(), duration: value(), size: value(), resolution: value(), created: value(), uploaded: value(), creator: value(),
  };
  const details = h('dl', { class: 'details' },
    h('dt', {}, h('label', { for: 'video-name' }, 'Name')), h('dd', {}, nameForm),
    h('dt', {}, 'Video ID'), h('dd', { class: 'id-row' },
      h('code', { class: 'mono uid' }, uid),
      copyButton(() => uid, { label: 'Copy', ariaLabel: 'Copy video ID' })),
    h('dt', {}, 'State'), fields.state,
    h('dt', {}, 'Duration'), fields.duration,
    h('dt', {}, 'Size'), fields.size,
    h('dt', {}, 'Resolution'), fields.resolution,
    h('dt', {}, 'Created'), fields.created,
    h('dt', {}, 'Uploaded'), fields.uploaded,
    h('dt', {}, 'Access'), h('dd', {},
      h('div', { class: 'switch-row' }, signedSwitch, h('label', { for: 'require-signed' }, 'Require signed URLs')),
      h('p', { class: 'hint', id: 'signed-hint' }, 'Files and thumbnails then need a signed token instead of the video ID.')),
    h('dt', {}, 'Creator'), fields.creator);

  const tokenNote = h('p', { class: 'hint download-note' });
  const rows = TYPES.map(downloadRow);
  const downloadsCard = h('section', { class: 'card', 'aria-labelledby': 'downloads-title' },
    h('div', { class: 'card-head' }, h('h2', { id: 'downloads-title', class: 'card-title' }, 'Downloads')),
    tokenNote,
    h('div', { class: 'download-list' }, rows.map((r) => r.el)));

  view.append(
    h('div', { class: 'page-head' },
      h('div', { class: 'title-block' }, title, headBadge),
      h('div', { class: 'page-actions' }, deleteButton)),
    failure,
    h('div', { class: 'video-grid' },
      h('div', { class: 'video-media' }, thumb.el),
      h('section', { class: 'card', 'aria-label': 'Details' }, details)),
    downloadsCard);

  // ---- Video ----
  async function loadVideo() {
    clearTimeout(pollTimer);
    try {
      const answer = await api.get(path, { signal });
      const previous = video;
      video = answer.result;
      if (!previous) body.replaceChildren(view);
      update(previous);
      if (!previous) loadDownloads();
      if (!FINAL.has(video.status?.state)) pollTimer = setTimeout(loadVideo, POLL_MS);
    } catch (error) {
      if (api.isAbort(error)) return;
      showError(error);
      if (!video) {
        body.replaceChildren(h('div', { class: 'empty' },
          h('h1', { class: 'page-title' }, error.status === 404 ? 'Video not found' : 'Could not load this video'),
          h('p', { class: 'muted' }, h('a', { href: listHash() }, 'Back to your videos'))));
      }
      // The server may come back; a 4xx will not change by asking again.
      if (error.status === 0 || error.status >= 500) pollTimer = setTimeout(loadVideo, POLL_MS * 2);
    }
  }

  function update(previous) {
    const name = videoName(video);
    const state = video.status?.state || '';
    view.dataset.state = state;
    title.textContent = name;
    setTitle(name);
    headBadge.replaceChildren(stateBadge(video.status), video.requireSignedURLs ? badge('Private', 'neutral') : '');
    failure.hidden = state !== 'error';
    if (state === 'error') {
      const code = video.status.errorReasonCode ? ` (${video.status.errorReasonCode})` : '';
      failure.textContent = `Processing failed: ${video.status.errorReasonText || 'no reason given'}${code}`;
    }

    if (document.activeElement !== nameInput) nameInput.value = typeof video.meta?.name === 'string' ? video.meta.name : '';
    saveName.disabled = nameInput.value.trim() === currentName();
    fields.state.replaceChildren(stateBadge(video.status),
      state === 'error' && video.status.errorReasonText ? h('span', { class: 'field-note bad-text' }, video.status.errorReasonText) : '');
    fields.duration.textContent = formatDuration(video.duration);
    fields.size.textContent = formatBytes(video.size);
    fields.resolution.textContent = video.input?.width > 0 && video.input?.height > 0 ? `${video.input.width} × ${video.input.height}` : '—';
    fields.created.replaceChildren(timeEl(video.created));
    fields.uploaded.replaceChildren(timeEl(video.uploaded));
    fields.creator.textContent = video.creator || '—';
    signedSwitch.checked = Boolean(video.requireSignedURLs);
    thumb.img.alt = `Thumbnail of ${name}`;

    if (!previous || previous.requireSignedURLs !== video.requireSignedURLs) {
      signed = null;
      sign(); // redraws the links and the thumbnail
    } else if (previous.status?.state !== state) {
      showThumbnail(true); // it may exist now
    }
  }

  const currentName = () => (typeof video?.meta?.name === 'string' ? video.meta.name : '');

  function showThumbnail(reload = false) {
    const url = thumbnailUrl(video, 720, signed?.token);
    if (reload) thumb.show(null);
    thumb.show(url);
  }

  // ---- Signed links (private videos) ----
  async function sign() {
    clearTimeout(tokenTimer);
    signError = null;
    if (video.requireSignedURLs) {
      drawDownloads();
      try {
        // A fresh token per visit: its hour starts now, as the note below says.
        signed = await api.signedToken(uid, { fresh: true });
        // Renew a little before it runs out, so the links on screen keep working.
        tokenTimer = setTimeout(sign, Math.max(60_000, signed.expires - Date.now() - 5 * 60_000));
      } catch (error) {
        if (api.isAbort(error)) return;
        signed = null;
        signError = error;
      }
      if (signal.aborted || !video.requireSignedURLs) return;
    } else {
      signed = null;
    }
    drawDownloads();
    showThumbnail();
  }

  function mediaUrl(download) {
    if (!download?.url || (video.requireSignedURLs && !signed)) return null;
    const url = new URL(download.url, location.href);
    if (video.requireSignedURLs) url.pathname = url.pathname.replace(`/${uid}/`, `/${signed.token}/`);
    url.searchParams.set('filename', safeFileName(videoName(video), uid));
    return url.href;
  }

  // ---- Downloads ----
  function downloadRow(type) {
    const titleId = `download-title-${type.key}`;
    const bar = progressBar({ label: `${type.label} progress`, test: `progress-${type.key}` });
    const status = h('span', { class: 'download-status' });
    const pct = h('span', { class: 'pct' });
    const eta = h('span', { class: 'eta muted' });
    const meta = h('p', { class: 'download-meta' });
    const create = h('button', { type: 'button', class: 'button button-small button-primary', 'data-test': `create-${type.key}` }, 'Create');
    const link = h('a', { class: 'button button-small', 'data-test': `link-${type.key}`, download: '', 'aria-label': `Download ${type.label}` }, 'Download');
    let href = '';
    const copy = copyButton(() => href, { label: 'Copy link', test: `copy-${type.key}`, ariaLabel: `Copy the ${type.label} link` });
    const remove = h('button', {
      type: 'button', class: 'button button-small button-danger-quiet', 'data-test': `delete-${type.key}`, 'aria-label': `Delete the ${type.label} download`,
    }, 'Delete');
    const el = h('section', { class: 'download', 'data-test': `download-${type.key}`, 'data-status': 'none', 'aria-labelledby': titleId },
      h('div', { class: 'download-head' }, h('h3', { id: titleId, class: 'download-title' }, type.label), status),
      h('div', { class: 'download-progress' }, bar.el, pct, eta),
      h('div', { class: 'download-actions' }, create, link, copy, remove),
      meta);

    create.addEventListener('click', async () => {
      clearError();
      create.disabled = true;
      try {
        const answer = await api.post(`${path}/downloads/${type.key}`, undefined, { signal });
        setDownloads(answer.result);
        announce(`${type.label} download is being prepared`);
      } catch (error) {
        if (!api.isAbort(error)) showError(error);
      } finally {
        create.disabled = false;
      }
    });
    remove.addEventListener('click', async () => {
      clearError();
      remove.disabled = true;
      try {
        await api.del(`${path}/downloads/${type.key}`, { signal });
        const rest = { ...downloads };
        delete rest[type.key];
        setDownloads(rest);
        announce(`${type.label} download deleted`);
        create.focus(); // the Delete button is gone now
      } catch (error) {
        if (!api.isAbort(error)) showError(error);
      } finally {
        remove.disabled = false;
      }
    });

    function draw(download) {
      el.dataset.status = download?.status || 'none';
      const [label, tone] = download ? DOWNLOAD_STATUS[download.status] || [download.status, 'neutral'] : ['Not created', 'neutral'];
      status.replaceChildren(badge(label, tone));
      const percent = !download ? 0 : download.status === 'ready' ? 100 : Number(download.percentComplete) || 0;
      bar.set(percent);
      pct.textContent = download && download.status !== 'error' ? `${Math.floor(percent)}%` : '—';
      eta.textContent = download?.status === 'inprogress' && download.etaSeconds != null ? formatEta(download.etaSeconds) : '';

      meta.className = 'download-meta';
      if (!download) meta.textContent = 'Not created yet.';
      else if (download.status === 'error') {
        meta.classList.add('bad-text');
        meta.textContent = download.errorReasonText || 'The download failed.';
      } else if (download.status === 'ready') {
        const how = download.mode === 'transcode' ? 'transcoded' : download.mode === 'remux' ? 'remuxed, not re-encoded' : '';
        meta.textContent = [formatBytes(download.size), how].filter((x) => x && x !== '—').join(' · ');
      } else {
        meta.textContent = download.mode === 'transcode' ? 'Transcoding…' : download.mode === 'remux' ? 'Remuxing…' : 'Starting…';
      }

      create.hidden = Boolean(download) && download.status !== 'error';
      create.textContent = download?.status === 'error' ? 'Retry' : 'Create';
      remove.hidden = !download;
      href = download?.status === 'ready' ? mediaUrl(download) || '' : '';
      link.hidden = !href;
      copy.hidden = !href;
      if (href) link.href = href;
      else link.removeAttribute('href');
    }

    return { el, type, draw };
  }

  function drawDownloads() {
    for (const row of rows) row.draw(downloads[row.type.key]);
    if (!video?.requireSignedURLs) {
      tokenNote.textContent = 'Anyone with a link can download the file.';
    } else if (signed) {
      tokenNote.textContent = `This video requires signed URLs. These links carry a signed token that expires at ${formatTime(signed.expires)}; a copied link stops working then.`;
    } else if (signError) {
      tokenNote.textContent = `This video requires signed URLs, and the links could not be signed: ${signError.message}`;
    } else {
      tokenNote.textContent = 'This video requires signed URLs. Signing the links…';
    }
  }

  function setDownloads(map) {
    downloads = map && typeof map === 'object' ? map : {};
    drawDownloads();
    follow();
  }

  async function loadDownloads() {
    try {
      const answer = await api.get(`${path}/downloads`, { signal });
      setDownloads(answer.result);
    } catch (error) {
      if (!api.isAbort(error)) showError(error);
    }
  }

  const busy = () => Object.values(downloads).some((d) => d?.status === 'inprogress');

  /** Follows downloads in progress: the event stream, or polling once the stream has failed. */
  function follow() {
    if (!busy() || stream || downloadTimer || signal.aborted) return;
    if (pollDownloads) {
      downloadTimer = setTimeout(async () => {
        try {
          const answer = await api.get(`${path}/downloads`, { signal });
          downloads = answer.result || {};
          drawDownloads();
        } catch (error) {
          if (api.isAbort(error)) return;
          showError(error);
        }
        downloadTimer = 0;
        follow();
      }, DOWNLOAD_POLL_MS);
      return;
    }
    const reading = new AbortController();
    stream = reading;
    signal.addEventListener('abort', () => reading.abort(), { once: true });
    let heard = false;
    api.events(`${path}/downloads/events`, {
      signal: reading.signal,
      onEvent: (name, data) => {
        if (name !== 'downloads' && name !== 'done') return;
        try { downloads = JSON.parse(data) || {}; } catch { return; }
        heard = true;
        drawDownloads();
      },
    }).then(() => {
      // The server ends the stream after "done"; if it keeps ending without news, poll instead.
      emptyStreams = heard ? 0 : emptyStreams + 1;
      if (emptyStreams >= 2) pollDownloads = true;
    }, (error) => {
      if (api.isAbort(error)) return;
      pollDownloads = true; // no stream here (or it broke): poll every second instead
    }).finally(() => {
      if (stream === reading) stream = null;
      follow();
    });
  }

  // ---- Actions ----
  nameInput.addEventListener('input', () => { saveName.disabled = nameInput.value.trim() === currentName(); });
  nameInput.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') { nameInput.value = currentName(); saveName.disabled = true; }
  });
  nameForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = nameInput.value.trim();
    if (name === currentName()) return;
    clearError();
    saveName.disabled = true;
    saveName.textContent = 'Saving…';
    const meta = { ...(video.meta && typeof video.meta === 'object' ? video.meta : {}) };
    if (name) meta.name = name;
    else delete meta.name;
    try {
      const answer = await api.post(path, { meta }, { signal });
      const previous = video;
      video = answer.result;
      nameInput.value = currentName();
      update(previous);
      drawDownloads(); // the download file name follows the video name
      announce('Name saved');
    } catch (error) {
      if (!api.isAbort(error)) showError(error);
    } finally {
      saveName.textContent = 'Save';
      saveName.disabled = nameInput.value.trim() === currentName();
    }
  });

  signedSwitch.addEventListener('change', async () => {
    clearError();
    const wanted = signedSwitch.checked;
    signedSwitch.disabled = true;
    try {
      const answer = await api.post(path, { requireSignedURLs: wanted }, { signal });
      const previous = video;
      video = answer.result;
      update(previous);
      announce(wanted ? 'Signed URLs are now required' : 'Signed URLs are no longer required');
    } catch (error) {
      if (api.isAbort(error)) return;
      signedSwitch.checked = !wanted;
      showError(error);
    } finally {
      signedSwitch.disabled = false;
    }
  });

  deleteButton.addEventListener('click', async () => {
    const ok = await confirmDialog({
      title: 'Delete this video?',
      message: `“${videoName(video)}” and its downloads will be deleted for good. Links to it stop working.`,
      confirmLabel: 'Delete video',
      confirmTest: 'confirm-delete',
    });
    if (!ok) { deleteButton.focus(); return; }
    clearError();
    deleteButton.disabled = true;
    try {
      await api.del(path); // not tied to the page: leaving must not half-cancel a delete
      announce('Video deleted');
      navigate(listHash());
    } catch (error) {
      showError(error);
      deleteButton.disabled = false;
    }
  });

  loadVideo();
  return () => {
    page.abort();
    clearTimeout(pollTimer);
    clearTimeout(tokenTimer);
    clearTimeout(downloadTimer);
  };
}
