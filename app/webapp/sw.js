/* The service worker (issue 19). app.webapp.routes serves it at /sw.js and puts three constants first:
   VERSION (a hash of the static files: every deploy changes it), OFFLINE_URL, MANIFEST_URL, and SHELL (what is
   kept at install).

   Sections, each on its own: 1. install and activate, 2. static files, 3. pages read, 4. logout, 5. push.
   The push feature's handlers are loaded in section 5 (importScripts passes our CSP, script-src 'self',
   and the version covers the static files, so a change there renews the worker too). */
"use strict";

const SHELL_CACHE = "shell-" + VERSION;
const PUBLIC_PAGES = "pages-public";   // anonymous visitors' pages: public content only
const PRIVATE_PAGES = "pages-private"; // a signed-in person's pages: emptied at logout
const MAX_PAGES = 40;                   // per cache: the pages read last
const CSRF_INPUT = /<input\b[^>]*\bname="csrf_token"[^>]*>/g;

/* Cache changes run one after another, so emptying the private cache at logout cannot be overtaken by a page
   still being saved. */
let cacheWork = Promise.resolve();
function inTurn(task) {
  cacheWork = cacheWork.then(task, task);
  return cacheWork;
}

/* ---- 1. install and activate ---------------------------------------------------------------------------- */

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    // Without cookies: the offline page kept here must not show who was signed in.
    await cache.addAll(SHELL.map((url) => new Request(url, { credentials: "omit" })));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("shell-") && name !== SHELL_CACHE) {
        await caches.delete(name);
      }
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return; // what changes something always goes to the server, and nothing of it is kept
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(page(event));
  } else if (url.pathname === MANIFEST_URL) {
    event.respondWith(manifest(event));
  } else if (/^\/(static|brand|app-icon)\//.test(url.pathname)) {
    event.respondWith(staticFile(event));
  }
});

/* ---- 2. static files: from the cache first (it is replaced with every deploy) --------------------------- */

async function staticFile(event) {
  const cache = await caches.open(SHELL_CACHE);
  const kept = await cache.match(event.request, { ignoreVary: true });
  if (kept) {
    return kept;
  }
  const response = await fetch(event.request);
  if (response.ok && response.type === "basic") {
    event.waitUntil(cache.put(event.request, response.clone()));
  }
  return response;
}

/* The manifest changes with the settings: from the network, the copy kept at install when offline. */
async function manifest(event) {
  try {
    return await fetch(event.request);
  } catch (error) {
    const kept = await caches.match(MANIFEST_URL, { cacheName: SHELL_CACHE, ignoreVary: true });
    return kept || Response.error();
  }
}

/* ---- 3. pages read: from the network first, a saved copy when it cannot be reached ---------------------- */

async function page(event) {
  const request = event.request;
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    return savedPage(request);
  }
  const scope = response.headers.get("X-Offline-Cache");
  if (scope === "public" || scope === "anonymous") {
    await forgetPrivatePages(); // nobody is signed in now
  }
  if ((scope === "public" || scope === "private") && response.status === 200 && !response.redirected) {
    event.waitUntil(keep(scope === "public" ? PUBLIC_PAGES : PRIVATE_PAGES, request.url, response.clone()));
  }
  return response;
}

async function keep(cacheName, url, response) {
  const text = await response.text();
  // No CSRF token is kept, and the copy knows it is one: the page then shows the offline notice.
  const saved = text.replace(CSRF_INPUT, '<input type="hidden" name="csrf_token" value="">')
    .replace("<html", '<html data-saved-copy="' + new Date().toISOString() + '"');
  const headers = new Headers(response.headers);
  headers.delete("Content-Length");
  return inTurn(async () => {
    const cache = await caches.open(cacheName);
    await cache.delete(url); // put anew at the end: the pages read longest ago go first
    await cache.put(url, new Response(saved, { status: 200, headers: headers }));
    const urls = await cache.keys();
    for (const old of urls.slice(0, Math.max(0, urls.length - MAX_PAGES))) {
      await cache.delete(old);
    }
  });
}

async function savedPage(request) {
  for (const name of [PRIVATE_PAGES, PUBLIC_PAGES]) {
    const copy = await caches.match(request.url, { cacheName: name, ignoreVary: true });
    if (copy) {
      return copy;
    }
  }
  const offline = await caches.match(OFFLINE_URL, { ignoreVary: true });
  return offline || Response.error();
}

/* ---- 4. logout: the page tells us (static/js/webapp.js); the next page's header would too ---------------- */

function forgetPrivatePages() {
  return inTurn(() => caches.delete(PRIVATE_PAGES));
}

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "logout") {
    event.waitUntil(forgetPrivatePages());
  }
});

/* ---- 5. push: the "push" and "notificationclick" handlers (static/js/push-sw.js, same origin: CSP allows it) -- */

importScripts("/static/js/push-sw.js");
