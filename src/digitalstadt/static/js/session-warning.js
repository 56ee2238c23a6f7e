// Warns before the session ends (sliding expiry) and renews it on request.
(function () {
  "use strict";
  var box = document.getElementById("session-warning");
  if (!box) { return; }
  var seconds = parseInt(box.dataset.seconds, 10);
  var warn = parseInt(box.dataset.warn, 10);
  var warnTimer = null;
  var endTimer = null;

  function show(state) {
    box.hidden = false;
    box.querySelectorAll("[data-state]").forEach(function (el) { el.hidden = el.dataset.state !== state; });
  }

  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    box.hidden = true;
    warnTimer = setTimeout(function () { show("warn"); }, Math.max(seconds - warn, 0) * 1000);
    endTimer = setTimeout(function () { show("expired"); }, seconds * 1000);
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  box.querySelector("[data-action=keepalive]").addEventListener("click", function () {
    fetch(box.dataset.keepalive, {method: "POST", credentials: "same-origin",
                                  headers: {"X-CSRFToken": csrfToken()}})
      .then(function (response) {
        if (!response.ok) { show("expired"); return; }
        return response.json().then(function (body) { seconds = body.seconds; schedule(); });
      })
      .catch(function () { show("expired"); });
  });
  schedule();
})();
