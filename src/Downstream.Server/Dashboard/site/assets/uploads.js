// The upload queue. It outlives the Upload page, so files keep uploading while the person looks at other pages;
// the page subscribes to it and redraws the items that changed.

import { isAbort } from './api.js';
import { Upload } from './tus.js';

const PARALLEL = 2;

export const items = [];
const listeners = new Set();
let nextId = 1;
let running = 0;

/** fn(item) after an item changes; fn(null) when items are added or removed. */
export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function emit(item) {
  for (const fn of listeners) fn(item);
}

export const isActive = (item) => item.state === 'queued' || item.state === 'uploading';
export const activeCount = () => items.filter(isActive).length;

const sameFile = (a, b) => a.name === b.name && a.size === b.size && a.lastModified === b.lastModified;

/** Queues files; a file already queued or uploading is not added twice (both would write to one upload). */
export function add(files) {
  for (const file of files) {
    if (items.some((i) => isActive(i) && sameFile(i.file, file))) continue;
    items.push({ id: nextId++, file, name: file.name, size: file.size, sent: 0, state: 'queued', note: '', error: null, uid: null, upload: null });
  }
  emit(null);
  pump();
}

function pump() {
  while (running < PARALLEL) {
    const item = items.find((i) => i.state === 'queued');
    if (!item) return;
    running += 1;
    run(item);
  }
}

async function run(item) {
  item.state = 'uploading';
  item.note = '';
  item.error = null;
  item.upload = new Upload(item.file, {
    onProgress: (sent) => { item.sent = sent; emit(item); },
    onStatus: (note) => { item.note = note; emit(item); },
  });
  emit(item);
  try {
    item.uid = await item.upload.start();
    item.sent = item.size;
    item.state = 'done';
  } catch (error) {
    if (item.state === 'uploading') {
      item.state = isAbort(error) ? 'canceled' : 'error';
      item.error = isAbort(error) ? null : error;
    }
  } finally {
    item.note = '';
    item.upload = null;
    running -= 1;
    emit(item);
    pump();
  }
}

/** Stops an item and frees its upload on the server. */
export function cancel(item) {
  if (!isActive(item)) return;
  const { upload } = item;
  item.state = 'canceled';
  item.note = '';
  upload?.cancel();
  emit(item);
}

/** Runs a failed or canceled item again; a tus upload the server still has resumes where it stopped. */
export function retry(item) {
  if (isActive(item)) return;
  item.state = 'queued';
  item.error = null;
  item.sent = 0;
  emit(item);
  pump();
}

export function remove(item) {
  if (isActive(item)) return;
  items.splice(items.indexOf(item), 1);
  emit(null);
}

export function clearFinished() {
  for (const item of [...items]) if (!isActive(item)) items.splice(items.indexOf(item), 1);
  emit(null);
}

/** On sign-out: stop everything but keep unfinished tus uploads, so choosing the files again resumes them. */
export function stopAll(reason) {
  for (const item of items) {
    if (!isActive(item)) continue;
    const { upload } = item;
    item.state = 'error';
    item.error = new Error(reason);
    upload?.cancel({ terminate: false });
    emit(item);
  }
}
