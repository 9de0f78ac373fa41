// The handheld's service worker (served by handheld.views.service_worker, scope /handheld/).
// It keeps the app shell in a cache named by the shell's version, so the app starts with no
// network. The device API (/api/…) is never touched here: the page talks to it directly and
// keeps what it collects in IndexedDB.
const VERSION = __VERSION__;
const SHELL = __SHELL__;
const SCOPE = __SCOPE__;
const CACHE = `woscan-handheld-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(SHELL.map((url) => new Request(url, {cache: "reload", credentials: "omit"})));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("woscan-handheld-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !SHELL.includes(url.pathname)) return;
  // The shell from the cache (a QR code's ?code=… still opens the cached page); the network
  // only if the cache lost it.
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const cached = await cache.match(url.pathname === SCOPE ? SCOPE : request, {ignoreSearch: true});
    return cached || fetch(request);
  })());
});
