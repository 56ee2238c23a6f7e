/* Courier app, offline-capable: registers the service worker of /kurier/ (which keeps
   the tour and its stop pages), keeps the stop pages of today's tour in the cache, and
   sends confirmation forms with fetch. When the network is gone a confirmation waits
   in IndexedDB (with its client_id, so the server applies it once however often it
   arrives) and is sent when the network returns (online event, and a retry every
   30 seconds). Without JavaScript the forms are plain POSTs. */
(function () {
  "use strict";
  var CACHE = "ds-courier-v1";
  var DB = "ds-courier";
  var STORE = "queue";
  var SENT = "ds-courier-sent";
  var script = document.currentScript;
  var swUrl = script && script.getAttribute("data-courier-sw");
  var scope = script && script.getAttribute("data-courier-scope");

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = window.indexedDB.open(DB, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "client_id" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }
  function queued() { return withStore("readonly", function (store) { return store.getAll(); }); }
  function enqueue(entry) { return withStore("readwrite", function (store) { store.put(entry); }); }
  function dequeue(id) { return withStore("readwrite", function (store) { store.delete(id); }); }

  function text(box, name) { return box.querySelector("[data-courier-text-" + name + "]").textContent; }
  function show(message, kind) {
    var box = document.querySelector("[data-courier-queue]");
    if (!box) { return; }
    box.hidden = false;
    box.className = "kern-alert courier-queue kern-alert--" + (kind || "info");
    box.querySelector("[data-courier-queue-text]").textContent = message;
  }
  function showCount(n) {
    var box = document.querySelector("[data-courier-queue]");
    if (!box || n === 0) { return; }
    show(n === 1 ? text(box, "one") : text(box, "many").replace("%(n)s", String(n)), "warning");
  }

  function formEntries(form) {
    var entries = [];
    new FormData(form).forEach(function (value, name) { entries.push([name, value]); });
    return entries;
  }
  function send(entry) {
    var body = new FormData();
    entry.fields.forEach(function (pair) {
      if (pair[1] instanceof Blob) { body.append(pair[0], pair[1], pair[1].name || "foto.jpg"); }
      else { body.append(pair[0], pair[1]); }
    });
    return fetch(entry.action, { method: "POST", body: body, credentials: "same-origin",
                                 headers: { "X-Courier-App": "1" } })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) { return { ok: false, login: true }; }
        return response.json().then(function (data) { data.status = response.status; return data; });
      });
  }

  var flushing = false;
  function flush() {
    if (flushing || !navigator.onLine) { return Promise.resolve(); }
    flushing = true;
    var box = document.querySelector("[data-courier-queue]");
    var sentAny = false;
    return queued().then(function (entries) {
      if (!entries.length) { return null; }
      if (box) { show(text(box, "sending"), "info"); }
      return entries.reduce(function (chain, entry) {
        return chain.then(function () {
          return send(entry).then(function (data) {
            if (data.login) { if (box) { show(text(box, "login"), "warning"); } throw new Error("login"); }
            if (!data.ok && box) { show(text(box, "refused") + " " + data.error, "danger"); }
            sentAny = true;
            return dequeue(entry.client_id);
          });
        });
      }, Promise.resolve());
    }).then(function () {
      return queued().then(function (rest) {
        if (rest.length) { showCount(rest.length); }
        else if (sentAny && box && box.className.indexOf("danger") === -1) {
          // Load the page again (it shows the server's state now) and say so there.
          try { window.sessionStorage.setItem(SENT, "1"); } catch (e) { /* private mode */ }
          window.location.reload();
        }
      });
    }).catch(function () {
      return queued().then(function (rest) { if (rest.length && navigator.onLine === false) { showCount(rest.length); } });
    }).then(function () { flushing = false; }, function () { flushing = false; });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-courier-form") || !window.indexedDB || !window.fetch) { return; }
    event.preventDefault();
    var when = form.querySelector("[name=happened_at]");
    if (when) { when.value = new Date().toISOString(); }
    var entry = { client_id: form.querySelector("[name=client_id]").value, action: form.action,
                  fields: formEntries(form), created: Date.now() };
    var button = form.querySelector("[type=submit]");
    if (button) { button.disabled = true; }
    send(entry).then(function (data) {
      if (data.login) { form.submit(); return; }
      if (data.ok) { window.location.assign(data.next); return; }
      if (button) { button.disabled = false; }
      show(data.error, "danger");
    }, function () {
      // No network: keep it until the network returns.
      enqueue(entry).then(queued).then(function (all) {
        var actions = document.querySelector("[data-courier-actions]");
        if (actions) { actions.hidden = true; }
        showCount(all.length);
      });
    });
  });

  function cacheTour() {
    if (!window.caches) { return; }
    var links = Array.prototype.map.call(document.querySelectorAll("a[data-courier-stop]"),
                                         function (a) { return a.href; });
    if (scope) { links.push(scope); }
    caches.open(CACHE).then(function (cache) { return cache.addAll(links); })
      .then(function () { document.documentElement.setAttribute("data-courier-cached", String(links.length)); })
      .catch(function () { /* offline now: the cache keeps the last copy */ });
  }

  function start() {
    if ("serviceWorker" in navigator && swUrl) {
      navigator.serviceWorker.register(swUrl, { scope: scope }).catch(function () {});
    }
    if (navigator.onLine) { cacheTour(); }
    var box = document.querySelector("[data-courier-queue]");
    try {
      if (box && window.sessionStorage.getItem(SENT)) {
        window.sessionStorage.removeItem(SENT);
        show(text(box, "sent"), "success");
      }
    } catch (e) { /* private mode */ }
    window.addEventListener("online", flush);
    window.setInterval(flush, 30000);
    if (window.indexedDB) {
      queued().then(function (all) { if (navigator.onLine) { flush(); } else { showCount(all.length); } })
        .catch(function () {});
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
