// Upload page: a drop zone and file picker feeding the upload queue (uploads.js), and one row per file with its
// progress. Rows are updated in place as progress arrives, so focus and layout stay put.

import * as uploads from '../uploads.js';
import { h, setTitle, showError, announce, formatBytes, progressBar, errorText } from '../ui.js';

const STATUS = {
  queued: 'Waiting…',
  uploading: 'Uploading…',
  done: 'Uploaded. The server is processing it.',
  canceled: 'Canceled.',
};

const bytes = (n) => (n > 0 ? formatBytes(n) : '0 B');

export function render(root) {
  setTitle('Upload');
  const input = h('input', {
    type: 'file', id: 'file-input', class: 'visually-hidden', multiple: true, accept: 'video/*,audio/*', tabindex: '-1', 'data-test': 'file-input',
  });
  const zone = h('button', { type: 'button', class: 'dropzone', 'data-test': 'drop-zone', 'aria-describedby': 'drop-hint' },
    h('span', { class: 'dropzone-icon', 'aria-hidden': 'true' }),
    h('span', { class: 'dropzone-title' }, 'Drop video or audio files here'),
    h('span', { class: 'dropzone-or muted', 'aria-hidden': 'true' }, 'or'),
    h('span', { class: 'button button-primary dropzone-button' }, 'Choose files'));
  const list = h('ul', { class: 'upload-list', 'aria-label': 'Uploads' });
  const clear = h('button', { type: 'button', class: 'button button-small button-quiet', hidden: true }, 'Clear finished');
  const listHead = h('div', { class: 'list-head', hidden: true }, h('h2', { class: 'card-title' }, 'Uploads'), clear);

  root.append(
    h('div', { class: 'page-head' }, h('div', {},
      h('h1', { class: 'page-title' }, 'Upload'),
      h('p', { class: 'muted' }, 'Files go up in 5 MB pieces. If the connection drops, the upload continues where it stopped; choosing the same file again after a reload resumes it.'))),
    h('label', { for: 'file-input', class: 'visually-hidden' }, 'Choose video or audio files'),
    input,
    zone,
    h('p', { class: 'hint', id: 'drop-hint' }, 'Several files can be queued. Keep this tab open until they finish; you can browse other pages meanwhile.'),
    listHead,
    list);

  // The zone is a real button, so Enter and Space open the picker too.
  zone.addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    if (input.files.length) queue(input.files);
    input.value = ''; // so the same file can be chosen again (to resume it)
  });

  const hasFiles = (event) => [...(event.dataTransfer?.types || [])].includes('Files');
  let depth = 0;
  zone.addEventListener('dragenter', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth += 1;
    zone.classList.add('is-dragover');
  });
  zone.addEventListener('dragover', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  });
  zone.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) zone.classList.remove('is-dragover');
  });
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    depth = 0;
    zone.classList.remove('is-dragover');
    if (event.dataTransfer?.files?.length) queue(event.dataTransfer.files);
  });
  // A file dropped beside the zone must not make the browser leave the page to show it.
  const swallow = (event) => { if (hasFiles(event)) event.preventDefault(); };
  addEventListener('dragover', swallow);
  addEventListener('drop', swallow);

  function queue(files) {
    uploads.add([...files]);
    announce(`${files.length} ${files.length === 1 ? 'file' : 'files'} queued`);
  }

  // ---- Rows ----
  const rows = new Map();

  function makeRow(item) {
    const bar = progressBar({ label: `Upload of ${item.name}`, test: 'upload-progress' });
    const amount = h('span', { class: 'upload-amount muted' });
    const pct = h('span', { class: 'pct' });
    const status = h('p', { class: 'upload-status' });
    const cancel = h('button', { type: 'button', class: 'button button-small', 'aria-label': `Cancel upload of ${item.name}`, onclick: () => uploads.cancel(item) }, 'Cancel');
    const retry = h('button', { type: 'button', class: 'button button-small', 'aria-label': `Retry upload of ${item.name}`, onclick: () => uploads.retry(item) }, 'Retry');
    const remove = h('button', { type: 'button', class: 'button button-small button-quiet', 'aria-label': `Remove ${item.name} from the list`, onclick: () => uploads.remove(item) }, 'Remove');
    const open = h('a', { class: 'button button-small button-primary', 'data-test': 'upload-done', hidden: true }, 'Open video');
    const el = h('li', { class: 'upload-item', 'data-test': 'upload-item' },
      h('div', { class: 'upload-head' }, h('span', { class: 'upload-name', title: item.name }, item.name), amount, pct),
      bar.el,
      h('div', { class: 'upload-foot' }, status, h('div', { class: 'upload-actions' }, open, cancel, retry, remove)));
    let lastState = null;

    function draw() {
      el.dataset.state = item.state;
      const percent = item.size ? (item.sent / item.size) * 100 : item.state === 'done' ? 100 : 0;
      bar.set(percent);
      pct.textContent = `${Math.floor(percent)}%`;
      amount.textContent = `${bytes(item.sent)} of ${bytes(item.size)}`;
      status.className = `upload-status${item.state === 'error' ? ' bad-text' : ''}`;
      status.textContent = item.state === 'error' ? errorText(item.error) : item.note || STATUS[item.state] || '';
      const active = uploads.isActive(item);
      cancel.hidden = !active;
      retry.hidden = !(item.state === 'error' || item.state === 'canceled');
      remove.hidden = active;
      open.hidden = !(item.state === 'done' && item.uid);
      if (item.uid) open.href = `#/videos/${encodeURIComponent(item.uid)}`;

      if (lastState !== null && lastState !== item.state) {
        if (item.state === 'done') announce(`${item.name} uploaded`);
        if (item.state === 'error') showError(item.error);
        if (item.state === 'canceled') announce(`Upload of ${item.name} canceled`);
      }
      lastState = item.state;
    }

    return { el, draw };
  }

  function sync() {
    // Add rows for new items, drop rows of removed ones, keep the order of the queue.
    const ids = new Set(uploads.items.map((i) => i.id));
    for (const [id, row] of rows) {
      if (ids.has(id)) continue;
      const hadFocus = row.el.contains(document.activeElement);
      row.el.remove();
      rows.delete(id);
      if (hadFocus) zone.focus();
    }
    uploads.items.forEach((item, index) => {
      let row = rows.get(item.id);
      if (!row) { row = makeRow(item); rows.set(item.id, row); row.draw(); }
      // Only move what is out of place: moving a row would take focus away from its buttons.
      if (list.children[index] !== row.el) list.insertBefore(row.el, list.children[index] || null);
    });
    listHead.hidden = uploads.items.length === 0;
    clear.hidden = !uploads.items.some((i) => !uploads.isActive(i));
  }

  clear.addEventListener('click', () => uploads.clearFinished());
  const unsubscribe = uploads.subscribe((item) => {
    if (!item) { sync(); return; }
    rows.get(item.id)?.draw();
    clear.hidden = !uploads.items.some((i) => !uploads.isActive(i));
  });
  sync();

  return () => {
    unsubscribe();
    removeEventListener('dragover', swallow);
    removeEventListener('drop', swallow);
  };
}
