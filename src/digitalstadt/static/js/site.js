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

// A link in the error summary puts the focus into its field (an anchor alone would
// only scroll), so the next key typed goes where the problem is.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest(".form-error-links a[href^='#']");
  if (!link) return;
  var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
  if (!field) return;
  event.preventDefault();
  field.focus();
  field.scrollIntoView({block: "center"});
});
