// The CSP-friendly ALTCHA build ships no workers: register the SHA worker from our own
// static files (worker-src 'self'; no blob: URLs). Loaded as a module after the widget.
const widget = document.querySelector("altcha-widget[data-worker]");
if (widget && globalThis.$altcha) {
  const workerUrl = widget.dataset.worker;
  for (const algorithm of ["SHA-256", "SHA-384", "SHA-512"]) {
    globalThis.$altcha.algorithms.set(algorithm, () => new Worker(workerUrl));
  }
  // Screen readers hear how the check is going (WCAG 4.1.3): a polite status region
  // with the texts in the page's language.
  const status = document.getElementById("pow-status");
  if (status) {
    widget.addEventListener("statechange", (event) => {
      const text = status.dataset[event.detail && event.detail.state];
      if (text) {
        status.textContent = text;
      }
    });
  }
  // Never send the form without a solved proof-of-work (a second click while the work
  // is still running would): the widget submits the form itself once it is done.
  const form = widget.closest("form");
  if (form) {
    form.addEventListener("submit", (event) => {
      if (!new FormData(form).get(widget.getAttribute("name") || "altcha")) {
        event.preventDefault();
      }
    });
  }
}
