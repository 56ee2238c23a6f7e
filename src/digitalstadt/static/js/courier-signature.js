/* Proof of delivery: a signature drawn on the screen (pointer events: finger, pen or
   mouse), put into the form as a PNG data URL when it is sent. Without JavaScript, or
   when nobody can draw, the typed name is the confirmation (the field stays hidden). */
(function () {
  "use strict";
  function start() {
    var form = document.querySelector("[data-signature-form]");
    if (!form) { return; }
    var box = form.querySelector("[data-signature]");
    var pad = form.querySelector("[data-signature-pad]");
    var value = form.querySelector("[data-signature-value]");
    var status = form.querySelector("[data-signature-status]");
    var context = pad.getContext && pad.getContext("2d");
    if (!context) { return; }
    var drawn = false;
    var last = null;
    context.lineWidth = 3;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#000";
    function point(event) {
      var rect = pad.getBoundingClientRect();
      return { x: (event.clientX - rect.left) * pad.width / rect.width,
               y: (event.clientY - rect.top) * pad.height / rect.height };
    }
    pad.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      if (pad.setPointerCapture) { try { pad.setPointerCapture(event.pointerId); } catch (e) { /* ignore */ } }
      last = point(event);
    });
    pad.addEventListener("pointermove", function (event) {
      if (!last) { return; }
      var next = point(event);
      context.beginPath();
      context.moveTo(last.x, last.y);
      context.lineTo(next.x, next.y);
      context.stroke();
      last = next;
      drawn = true;
    });
    function end() {
      if (last && drawn) { status.textContent = form.querySelector("[data-signature-text-drawn]").textContent; }
      last = null;
    }
    pad.addEventListener("pointerup", end);
    pad.addEventListener("pointercancel", end);
    pad.addEventListener("pointerleave", end);
    form.querySelector("[data-signature-clear]").addEventListener("click", function () {
      context.clearRect(0, 0, pad.width, pad.height);
      drawn = false;
      value.value = "";
      status.textContent = form.querySelector("[data-signature-text-cleared]").textContent;
    });
    // Before courier-app.js reads the form (capture phase runs first).
    form.addEventListener("submit", function () {
      value.value = drawn ? pad.toDataURL("image/png") : "";
    }, true);
    box.hidden = false;
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
