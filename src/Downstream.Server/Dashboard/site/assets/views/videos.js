// The video list: newest first, one page at a time (cursor paging with `before`), searchable by name and
// filterable by state. Only one page is ever in the DOM, so thousands of videos stay quick.

import * as api from '../api.js';
import {
  h, setTitle, showError, clearError, formatBytes, formatDuration, timeEl, stateBadge, videoName, thumbnail, thumbnailUrl, badge,
} from '../ui.js';

const PAGE = 25;
const REFRESH_MS = 3000;
const FINAL = new Set(['ready', 'error']);
const STATES = [
  ['', 'All states'],
  ['ready', 'Ready'],
  ['inprogress', 'Processing'],
  ['queued', 'Queued'],
  ['downloading', 'Downloading'],
  ['pendingupload', 'Pending upload'],
  ['error', 'Error'],
];

// Remembered across visits, so coming back from a video returns to the same page of the same search.
let remembered = { key: '', cursors: [], before: undefined };
let lastHash = '#/videos';

/** The list as last seen (with its search and filter), for "back to videos" links. */
export const listHash = () => lastHash;

export function render(root, { params }) {
  setTitle('Videos');
  let search = params.get('search') || '';
  let status = STATES.some(([value]) => value === params.get('status')) ? params.get('status') : '';
  const key = () => `${search}\n${status}`;
  let cursors = [];
  let before;
  if (remembered.key === key()) { cursors = [...remembered.cursors]; before = remembered.before; }

  let controller = null;
  let debounce = 0;
  let refresh = 0;
  let seq = 0;
  let rows = [];
  let total = null;

  const searchInput = h('input', {
    id: 'video-search', class: 'input', type: 'search', placeholder: 'Search by name', autocomplete: 'off', 'data-test': 'search',
  });
  searchInput.value = search;
  const statusSelect = h('select', { id: 'status-filter', class: 'input select', 'data-test': 'status-filter' },
    STATES.map(([value, label]) => h('option', { value }, label)));
  statusSelect.value = status;

  const totalText = h('p', { class: 'muted total', 'data-test': 'total', 'aria-live': 'polite' }, '\u00a0');
  const tbody = h('tbody');
  const table = h('table', { class: 'video-table' },
    h('caption', { class: 'visually-hidden' }, 'Videos, newest first'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', class: 'col-thumb' }, h('span', { class: 'visually-hidden' }, 'Thumbnail')),
      h('th', { scope: 'col' }, 'Name'),
      h('th', { scope: 'col', class: 'col-state' }, 'State'),
      h('th', { scope: 'col', class: 'col-num' }, 'Duration'),
      h('th', { scope: 'col', class: 'col-num' }, 'Size'),
      h('th', { scope: 'col', class: 'col-date' }, 'Created'))),
    tbody);
  const empty = h('div', { class: 'empty', hidden: true });
  const list = h('div', { class: 'video-list', 'data-test': 'videos', 'aria-busy': 'true' }, table, empty);
  const prev = h('button', { type: 'button', class: 'button', 'data-test': 'prev-page', disabled: true }, '← Previous');
  const next = h('button', { type: 'button', class: 'button', 'data-test': 'next-page', disabled: true }, 'Next →');
  const range = h('span', { class: 'muted range' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' }, prev, range, next);

  const toolbar = h('form', { class: 'toolbar', role: 'search', 'aria-label': 'Filter videos' },
    h('div', { class: 'field field-grow' },
      h('label', { for: 'video-search', class: 'visually-hidden' }, 'Search videos by name'), searchInput),
    h('div', { class: 'field field-inline' },
      h('label', { for: 'status-filter' }, 'State'), statusSelect));

  root.append(
    h('div', { class: 'page-head' },
      h('div', {}, h('h1', { class: 'page-title' }, 'Videos'), totalText),
      h('div', { class: 'page-actions' },
        h('a', { class: 'button', href: '#/copy' }, 'Copy from URL'),
        h('a', { class: 'button button-primary', href: '#/upload' }, 'Upload'))),
    toolbar, list, pager);

  function syncHash() {
    const query = new URLSearchParams();
    if (search) query.set('search', search);
    if (status) query.set('status', status);
    const qs = query.toString();
    lastHash = `#/videos${qs ? `?${qs}` : ''}`;
    // replaceState does not fire hashchange, so the view (and the focus in the search box) stays.
    history.replaceState(null, '', lastHash);
  }

  function restart() {
    cursors = [];
    before = undefined;
    syncHash();
    load();
  }

  function row(video) {
    const href = `#/videos/${encodeURIComponent(video.uid)}`;
    const name = videoName(video);
    const thumb = thumbnail();
    showThumb(video, thumb);
    return h('tr', { 'data-test': 'video-row', 'data-uid': video.uid, 'data-state': video.status?.state || '' },
      h('td', { class: 'col-thumb' }, h('a', { href, tabindex: '-1', 'aria-hidden': 'true' }, thumb.el)),
      h('td', { class: 'col-name' },
        h('a', { class: 'video-link', href }, name),
        h('span', { class: 'row-sub' },
          name !== video.uid ? h('span', { class: 'mono muted uid-short', title: video.uid }, video.uid) : null,
          video.requireSignedURLs ? badge('Private', 'neutral') : null)),
      h('td', { class: 'col-state' }, stateBadge(video.status)),
      h('td', { class: 'col-num' }, formatDuration(video.duration)),
      h('td', { class: 'col-num' }, formatBytes(video.size)),
      h('td', { class: 'col-date' }, timeEl(video.created)));
  }

  function showThumb(video, thumb) {
    if (!video.requireSignedURLs) { thumb.show(thumbnailUrl(video, 180)); return; }
    // A private video's thumbnail needs a signed token; without one the placeholder stays.
    api.signedToken(video.uid).then((signed) => thumb.show(thumbnailUrl(video, 180, signed.token))).catch(() => {});
  }

  function draw(videos) {
    const sameRows = videos.length === rows.length && videos.every((v, i) => v.uid === rows[i].uid);
    if (sameRows) {
      // A refresh of the same page: replace only rows whose video changed, so focus and images stay.
      videos.forEach((video, i) => {
        if (video.modified !== rows[i].modified || video.status?.pctComplete !== rows[i].status?.pctComplete) {
          const old = tbody.children[i];
          const fresh = row(video);
          if (old.contains(document.activeElement)) {
            old.replaceWith(fresh);
            fresh.querySelector('.video-link').focus();
          } else {
            old.replaceWith(fresh);
          }
        }
      });
    } else {
      tbody.replaceChildren(...videos.map(row));
    }
    rows = videos;

    const filtered = Boolean(search || status);
    table.hidden = videos.length === 0;
    empty.hidden = videos.length !== 0;
    if (videos.length === 0) {
      empty.replaceChildren(
        h('p', { class: 'empty-title' }, filtered ? 'No videos match.' : before ? 'No more videos.' : 'No videos yet.'),
        filtered
          ? h('p', { class: 'muted' }, 'Try another name or state.')
          : h('p', { class: 'muted' }, h('a', { href: '#/upload' }, 'Upload a file'), ' or ', h('a', { href: '#/copy' }, 'copy one from a URL'), '.'));
    }

    const start = cursors.length * PAGE;
    totalText.textContent = total === null ? '\u00a0' : `${total.toLocaleString()} ${total === 1 ? 'video' : 'videos'}${filtered ? ' found' : ''}`;
    range.textContent = videos.length ? `${(start + 1).toLocaleString()}–${(start + videos.length).toLocaleString()}${total === null ? '' : ` of ${total.toLocaleString()}`}` : '';
    prev.disabled = cursors.length === 0;
    next.disabled = videos.length < PAGE || (total !== null && start + videos.length >= total);
  }

  async function load({ silent = false } = {}) {
    clearTimeout(refresh);
    controller?.abort();
    controller = new AbortController();
    const mine = ++seq;
    remembered = { key: key(), cursors: [...cursors], before };
    if (!silent) list.classList.add('is-loading');
    list.setAttribute('aria-busy', 'true');
    try {
      const answer = await api.get('', {
        query: { limit: PAGE, include_counts: 'true', search, status, before, asc: 'false' },
        signal: controller.signal,
      });
      if (mine !== seq) return;
      total = typeof answer.total === 'number' ? answer.total : null;
      draw(Array.isArray(answer.result) ? answer.result : []);
      if (!silent) clearError();
      // Keep states current while something on this page is still being processed.
      if (rows.some((v) => !FINAL.has(v.status?.state))) refresh = setTimeout(() => load({ silent: true }), REFRESH_MS);
    } catch (error) {
      if (api.isAbort(error) || mine !== seq) return;
      showError(error);
    } finally {
      if (mine === seq) {
        list.classList.remove('is-loading');
        list.setAttribute('aria-busy', 'false');
        // A pager button that just became disabled would drop focus to the page.
        if (lastPager?.disabled && (document.activeElement === lastPager || document.activeElement === document.body)) {
          (prev.disabled ? next : prev).focus();
        }
        lastPager = null;
      }
    }
  }

  let lastPager = null;
  next.addEventListener('click', () => {
    const last = rows[rows.length - 1];
    if (!last) return;
    lastPager = next;
    cursors.push(before ?? null);
    before = last.created;
    load();
  });
  prev.addEventListener('click', () => {
    if (!cursors.length) return;
    lastPager = prev;
    before = cursors.pop() ?? undefined;
    load();
  });

  searchInput.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      const value = searchInput.value.trim();
      if (value === search) return;
      search = value;
      restart();
    }, 300);
  });
  statusSelect.addEventListener('change', () => {
    // A search still waiting for its debounce goes along with the new filter.
    clearTimeout(debounce);
    search = searchInput.value.trim();
    status = statusSelect.value;
    restart();
  });
  toolbar.addEventListener('submit', (event) => {
    // Enter searches at once.
    event.preventDefault();
    clearTimeout(debounce);
    search = searchInput.value.trim();
    restart();
  });

  // The whole row opens the video (the name is the keyboard-reachable link).
  tbody.addEventListener('click', (event) => {
    if (event.target.closest('a, button') || getSelection()?.toString()) return;
    const tr = event.target.closest('tr[data-uid]');
    if (tr) location.hash = `#/videos/${encodeURIComponent(tr.dataset.uid)}`;
  });

  syncHash();
  load();
  return () => {
    clearTimeout(debounce);
    clearTimeout(refresh);
    controller?.abort();
  };
}
