/* Pickup (and the event check-in): scan the shopper's QR code with the camera (jsQR, static/vendor/jsqr) and
   put its text into the code field, then send the form. Without a camera, without
   jsQR or without JavaScript the page works the same by typing the code. */
(function () {
  "use strict";
  function start() {
    var section = document.querySelector("[data-scan]");
    // Other pages reuse this scanner, naming their form and field (data-scan-form, data-scan-input).
    var form = section && document.getElementById(section.getAttribute("data-scan-form") || "pickup-form");
    var input = section && document.getElementById(section.getAttribute("data-scan-input") || "pickup-code");
    if (!section || !form || !input || typeof window.jsQR !== "function" ||
        !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return;
    }
    var video = section.querySelector("[data-scan-video]");
    var status = section.querySelector("[data-scan-status]");
    var startButton = section.querySelector("[data-scan-start]");
    var stopButton = section.querySelector("[data-scan-stop]");
    var text = function (name) { return section.querySelector("[data-scan-" + name + "]").textContent; };
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    var stream = null;
    var frame = null;

    function stop() {
      if (frame) { window.cancelAnimationFrame(frame); frame = null; }
      if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); stream = null; }
      video.hidden = true;
      stopButton.hidden = true;
      startButton.hidden = false;
    }

    function look() {
      frame = null;
      if (!stream) { return; }
      if (video.readyState >= video.HAVE_ENOUGH_DATA && video.videoWidth) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        var image = context.getImageData(0, 0, canvas.width, canvas.height);
        var code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        if (code && code.data) {
          input.value = code.data;
          status.textContent = text("found");
          stop();
          form.requestSubmit ? form.requestSubmit() : form.submit();
          return;
        }
      }
      frame = window.requestAnimationFrame(look);
    }

    startButton.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (media) {
          stream = media;
          video.srcObject = media;
          video.hidden = false;
          startButton.hidden = true;
          stopButton.hidden = false;
          status.textContent = text("running");
          return video.play();
        })
        .then(function () { frame = window.requestAnimationFrame(look); })
        .catch(function () { stop(); status.textContent = text("denied"); input.focus(); });
    });
    stopButton.addEventListener("click", stop);
    window.addEventListener("pagehide", stop);
    section.hidden = false;
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
