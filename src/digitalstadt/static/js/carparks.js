/* Parking app (/parken/): registers the app's service worker, and offers the browser's
   location as the point to sort the list from (progressive enhancement: without
   JavaScript or without permission the driver picks a place from the list). */
(function () {
  "use strict";
  var script = document.currentScript;
  var swUrl = script && script.getAttribute("data-carparks-sw");
  var scope = script && script.getAttribute("data-carparks-scope");

  if (swUrl && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(swUrl, { scope: scope || "/" }).catch(function () { return null; });
  }

  function initLocate() {
    var button = document.querySelector("[data-carpark-locate]");
    if (!button || !("geolocation" in navigator)) { return; }
    var status = document.querySelector("[data-carpark-locate-status]");
    button.hidden = false;
    button.addEventListener("click", function () {
      var form = button.form;
      navigator.geolocation.getCurrentPosition(function (position) {
        var url = new URL(form.action, window.location.href);
        url.searchParams.set("lat", position.coords.latitude.toFixed(6));
        url.searchParams.set("lon", position.coords.longitude.toFixed(6));
        url.searchParams.set("von", button.getAttribute("data-label") || "");
        var order = form.querySelector("[name=sortierung]");
        if (order) { url.searchParams.set("sortierung", order.value); }
        window.location.assign(url.toString());
      }, function () {
        if (status) { status.textContent = button.getAttribute("data-error") || ""; }
      }, { maximumAge: 60000, timeout: 10000 });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initLocate);
  } else {
    initLocate();
  }
})();
