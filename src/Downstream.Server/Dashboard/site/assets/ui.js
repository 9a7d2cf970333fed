// Small DOM helpers shared by the views. Text always goes in as text nodes (never innerHTML), so names and
// error messages from the API cannot become markup.

import { ApiError, sameOrigin } from './api.js';

/** h('a', { href, class, onclick, 'data-test': x }, ...children) */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

export function setTitle(title) {
  document.title = title ? `${title} · Downstream` : 'Downstream';
}

// The one alert area (data-test="error"): every failed call is shown here as a sentence, never as JSON.
const alertBox = () => document.getElementById('alert');

export function errorText(error) {
  if (error instanceof ApiError) return error.status ? `${error.message} (HTTP ${error.status})` : error.message;
  return error?.message || String(error);
}

export function showError(error) {
  const box = alertBox();
  box.textContent = errorText(error);
  box.hidden = false;
  const rect = box.getBoundingClientRect();
  if (rect.top < 0 || rect.bottom > innerHeight) box.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
}

export function clearError() {
  const box = alertBox();
  box.textContent = '';
  box.hidden = true;
}

/** Polite screen-reader announcement of something that happened without a page change. */
export function announce(text) {
  const live = document.getElementById('live');
  live.textContent = '';
  // A new text node in a later frame makes repeated messages be read again.
  requestAnimationFrame(() => { live.textContent = text; });
}

