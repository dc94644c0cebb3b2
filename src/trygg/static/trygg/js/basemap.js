/* Shared by the three map pages (areas, incidents, reporting form): a Leaflet map with
 * labelled zoom buttons and, only when the operator configured one, a tile layer.
 * Settings come from data- attributes on the map element (strict CSP: no inline JS).
 * Loaded after leaflet.js and before the page's own script. */
(function () {
  "use strict";

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) {
      return String(values[key]);
    });
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function create(el) {
    var d = el.dataset;
    var map = L.map(el, { zoomControl: false, keyboard: true, zoomSnap: 0.25 });
    L.control.zoom({ zoomInTitle: d.labelZoomIn, zoomOutTitle: d.labelZoomOut }).addTo(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
    if (d.tileUrl) {
      L.tileLayer(d.tileUrl, { attribution: escapeHtml(d.tileAttribution || ""), maxZoom: 19 }).addTo(map);
    }
    return map;
  }

  window.TryggMap = { create: create, format: format, escapeHtml: escapeHtml };
})();
