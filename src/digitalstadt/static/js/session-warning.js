// Warns before the session ends (sliding expiry) and renews it on request.
(function () {
  "use strict";
  var box = document.getElementById("session-warning");
  if (!box) { return; }
  var seconds = parseInt(box.dataset.seconds, 10);
  var warn = parseInt(box.dataset.warn, 10);
  var warnTimer = null;
  var endTimer = null;

  var returnFocus = null;

  // The warning sits fixed at the bottom of the viewport (never scrolled out of sight)
  // and takes focus, so keyboard and screen reader users meet it (WCAG 2.2.1, 2.4.3).
  function show(state) {
    if (box.hidden && document.activeElement && document.activeElement !== document.body) {
      returnFocus = document.activeElement;
    }
    box.hidden = false;
    box.classList.add("session-warning--shown");
    box.querySelectorAll("[data-state]").forEach(function (el) { el.hidden = el.dataset.state !== state; });
    var button = box.querySelector("[data-action=keepalive]");
    (state === "warn" && button ? button : box).focus();
  }

  function hide() {
    var hadFocus = box.contains(document.activeElement);
    box.hidden = true;
    box.classList.remove("session-warning--shown");
    if (hadFocus) {
      // Back where the user was; otherwise to the form's heading, never to the body.
      var target = returnFocus && document.contains(returnFocus) ? returnFocus : document.querySelector("main h1");
      if (target) {
        if (!target.hasAttribute("tabindex") && target.tagName === "H1") { target.setAttribute("tabindex", "-1"); }
        target.focus();
      }
    }
    returnFocus = null;
  }

  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    hide();
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
        if (response.status === 409) {
          // Not extended (e.g. the most a hold can be extended): say why, keep the timers.
          return response.json().then(function (body) {
            var text = box.querySelector("[data-state=warn].kern-body");
            if (text && body.error) { text.textContent = body.error; }
            var again = box.querySelector("[data-action=keepalive]");
            if (again) { again.hidden = true; }
            box.focus();
          });
        }
        if (!response.ok) { show("expired"); return; }
        return response.json().then(function (body) {
          seconds = body.seconds;
          // A booking hold also shows until when it lasts: keep that text true.
          if (body.until) {
            document.querySelectorAll("[data-hold-until]").forEach(function (el) { el.textContent = body.until; });
          }
          schedule();
        });
      })
      .catch(function () { show("expired"); });
  });
  schedule();
})();
