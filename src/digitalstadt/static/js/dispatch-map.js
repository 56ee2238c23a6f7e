/* The dispatcher's map (Leaflet): each tour a coloured line from its hub through its
   stops and back, stops as numbered circle markers. The data come from a json_script
   element (the same tours and stops as the list, which stays the primary view): without
   JavaScript, without Leaflet or without tiles the page loses nothing but the picture.
   Tiles only when the server configured MAP_TILE_URL (data-tile-url). */
(function () {
  "use strict";

  // The palette of css/dispatch.css (.tour-colour-1 .. -6).
  var COLOURS = ["#004b76", "#c3001e", "#1e7a3c", "#7a3c9e", "#b35c00", "#3d4a55"];

  function start(el) {
    if (!window.L) { return; }
    var source = document.getElementById(el.getAttribute("data-map-from"));
    if (!source) { return; }
    var data;
    try { data = JSON.parse(source.textContent); } catch (e) { return; }
    var tours = (data && data.tours) || [];
    var map = window.L.map(el, { scrollWheelZoom: false });
    var tiles = el.getAttribute("data-tile-url");
    if (tiles) {
      window.L.tileLayer(tiles, { maxZoom: 19, attribution: el.getAttribute("data-tile-attribution") || "" })
        .addTo(map);
    }
    var bounds = [];
    tours.forEach(function (tour) {
      var colour = COLOURS[(tour.colour - 1) % COLOURS.length] || COLOURS[0];
      var line = tour.points.map(function (p) { return [p.lat, p.lon]; });
      if (line.length > 1) {
        window.L.polyline(line, { color: colour, weight: 4, opacity: 0.8 }).bindTooltip(tour.name).addTo(map);
      }
      tour.points.forEach(function (p, index) {
        if (p.hub && index > 0) { return; }  // the way back ends where it started
        var marker = window.L.circleMarker([p.lat, p.lon], {
          radius: p.hub ? 9 : 7, color: p.late ? "#c3001e" : colour, weight: p.late ? 4 : 2,
          fillColor: p.hub ? "#ffffff" : colour, fillOpacity: 0.9 });
        marker.bindTooltip(tour.name + " – " + p.label);
        marker.addTo(map);
        bounds.push([p.lat, p.lon]);
      });
    });
    if (!bounds.length) { return; }
    if (bounds.length === 1) {
      map.setView(bounds[0], 15);
    } else {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
    }
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".dispatch-map"), start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
