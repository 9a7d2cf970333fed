// Copy from URL: the server fetches the file itself; the new video opens and shows its progress.

import * as api from '../api.js';
import { h, setTitle, showError, clearError, announce } from '../ui.js';

export function render(root, { navigate }) {
  setTitle('Copy from URL');
  const url = h('input', {
    id: 'copy-url', class: 'input', type: 'url', required: true, placeholder: 'https://example.com/video.mp4',
    autocomplete: 'off', spellcheck: 'false', 'data-test': 'copy-url', 'aria-describedby': 'copy-url-hint',
  });
  const name = h('input', { id: 'copy-name', class: 'input', autocomplete: 'off', 'data-test': 'copy-name', 'aria-describedby': 'copy-name-hint' });
  const submit = h('button', { type: 'submit', class: 'button button-primary', 'data-test': 'copy-submit' }, 'Copy video');
  let controller = null;

  const form = h('form', { class: 'card stack copy-form' },
    h('div', { class: 'field' },
      h('label', { for: 'copy-url' }, 'File URL'),
      url,
      h('p', { class: 'hint', id: 'copy-url-hint' }, 'A public http or https address of a video or audio file. Addresses inside private networks are refused.')),
    h('div', { class: 'field' },
      h('label', { for: 'copy-name' }, 'Name ', h('span', { class: 'muted' }, '(optional)')),
      name,
      h('p', { class: 'hint', id: 'copy-name-hint' }, 'How the video is listed here.')),
    h('div', {}, submit));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearError();
    if (!url.checkValidity()) {
      url.reportValidity();
      return;
    }
    const body = { url: url.value.trim() };
    if (name.value.trim()) body.meta = { name: name.value.trim() };
    controller?.abort();
    controller = new AbortController();
    submit.disabled = true;
    submit.textContent = 'Starting copy…';
    try {
      const answer = await api.post('/copy', body, { signal: controller.signal });
      announce('Copy started');
      navigate(`#/videos/${encodeURIComponent(answer.result.uid)}`);
    } catch (error) {
      if (api.isAbort(error)) return;
      showError(error);
      url.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = 'Copy video';
    }
  });

  root.append(
    h('div', { class: 'page-head' }, h('div', {},
      h('h1', { class: 'page-title' }, 'Copy from URL'),
      h('p', { class: 'muted' }, 'Downstream downloads the file from the address you give, then processes it like an upload.'))),
    form);
  return () => controller?.abort();
}
