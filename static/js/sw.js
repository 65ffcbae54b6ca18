/* The service worker, served at the root scope by emps.offline.service_worker, which writes
 * self.EMPS_CONFIG above this text: {version, assets, shells, outbox}.
 *
 * It keeps two things only: the static assets, and the EMPTY entry forms (« shells », fetched by itself with
 * ?hors-ligne=1, stored only when the server marks them with X-EMPS-Offline-Shell). Every other page goes
 * to the network and is never stored: no page holding a young person's data is ever cached. Without
 * network, an entry form opens from its shell, and any other page gives the outbox's page. Posts are
 * never touched here: static/js/outbox.js keeps what could not be sent.
 */
"use strict";

var CONFIG = self.EMPS_CONFIG;
var ASSETS = "emps-assets-" + CONFIG.version;
var PAGES = "emps-pages-" + CONFIG.version;
var SHELL_HEADER = "X-EMPS-Offline-Shell";
var NAVIGATION_TIMEOUT = 8000;
var SHELL_TIMEOUT = 15000;

function pathOf(url) {
  return new URL(url, self.location.origin).pathname;
}

var SHELLS = {};
CONFIG.shells.forEach(function (url) { SHELLS[pathOf(url)] = url; });
var ASSET_PATHS = {};
CONFIG.assets.forEach(function (url) { ASSET_PATHS[pathOf(url)] = true; });

/* Fetch the shells the cache lacks (all of them when `all`), one after the other, each in a bounded
 * time; a page is stored only when the server marks it as a shell. */
function storeShells(all) {
  return caches.open(PAGES).then(function (cache) {
    return CONFIG.shells.reduce(function (previous, url) {
      return previous.then(function () {
        return all ? null : cache.match(url);
      }).then(function (found) {
        if (found) { return null; }
        var controller = new AbortController();
        var timer = setTimeout(function () { controller.abort(); }, SHELL_TIMEOUT);
        return fetch(url, { credentials: "same-origin", cache: "no-store", signal: controller.signal })
          .then(function (response) {
            clearTimeout(timer);
            if (response.ok && !response.redirected && response.headers.get(SHELL_HEADER) === "1") {
              return cache.put(url, response);
            }
            // Not a shell (signed out: the log-in page): let its connection go.
            return response.body ? response.body.cancel() : null;
          })
          .catch(function () { clearTimeout(timer); return null; });
      });
    }, Promise.resolve());
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(ASSETS)
      .then(function (cache) { return cache.addAll(CONFIG.assets); })
      .then(function () { return storeShells(true); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("emps-") === 0 && name !== ASSETS && name !== PAGES;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("message", function (event) {
  // A signed-in page asks for the shells that an install without session could not fetch.
  if (event.data && event.data.type === "shells") { event.waitUntil(storeShells(false)); }
});

function withTimeout(promise, milliseconds) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("timeout")); }, milliseconds);
    promise.then(function (value) { clearTimeout(timer); resolve(value); },
      function (error) { clearTimeout(timer); reject(error); });
  });
}

function fromCache(url) {
  return caches.open(PAGES).then(function (cache) { return cache.match(url); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (ASSET_PATHS[url.pathname]) {
    event.respondWith(caches.match(request, { cacheName: ASSETS }).then(function (cached) {
      return cached || fetch(request);
    }));
    return;
  }
  if (request.mode !== "navigate") { return; }
  var shell = SHELLS[url.pathname];
  event.respondWith(
    withTimeout(fetch(request), NAVIGATION_TIMEOUT).catch(function () {
      return fromCache(shell || SHELLS[CONFIG.outbox])
        .then(function (cached) { return cached || Response.error(); });
    })
  );
});

self.addEventListener("sync", function (event) {
  if (event.tag !== "emps-outbox") { return; }
  event.waitUntil(self.clients.matchAll({ type: "window" }).then(function (clients) {
    clients.forEach(function (client) { client.postMessage({ type: "flush" }); });
  }));
});
