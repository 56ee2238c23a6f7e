// "Kopieren" buttons: copy the text of the element named by data-copy. Shown only where
// the clipboard is available (the text stays selectable without it).
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var target = document.getElementById(button.dataset.copy);
    if (!target) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.textContent.trim()).then(function () {
        var label = button.querySelector(".kern-label");
        if (label && button.dataset.copied) { label.textContent = button.dataset.copied; }
      });
    });
  });
})();
