// Sign-in: account id + API token, checked with one list call before anything is stored.

import * as api from '../api.js';
import { h, setTitle, showError, clearError, announce } from '../ui.js';

export function render(root, { message, signedIn }) {
  setTitle('Sign in');
  const accountInput = h('input', {
    id: 'account-id', class: 'input mono', name: 'account', required: true, autocomplete: 'off', spellcheck: 'false',
    autocapitalize: 'off', 'aria-describedby': 'account-hint',
  });
  accountInput.value = api.rememberedAccount();
  const tokenInput = h('input', {
    id: 'api-token', class: 'input mono', name: 'token', type: 'password', required: true, autocomplete: 'off',
    spellcheck: 'false', autocapitalize: 'off', 'aria-describedby': 'token-hint',
  });
  const submit = h('button', { type: 'submit', class: 'button button-primary button-block', 'data-test': 'sign-in' }, 'Sign in');
  let controller = null;

  const form = h('form', { class: 'stack', novalidate: true },
    h('div', { class: 'field' },
      h('label', { for: 'account-id' }, 'Account ID'),
      accountInput,
      h('p', { class: 'hint', id: 'account-hint' }, 'The 32-character account ID the server printed when it started.')),
    h('div', { class: 'field' },
      h('label', { for: 'api-token' }, 'API token'),
      tokenInput,
      h('p', { class: 'hint', id: 'token-hint' }, 'Kept in this browser tab only, and forgotten when you close it.')),
    submit);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearError();
    const accountId = accountInput.value.trim();
    const apiToken = tokenInput.value.trim();
    if (!accountId || !apiToken) {
      showError(accountId ? 'Paste your API token.' : 'Enter your account ID.');
      (accountId ? tokenInput : accountInput).focus();
      return;
    }
    controller?.abort();
    controller = new AbortController();
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    try {
      // One cheap read proves the token works for this account before it is kept.
      await api.get('', { query: { limit: 1 }, apiToken, accountId, signInCheck: true, signal: controller.signal });
      api.signIn(accountId, apiToken);
      announce('Signed in');
      signedIn();
    } catch (error) {
      if (api.isAbort(error)) return;
      showError(error);
      tokenInput.focus();
      tokenInput.select();
    } finally {
      submit.disabled = false;
      submit.textContent = 'Sign in';
    }
  });

  const card = h('section', { class: 'card signin-card', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title', class: 'page-title' }, 'Sign in to Downstream'),
    h('p', { class: 'muted' }, 'Use an API token with Stream access to this account.'),
    form);
  root.append(h('div', { class: 'signin' }, card));
  // The alert sits in the form, next to what it is about.
  form.prepend(document.getElementById('alert'));
  if (message) showError(message);

  (accountInput.value ? tokenInput : accountInput).focus();
  return () => controller?.abort();
}
