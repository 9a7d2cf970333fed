// Bootstrap and hash router. Each view is render(root, context) → cleanup, and the cleanup stops its timers and
// requests when the person leaves. Without a token every route shows the sign-in form and no API call is made.

import { isSignedIn, onUnauthorized, signOut } from './api.js';
import { clearError, announce, h, setTitle } from './ui.js';
import * as uploads from './uploads.js';
import * as signin from './views/signin.js';
import * as videos from './views/videos.js';
import * as video from './views/video.js';
import * as upload from './views/upload.js';
import * as copy from './views/copy.js';

const routes = [
  { pattern: /^\/signin$/, view: signin, nav: null, public: true },
  { pattern: /^\/videos$/, view: videos, nav: '/videos' },
  { pattern: /^\/videos\/([^/?]+)$/, view: video, nav: '/videos' },
  { pattern: /^\/upload$/, view: upload, nav: '/upload' },
  { pattern: /^\/copy$/, view: copy, nav: '/copy' },
];

const main = document.getElementById('main');
const alertBox = document.getElementById('alert');
const nav = document.getElementById('nav');
const signOutButton = document.getElementById('sign-out');
const uploadCount = document.getElementById('upload-count');

let cleanup = null;
let returnTo = '';          // where to go after signing in
let pendingMessage = null;  // the error shown on the sign-in form after a 401
let firstRender = true;

function parseHash() {
  // The query part is left to URLSearchParams to decode; path parts are decoded by the views that read them.
  const raw = location.hash.replace(/^#/, '') || '/videos';
  const [path, query = ''] = raw.split('?');
  return { path: path || '/videos', params: new URLSearchParams(query) };
}

function updateChrome(signedIn, active) {
  nav.hidden = !signedIn;
  signOutButton.hidden = !signedIn;
  for (const link of nav.querySelectorAll('a[data-route]')) {
    if (link.dataset.route === active) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function route() {
  cleanup?.();
  cleanup = null;
  const { path, params } = parseHash();
  const signedIn = isSignedIn();

  if (!signedIn && path !== '/signin') {
    returnTo = location.hash && !location.hash.startsWith('#/signin') ? location.hash : '';
    location.replace('#/signin');
    return;
  }
  if (signedIn && path === '/signin') {
    location.replace('#/videos');
    return;
  }

  const found = routes.map((r) => ({ r, match: path.match(r.pattern) })).find((x) => x.match);
  updateChrome(signedIn, found?.r.nav ?? null);

  // The alert area lives at the top of the page; a view may move it (sign-in puts it in its form).
  main.prepend(alertBox);
  clearError();
  const root = h('div', { id: 'view' });
  document.getElementById('view')?.replaceWith(root);

  if (!found) {
    setTitle('Not found');
    root.append(h('div', { class: 'empty' },
      h('h1', { class: 'page-title', tabindex: '-1' }, 'Page not found'),
      h('p', {}, h('a', { href: '#/videos' }, 'Go to your videos'))));
  } else {
    const context = {
      params,
      match: found.match,
      message: pendingMessage,
      navigate: (hash) => { location.hash = hash; },
      signedIn: () => {
        const target = returnTo;
        returnTo = '';
        location.replace(target || '#/videos');
      },
    };
    pendingMessage = null;
    cleanup = found.r.view.render(root, context) || null;
  }

  // Move focus to the new page's heading so keyboard and screen-reader users start there (not on first load).
  if (!firstRender) {
    if (!root.contains(document.activeElement)) {
      const heading = root.querySelector('h1');
      heading?.setAttribute('tabindex', '-1');
      (heading || main).focus({ preventScroll: true });
    }
    scrollTo(0, 0);
  }
  firstRender = false;
}

function endSession(error) {
  uploads.stopAll('Signed out before the upload finished. Sign in and choose the file again to resume.');
  signOut();
  pendingMessage = error;
  // After a 401 the person signs in again and comes back here; after "Sign out" they start at the list.
  returnTo = error && !location.hash.startsWith('#/signin') ? location.hash : '';
  if (location.hash.startsWith('#/signin')) route();
  else location.hash = '#/signin';
}

onUnauthorized((error) => {
  // Several calls may fail at once; the first one signs out, the others find the page signed out already.
  if (isSignedIn()) endSession(error);
});

signOutButton.addEventListener('click', () => {
  endSession(null);
  announce('Signed out');
});

// The skip link would change the hash (and the route): focus the content instead.
document.getElementById('skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});

uploads.subscribe(() => {
  const count = uploads.activeCount();
  uploadCount.hidden = count === 0;
  uploadCount.textContent = count ? String(count) : '';
  uploadCount.setAttribute('aria-label', `${count} in progress`);
});

// Leaving the page would stop the uploads (they resume later, but warn anyway).
addEventListener('beforeunload', (event) => {
  if (uploads.activeCount() > 0) {
    event.preventDefault();
    event.returnValue = '';
  }
});

addEventListener('hashchange', route);
route();
