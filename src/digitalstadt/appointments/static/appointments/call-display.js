// Call display: a clock, and an optional gong for each new call. Browsers play sound
// only after a user gesture, so staff switch the gong on with the button once.
(function () {
  "use strict";
  function tick() {
    var clock = document.getElementById("call-board-clock");
    if (!clock) { return; }
    var now = new Date();
    clock.textContent = now.toLocaleTimeString("de-DE", {hour: "2-digit", minute: "2-digit",
      timeZone: clock.getAttribute("data-tz") || undefined});
    clock.setAttribute("datetime", now.toISOString());
  }
  function latest() {
    var list = document.querySelector("#call-board-calls [data-latest]");
    return list ? list.getAttribute("data-latest") : "";
  }
  document.addEventListener("DOMContentLoaded", function () {
    tick();
    window.setInterval(tick, 1000);
    var button = document.getElementById("call-board-gong");
    if (!button) { return; }
    var audio = new Audio(button.getAttribute("data-sound"));
    var on = false;
    var seen = latest();
    var label = button.querySelector(".kern-label");
    var labelOn = button.getAttribute("data-label-on") || "Gong bei Aufruf ausschalten";
    var labelOff = label.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      on = !on;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      label.textContent = on ? labelOn : labelOff;
      if (on) { audio.play().catch(function () {}); }
    });
    document.body.addEventListener("htmx:afterSwap", function () {
      var now = latest();
      if (now && now !== seen && on) {
        audio.currentTime = 0;
        audio.play().catch(function () {});
        document.body.setAttribute("data-gong-played", now);
      }
      seen = now;
    });
  });
})();
