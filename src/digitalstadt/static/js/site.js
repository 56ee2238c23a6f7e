// Progressive enhancement only: every page works without this file.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js").catch(function () {});
  });
}

// After a failed submit the error summary takes focus, so screen reader and keyboard
// users start where the problem is (WCAG 3.3.1, 2.4.3).
document.addEventListener("DOMContentLoaded", function () {
  var target = document.querySelector("[data-autofocus]");
  if (target) target.focus();
});
