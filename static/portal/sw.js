/* The service worker (served at /sw.js, scope /): a delegation's session and plan pages,
 * and the files they use, open with no network. A page is fetched from the server
 * first and kept; without a network the kept copy opens, and the live document
 * (IndexedDB, static/portal/live/) gives it the latest text typed here. Signing out
 * empties the kept pages (sw-register.js), so a shared laptop keeps none of them. */

const PAGES = "wp-pages-v1";
const FILES = "wp-files-v1";
const EDITABLE = /^\/w\/[^/]+\/d\/[^/]+\/(s\/[^/]+|plan)\/$/;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
self.addEventListener("message", (event) => {
  if (event.data === "signed-out") event.waitUntil(caches.delete(PAGES));
});

async function networkFirst(request) {
  const cache = await caches.open(PAGES);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(request, { ignoreSearch: false });
    if (kept) return kept;
    throw error;
  }
}

async function keptFirst(request) {
  const cache = await caches.open(FILES);
  const kept = await cache.match(request);
  const fresh = fetch(request).then((response) => {
    if (response.ok) cache.put(request, response.clone());
    return response;
  });
  return kept || fresh;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && EDITABLE.test(url.pathname)) {
    event.respondWith(networkFirst(request));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(keptFirst(request));
  }
});
