/* The outbox: entries typed without network wait on this phone, in IndexedDB, until they are sent.
 *
 * A creation form marked data-outbox="kind" is sent by this script with a key generated here (client_key).
 * Without network, or when the server does not answer, the entry is kept with that key and sent later:
 * at the `online` event, at the next page load, with « Envoyer maintenant », or on Background Sync. The
 * server records each key once (emps/outbox.py), so a replay after a lost response creates nothing twice.
 * Entries are sent in the order they were typed; a youth typed offline ("outbox:KEY" in a picker) gets its
 * id from the server before the entries that name them are sent. An entry the server refuses stays here
 * with its French message and fields as typed. The outbox is emptied after each successful send and at
 * logout (docs/dpo.md). Edits of existing records never go through it: they stay online.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var config = {
    sw: script.dataset.sw || "",
    outboxUrl: script.dataset.outboxUrl || "",
    user: script.dataset.user || "",
  };
  var DB_NAME = "emps-outbox";
  var STORE = "entries";
  var PAGE_CACHES = "emps-pages-";
  var SEND_TIMEOUT = 20000;
  var RETRY_EVERY = 30000;
  var REF = "outbox:";
  var KINDS = {
    youth: "Nouveau jeune",
    intervention: "Intervention",
    presence: "Présence sociale",
    action: "Action collective",
  };
  var LOGIN_PATH = "/connexion/";
  var SESSION_EXPIRED = "Session expirée : reconnectez-vous, les saisies en attente partiront ensuite.";

  // IndexedDB

  var dbPromise = null;

  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "key" }); };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var result;
        transaction.oncomplete = function () { resolve(result); };
        transaction.onerror = function () { reject(transaction.error); };
        transaction.onabort = function () { reject(transaction.error); };
        result = work(transaction.objectStore(STORE));
      });
    });
  }

  function allEntries() {
    var found = [];
    return withStore("readonly", function (store) {
      store.openCursor().onsuccess = function (event) {
        var cursor = event.target.result;
        if (cursor) { found.push(cursor.value); cursor.continue(); }
      };
    }).then(function () {
      return found
        .filter(function (entry) { return entry.user === config.user; })
        .sort(function (a, b) { return a.seq - b.seq; });
    });
  }

  function getEntry(key) {
    var found = null;
    return withStore("readonly", function (store) {
      store.get(key).onsuccess = function (event) { found = event.target.result || null; };
    }).then(function () { return found; });
  }

  function putEntry(entry) {
    return withStore("readwrite", function (store) { store.put(entry); }).then(changed);
  }

  function deleteEntry(key) {
    return withStore("readwrite", function (store) { store.delete(key); }).then(changed);
  }

  /* A sent entry leaves the outbox; the entries naming it (a youth typed offline) get its id instead. */
  function completeEntry(entry, result) {
    return allEntries().then(function (entries) {
      return withStore("readwrite", function (store) {
        store.delete(entry.key);
        entries.forEach(function (other) {
          if (other.key !== entry.key && replaceRef(other.fields, REF + entry.key, String(result.id), result.label)) {
            store.put(other);
          }
        });
      });
    }).then(changed);
  }

  function replaceRef(fields, ref, id, label) {
    var touched = false;
    Object.keys(fields).forEach(function (name) {
      var value = fields[name];
      if (!Array.isArray(value)) {
        if (value === ref) { fields[name] = id; touched = true; }
        return;
      }
      value.forEach(function (item, index) {
        if (item === ref) { value[index] = id; touched = true; }
        if (item && item.value === ref) { value[index] = { value: id, label: label || item.label }; touched = true; }
      });
    });
    return touched;
  }

  function refsOf(fields) {
    var refs = [];
    Object.keys(fields).forEach(function (name) {
      [].concat(fields[name]).forEach(function (item) {
        var value = item && typeof item === "object" ? item.value : item;
        if (typeof value === "string" && value.indexOf(REF) === 0) { refs.push(value.slice(REF.length)); }
      });
    });
    return refs;
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // Badge

  function plural(count) {
    return count + (count > 1 ? " saisies en attente d'envoi" : " saisie en attente d'envoi");
  }

  function changed() {
    return allEntries().then(function (entries) {
      var badge = document.getElementById("outbox-badge");
      if (badge) {
        badge.hidden = !entries.length;
        badge.querySelector("[data-outbox-count]").textContent = plural(entries.length);
      }
      document.dispatchEvent(new CustomEvent("outbox:changed", { detail: entries }));
      return entries;
    });
  }

  // Sending

  function timeoutSignal() {
    if (window.AbortSignal && AbortSignal.timeout) { return AbortSignal.timeout(SEND_TIMEOUT); }
    return undefined;
  }

  function isLogin(response) {
    return response.redirected && new URL(response.url).pathname.indexOf(LOGIN_PATH) === 0;
  }

  /* A CSRF token of the current session, read from the outbox page; null offline, "login" when signed out. */
  function freshToken() {
    return fetch(config.outboxUrl, { credentials: "same-origin", cache: "no-store", signal: timeoutSignal() })
      .then(function (response) {
        if (isLogin(response)) { return "login"; }
        if (!response.ok) { return null; }
        return response.text().then(function (html) {
          var match = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html);
          return match ? match[1] : null;
        });
      })
      .catch(function () { return null; });
  }

  function formData(fields, token) {
    var data = new FormData();
    Object.keys(fields).forEach(function (name) {
      [].concat(fields[name]).forEach(function (item) {
        data.append(name, item && typeof item === "object" ? item.value : item);
      });
    });
    data.set("csrfmiddlewaretoken", token);
    return data;
  }

  /* {ok, id, label, url} | {refused, message, errors} | {login} | {offline, message} */
  function send(entry, token, mode) {
    return fetch(entry.url, {
      method: "POST",
      body: formData(entry.fields, token),
      credentials: "same-origin",
      headers: { "X-EMPS-Outbox": mode || "later", "X-CSRFToken": token },
      signal: timeoutSignal(),
    })
      .then(function (response) {
        if (isLogin(response)) { return { login: true }; }
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        if (response.ok && json) {
          return response.json().then(function (data) {
            if (!data.ok) { return { refused: true, message: data.message, errors: data.errors || {} }; }
            return { ok: true, id: data.id, label: data.label, url: data.url };
          });
        }
        if (response.status >= 500) { return { offline: true, message: "Le serveur ne répond pas pour le moment." }; }
        if (response.status === 403) {
          return { refused: true, message: "Le serveur refuse cette saisie (accès refusé). Rechargez la page, puis réessayez.", errors: {} };
        }
        return { refused: true, message: "Réponse inattendue du serveur (" + response.status + ").", errors: {} };
      })
      .catch(function () { return { offline: true, message: "Pas de réponse du serveur." }; });
  }

  var flushing = null;

  /* Send what waits, in order. Refused entries wait for a correction, unless `retryRefused`. */
  function flush(retryRefused) {
    if (flushing) { return flushing; }
    flushing = allEntries()
      .then(function (entries) {
        if (!entries.length || !navigator.onLine) { return entries; }
        return freshToken().then(function (token) {
          if (!token) { return entries; }
          if (token === "login") { return markAll(entries, SESSION_EXPIRED); }
          return sendAll(entries, token, retryRefused);
        });
      })
      .then(function () { flushing = null; return changed(); }, function (error) { flushing = null; throw error; });
    return flushing;
  }

  function markAll(entries, message) {
    return Promise.all(entries.map(function (entry) {
      if (entry.status === "refused") { return null; }
      entry.message = message;
      return putEntry(entry);
    }));
  }

  function sendAll(entries, token, retryRefused) {
    var waiting = {};
    entries.forEach(function (entry) { waiting[entry.key] = entry; });
    var index = 0;
    function next() {
      if (index >= entries.length) { return Promise.resolve(); }
      var entry = entries[index++];
      if (entry.status === "refused" && !retryRefused) { return next(); }
      var blocked = refsOf(entry.fields).filter(function (key) { return waiting[key]; });
      if (blocked.length) {
        entry.message = "Attend l'envoi de la fiche « " + waiting[blocked[0]].summary + " ».";
        return putEntry(entry).then(next);
      }
      return send(entry, token).then(function (result) {
        if (result.ok) {
          delete waiting[entry.key];
          return completeEntry(entry, result).then(function () {
            // The entries naming this one now hold its id.
            return allEntries().then(function (fresh) {
              var byKey = {};
              fresh.forEach(function (e) { byKey[e.key] = e; });
              for (var i = index; i < entries.length; i++) { entries[i] = byKey[entries[i].key] || entries[i]; }
            });
          }).then(next);
        }
        if (result.refused) {
          entry.status = "refused";
          entry.message = result.message;
          entry.errors = result.errors;
          return putEntry(entry).then(next);
        }
        if (result.login) { return markAll(entries.slice(index - 1), SESSION_EXPIRED); }
        entry.message = result.message;
        return putEntry(entry);  // offline again: stop, keep the order
      });
    }
    return next();
  }

  function askBackgroundSync() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) { return registration.sync.register("emps-outbox"); }
      return null;
    }).catch(function () { /* no Background Sync: the online event and the next page load send */ });
  }

  // Forms

  function fieldsSummary(kind, form, fields) {
    var parts = [];
    function text(name) { return typeof fields[name] === "string" ? fields[name].trim() : ""; }
    function labels(name) {
      return (fields[name] || []).map(function (item) { return item && item.label ? item.label.trim() : ""; }).filter(Boolean);
    }
    if (kind === "youth") { parts.push(text("first_name")); }
    if (kind === "action") { parts.push(text("title")); }
    parts = parts.concat(labels("youths"), labels("participants"));
    if (text("date")) { parts.push(formatDate(text("date"))); }
    if (text("first_met_on")) { parts.push(formatDate(text("first_met_on"))); }
    if (text("duration")) { parts.push(text("duration")); }
    return parts.filter(Boolean).join(" · ") || KINDS[kind];
  }

  function formatDate(value) {
    var match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    return match ? match[3] + "/" + match[2] + "/" + match[1] : value;
  }

  function keyInput(form) {
    var input = form.querySelector("input[name=client_key]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "client_key";
      form.appendChild(input);
    }
    if (!input.value) { input.value = uuid(); }
    return input;
  }

  function forget(form) {
    try { window.sessionStorage.removeItem("emps-draft:" + form.dataset.draft); } catch (e) { /* no storage */ }
  }

  function keep(form, entry, message) {
    entry.status = "waiting";
    entry.message = message || "";
    entry.errors = {};
    return putEntry(entry).then(function () {
      forget(form);
      askBackgroundSync();
      window.location.assign(config.outboxUrl + "?gardee=" + encodeURIComponent(entry.key));
    });
  }

  function nativeSubmit(form) {
    form.dataset.outboxNative = "1";
    HTMLFormElement.prototype.submit.call(form);
  }

  function setupForm(form) {
    var kind = form.dataset.outbox;
    var editing = null;
    var offline = element("div", "alert alert-secondary py-2",
      "Hors connexion : « Enregistrer » garde la saisie sur ce téléphone ; elle partira quand le réseau reviendra.");
    offline.setAttribute("role", "status");
    offline.setAttribute("data-outbox-offline", "");
    offline.hidden = navigator.onLine;
    form.parentNode.insertBefore(offline, form);
    var match = /^#saisie=([0-9a-f-]{36})$/.exec(window.location.hash);
    if (match) {
      getEntry(match[1]).then(function (entry) {
        if (!entry || entry.user !== config.user) { return; }
        editing = entry;
        window.EmpsForms.restore(form, entry.fields);
        keyInput(form).value = entry.key;
        showEntryErrors(form, entry);
      });
    }
    form.addEventListener("submit", function (event) {
      if (form.dataset.outboxNative || event.defaultPrevented) { return; }
      event.preventDefault();
      var key = keyInput(form).value;
      var fields = window.EmpsForms.serialize(form);
      var entry = {
        key: key,
        user: config.user,
        kind: kind,
        url: window.location.pathname,
        fields: fields,
        summary: fieldsSummary(kind, form, fields),
        created: editing ? editing.created : new Date().toISOString(),
        seq: editing ? editing.seq : Date.now(),
      };
      var buttons = form.querySelectorAll("[type=submit]");
      buttons.forEach(function (button) { button.disabled = true; });
      if (!navigator.onLine || refsOf(fields).length) {
        keep(form, entry).then(function () { if (navigator.onLine) { flush(); } });
        return;
      }
      freshToken().then(function (token) {
        if (token === "login") { return keep(form, entry, SESSION_EXPIRED); }
        if (!token) { return keep(form, entry, "Pas de réponse du serveur."); }
        return send(entry, token, "form").then(function (result) {
          if (result.ok) {
            (editing ? deleteEntry(key) : Promise.resolve()).then(function () {
              forget(form);
              window.location.assign(result.url);
            });
          } else if (result.refused) {
            // The server shows the form again with its errors, as without this script.
            var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
            if (csrf) { csrf.value = token; }
            (editing ? deleteEntry(key) : Promise.resolve()).then(function () { nativeSubmit(form); });
          } else if (result.login) {
            keep(form, entry, SESSION_EXPIRED);
          } else {
            keep(form, entry, result.message);
          }
        });
      });
    });
  }

  function showEntryErrors(form, entry) {
    var notice = document.createElement("div");
    notice.className = "alert " + (entry.status === "refused" ? "alert-danger" : "alert-info");
    notice.setAttribute("role", "alert");
    notice.setAttribute("data-outbox-notice", "");
    var title = document.createElement("p");
    title.className = "mb-1 fw-semibold";
    title.textContent = entry.status === "refused"
      ? "Le serveur a refusé cette saisie gardée sur ce téléphone : corrigez-la, puis enregistrez."
      : "Saisie gardée sur ce téléphone, pas encore envoyée : vous pouvez la corriger.";
    notice.appendChild(title);
    if (entry.message) {
      var message = document.createElement("p");
      message.className = "mb-0";
      message.textContent = entry.message;
      notice.appendChild(message);
    }
    form.parentNode.insertBefore(notice, form);
    if ((entry.errors || {}).duration) {
      // A duration the server asks to confirm (emps/durations.py): show the box to tick.
      form.querySelectorAll("[data-duration-confirmation]").forEach(function (node) { node.hidden = false; });
    }
    Object.keys(entry.errors || {}).forEach(function (name) {
      var field = form.querySelector("[name='" + name + "']");
      if (!field) { return; }
      var group = field.closest(".mb-3, fieldset") || field.parentNode;
      field.classList.add("is-invalid");
      var feedback = document.createElement("div");
      feedback.className = "invalid-feedback d-block";
      feedback.textContent = entry.errors[name].join(" ");
      group.appendChild(feedback);
    });
  }

  // The outbox page

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function renderList(container, entries) {
    container.innerHTML = "";
    document.querySelectorAll("[data-outbox-empty]").forEach(function (node) { node.hidden = !!entries.length; });
    document.querySelectorAll("[data-outbox-send]").forEach(function (node) { node.hidden = !entries.length; });
    entries.forEach(function (entry) {
      var item = element("li", "list-group-item outbox-entry" + (entry.status === "refused" ? " outbox-refused" : ""));
      item.dataset.key = entry.key;
      var head = element("div", "d-flex flex-wrap gap-2 align-items-baseline");
      head.appendChild(element("strong", "", KINDS[entry.kind] || entry.kind));
      head.appendChild(element("span", "", entry.summary));
      item.appendChild(head);
      var when = new Date(entry.created);
      item.appendChild(element("div", "small text-body-secondary",
        "Gardée le " + when.toLocaleDateString("fr-FR") + " à " + when.toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" })));
      if (entry.status === "refused") {
        var refused = element("div", "alert alert-danger py-2 my-2", "");
        refused.setAttribute("role", "alert");
        refused.appendChild(element("strong", "", "Refusée par le serveur : "));
        refused.appendChild(document.createTextNode(entry.message || ""));
        item.appendChild(refused);
      } else if (entry.message) {
        item.appendChild(element("div", "small text-warning-emphasis my-1", entry.message));
      }
      var actions = element("div", "d-flex flex-wrap gap-2 mt-1");
      var open = element("a", "btn btn-sm btn-outline-primary", "Ouvrir et corriger");
      open.href = entry.url + "#saisie=" + entry.key;
      var remove = element("button", "btn btn-sm btn-outline-danger", "Supprimer");
      remove.type = "button";
      remove.addEventListener("click", function () {
        if (window.confirm("Supprimer cette saisie ? Elle ne sera jamais envoyée.")) { deleteEntry(entry.key); }
      });
      actions.appendChild(open);
      actions.appendChild(remove);
      item.appendChild(actions);
      container.appendChild(item);
    });
  }

  function setupPage(container) {
    document.addEventListener("outbox:changed", function (event) { renderList(container, event.detail); });
    var kept = new URLSearchParams(window.location.search).get("gardee");
    if (kept) {
      document.querySelectorAll("[data-outbox-kept]").forEach(function (node) { node.hidden = false; });
    }
    if (window.location.pathname !== config.outboxUrl) {
      // The service worker answered an unreachable page with this one.
      document.querySelectorAll("[data-outbox-unreachable]").forEach(function (node) { node.hidden = false; });
    }
    document.querySelectorAll("[data-outbox-send]").forEach(function (button) {
      button.addEventListener("click", function () {
        button.disabled = true;
        flush(true).then(function () { button.disabled = false; }, function () { button.disabled = false; });
      });
    });
  }

  function updateConnection() {
    document.querySelectorAll("[data-outbox-offline]").forEach(function (node) { node.hidden = navigator.onLine; });
  }

  // Logout: nothing of the outbox stays on the phone.

  function clearAll() {
    var db = (dbPromise || Promise.resolve(null)).then(function (opened) {
      if (opened) { opened.close(); }
      dbPromise = null;
      return new Promise(function (resolve) {
        var request = indexedDB.deleteDatabase(DB_NAME);
        request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
      });
    });
    var pages = window.caches ? caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf(PAGE_CACHES) === 0; })
        .map(function (name) { return caches.delete(name); }));
    }) : Promise.resolve();
    try {
      Object.keys(window.sessionStorage).forEach(function (name) {
        if (name.indexOf("emps-draft:") === 0) { window.sessionStorage.removeItem(name); }
      });
    } catch (e) { /* no storage */ }
    return Promise.all([db, pages]);
  }

  function setupLogout(form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.outboxCleared) { return; }
      event.preventDefault();
      allEntries().catch(function () { return []; }).then(function (entries) {
        if (entries.length && !window.confirm(
          plural(entries.length) + " : pas encore envoyée(s), elle(s) sera(ont) effacée(s) de ce téléphone. Se déconnecter quand même ?"
        )) { return; }
        clearAll().then(function () {
          form.dataset.outboxCleared = "1";
          HTMLFormElement.prototype.submit.call(form);
        });
      });
    });
  }

  // Start

  window.EmpsOutbox = {
    flush: flush,
    entries: allEntries,
    clear: clearAll,
    pendingYouths: function (query) {
      var folded = (query || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
      return allEntries().then(function (entries) {
        return entries.filter(function (entry) {
          var name = (entry.fields.first_name || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
          return entry.kind === "youth" && name.indexOf(folded) !== -1;
        }).map(function (entry) {
          return { id: REF + entry.key, label: entry.fields.first_name, detail: "Fiche en attente d'envoi" };
        });
      });
    },
  };

  // Signed-in staff only: their shells are the ones worth keeping.
  if (config.sw && config.user && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(config.sw, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (registration.active) { registration.active.postMessage({ type: "shells" }); }
    }).catch(function () { /* the app works without it, online */ });
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "flush") { flush(); }
    });
  }

  document.querySelectorAll("form[data-logout]").forEach(setupLogout);
  if (!config.user || !window.indexedDB) { return; }
  if (window.EmpsForms) { document.querySelectorAll("form[data-outbox]").forEach(setupForm); }
  var list = document.getElementById("outbox-list");
  if (list) { setupPage(list); }
  updateConnection();
  window.addEventListener("online", function () { updateConnection(); flush(); });
  window.addEventListener("offline", updateConnection);
  changed().then(function () { if (navigator.onLine) { flush(); } });
  // The `online` event may have come before this page listened, or never come (the server was down, not
  // the network): what waits is tried again every half minute.
  window.setInterval(function () { if (navigator.onLine) { flush(); } }, RETRY_EVERY);
})();