const KB = 1024;
export function formatBytes(bytes) {
  if (!(bytes > 0)) return '—';
  if (bytes < KB) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / KB;
  let unit = 0;
  while (value >= KB && unit < units.length - 1) { value /= KB; unit += 1; }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function formatDuration(seconds) {
  if (!(seconds > 0)) return '—';
  const total = Math.round(seconds);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = String(total % 60).padStart(2, '0');
  return hours ? `${hours}:${String(minutes).padStart(2, '0')}:${secs}` : `${minutes}:${secs}`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
export function formatDate(iso) {
  const date = iso ? new Date(iso) : null;
  return date && !Number.isNaN(date.getTime()) ? dateFormat.format(date) : '—';
}
export const formatTime = (ms) => timeFormat.format(new Date(ms));

/** <time> with the full timestamp in its title. */
export function timeEl(iso) {
  return iso ? h('time', { datetime: iso, title: new Date(iso).toString() }, formatDate(iso)) : h('span', {}, '—');
}

export function formatEta(seconds) {
  if (!(seconds >= 0)) return '';
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s left`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min left`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min left`;
}

export const videoName = (video) => (typeof video?.meta?.name === 'string' && video.meta.name.trim()) || video?.uid || '';

/** A ?filename= value: letters, digits, - and _ only (the server adds the extension). */
export function safeFileName(name, fallback) {
  const clean = String(name || '')
    .replace(/\.[A-Za-z0-9]{1,5}$/, '')
    .normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 120);
  return clean || fallback;
}

const STATE_LABELS = {
  pendingupload: 'Pending upload',
  downloading: 'Downloading',
  queued: 'Queued',
  inprogress: 'Processing',
  ready: 'Ready',
  error: 'Error',
};

export function stateLabel(status) {
  const state = status?.state || 'unknown';
  const label = STATE_LABELS[state] || state;
  if (state === 'inprogress') {
    const pct = Number.parseFloat(status.pctComplete);
    if (Number.isFinite(pct)) return `${label} ${Math.round(pct)}%`;
  }
  return label;
}

/** The state badge of a video or download; `tone` picks the colour. */
export function badge(text, tone) {
  return h('span', { class: `badge badge-${tone}` }, text);
}

export function toneOf(state) {
  if (state === 'ready') return 'ok';
  if (state === 'error') return 'bad';
  if (state === 'inprogress' || state === 'downloading') return 'busy';
  return 'neutral';
}

export const stateBadge = (status) => badge(stateLabel(status), toneOf(status?.state));

/**
 * A progress bar that never changes size: the fill is scaled inside a fixed track.
 * role=progressbar with aria-valuenow, so screen readers and tests read the percent.
 */
export function progressBar({ label, test }) {
  const fill = h('span', { class: 'progress-fill' });
  const el = h('div', {
    class: 'progress', role: 'progressbar', 'aria-label': label, 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '0', 'data-test': test,
  }, fill);
  return {
    el,
    set(percent) {
      const value = Math.min(100, Math.max(0, Number(percent) || 0));
      fill.style.transform = `scaleX(${value / 100})`;
      el.setAttribute('aria-valuenow', String(Number(value.toFixed(1))));
    },
  };
}

/** Modal confirmation with a native <dialog> (it traps focus and closes on Escape). Resolves true to go ahead. */
export function confirmDialog({ title, message, confirmLabel, confirmTest }) {
  return new Promise((resolve) => {
    const titleId = `dialog-title-${Math.random().toString(36).slice(2)}`;
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId });
    const cancel = h('button', { type: 'button', class: 'button', onclick: () => dialog.close('cancel') }, 'Cancel');
    const confirm = h('button', { type: 'button', class: 'button button-danger', 'data-test': confirmTest, onclick: () => dialog.close('confirm') }, confirmLabel);
    dialog.append(
      h('h2', { id: titleId, class: 'dialog-title' }, title),
      h('p', { class: 'dialog-text' }, message),
      h('div', { class: 'dialog-actions' }, cancel, confirm),
    );
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'confirm');
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus(); // the safe choice has focus
  });
}

/**
 * A "Copy" button with a visible "Copied" confirmation. Without clipboard access it shows the text in a selected
 * read-only field instead, to copy by hand.
 */
export function copyButton(getText, { label = 'Copy', test, ariaLabel } = {}) {
  let timer = 0;
  const button = h('button', { type: 'button', class: 'button button-small copy-button', 'data-test': test, 'aria-label': ariaLabel });
  const text = h('span', {}, label);
  button.append(text);
  const confirm = (message) => {
    text.textContent = message;
    button.classList.add('is-copied');
    announce(message === 'Selected' ? 'Selected; press Control+C to copy' : message);
    clearTimeout(timer);
    timer = setTimeout(() => { text.textContent = label; button.classList.remove('is-copied'); }, 2000);
  };
  button.addEventListener('click', async () => {
    const value = getText();
    if (!value) return;
    try {
      await navigator.clipboard.writeText(value);
      confirm('Copied');
    } catch {
      let field = button.nextElementSibling?.classList.contains('copy-fallback') ? button.nextElementSibling : null;
      if (!field) {
        field = h('input', { class: 'input copy-fallback', readonly: true, 'aria-label': 'Text to copy' });
        button.after(field);
      }
      field.value = value;
      field.focus();
      field.select();
      let copied = false;
      try { copied = document.execCommand('copy'); } catch { copied = false; }
      // If even that failed, the text is selected in the field for the person to copy.
      confirm(copied ? 'Copied' : 'Selected');
    }
  });
  return button;
}

/**
 * The thumbnail URL of a video; private videos need a signed token in place of the uid. The server names it in
 * `thumbnail` once there is one; an older server never does, so a ready video without it gets the usual path.
 */
export function thumbnailUrl(video, height, signed) {
  if (video.requireSignedURLs && !signed) return null;
  if (!video.thumbnail && video.status?.state !== 'ready') return null;
  const id = video.requireSignedURLs ? signed : video.uid;
  let url;
  if (video.thumbnail) {
    url = new URL(sameOrigin(video.thumbnail));
    if (video.requireSignedURLs) url.pathname = url.pathname.replace(`/${video.uid}/`, `/${signed}/`);
  } else {
    url = new URL(`/${encodeURIComponent(id)}/thumbnails/thumbnail.jpg`, location.origin);
  }
  url.searchParams.set('height', String(height));
  return url.href;
}

/**
 * A fixed 16:9 box with the thumbnail; until it loads (or if it never does) a neutral placeholder shows and the
 * image stays transparent, so there is no broken-image icon and no layout shift.
 */
export function thumbnail({ alt = '', test, large = false } = {}) {
  const img = h('img', { alt, decoding: 'async', loading: 'lazy', 'data-test': test });
  const box = h('div', { class: `thumb${large ? ' thumb-large' : ''}` }, img);
  img.addEventListener('load', () => { box.classList.add('is-loaded'); box.classList.remove('is-missing'); });
  img.addEventListener('error', () => { box.classList.remove('is-loaded'); box.classList.add('is-missing'); });
  return {
    el: box,
    img,
    show(url) {
      if (!url) { img.removeAttribute('src'); box.classList.remove('is-loaded'); return; }
      if (img.getAttribute('src') !== url) { box.classList.remove('is-loaded', 'is-missing'); img.src = url; }
    },
  };
}
