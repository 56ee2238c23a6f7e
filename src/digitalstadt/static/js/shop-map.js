/* Shop maps (Leaflet). The list beside the map holds the same shops, so the page works
   without JavaScript and without tiles: markers come from the list items'
   data-lat/data-lon (data-markers-from), or from the map element itself (one shop).
   Tiles only when the server configured MAP_TILE_URL (data-tile-url). */
(function () {
  "use strict";

  function markersFor(el) {
    var source = el.getAttribute("data-markers-from");
    var nodes = source ? document.querySelectorAll(source + " [data-shop-marker]") : [el];
    var markers = [];
    Array.prototype.forEach.call(nodes, function (node) {
      var lat = parseFloat(node.getAttribute("data-lat"));
      var lon = parseFloat(node.getAttribute("data-lon"));
      if (!isNaN(lat) && !isNaN(lon)) {
        markers.push({ lat: lat, lon: lon, name: node.getAttribute("data-name") || "",
                       url: node.getAttribute("data-url") || "" });
      }
    });
    return markers;
  }

  function start(el) {
    if (!window.L) { return; }
    var markers = markersFor(el);
    if (!markers.length) { return; }
    var map = window.L.map(el, { scrollWheelZoom: false });
    var tiles = el.getAttribute("data-tile-url");
    if (tiles) {
      window.L.tileLayer(tiles, { maxZoom: 19, attribution: el.getAttribute("data-tile-attribution") || "" }).addTo(map);
    }
    var bounds = [];
    markers.forEach(function (m) {
      // Circle markers are drawn as SVG: no marker images, no inline styles.
      var marker = window.L.circleMarker([m.lat, m.lon], { radius: 8, color: "#004b76", weight: 2,
                                                           fillColor: "#2d7fc1", fillOpacity: 0.9 });
      var popup = document.createElement("div");
      if (m.url) {
        var link = document.createElement("a");
        link.href = m.url;
        link.className = "kern-link";
        link.textContent = m.name;
        popup.appendChild(link);
      } else {
        popup.textContent = m.name;
      }
      marker.bindPopup(popup);
      marker.bindTooltip(m.name);
      marker.addTo(map);
      bounds.push([m.lat, m.lon]);
    });
    if (bounds.length === 1) {
      map.setView(bounds[0], 16);
    } else {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
    }
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".shop-map"), start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
