/* The presence-vs-hotspots map (work/presence_hotspots.html): the areas with performed
 * presence this week (hours as a tooltip) and the lägesbild's hotspot cells, over the
 * partnership's area outlines. Data from JSON blocks (json_script) and data- attributes:
 * no inline scripts (strict CSP). */
(function () {
  "use strict";

  function readJSON(id) {
    var el = document.getElementById(id);
    if (!el) {
      return null;
    }
    try {
      return JSON.parse(el.textContent);
    } catch (e) {
      return null;
    }
  }

  function init() {
    var el = document.getElementById("presence-map");
    if (!el || !window.L || !window.TryggMap) {
      return;
    }
    var d = el.dataset;
    var map = window.TryggMap.create(el);
    map.setView([59.62, 17.85], 11);
    var status = document.querySelector("[data-map-status]");
    var bounds = null;

    fetch(d.areasUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (areas) {
        if (!areas) {
          return;
        }
        var outline = L.geoJSON(areas, {
          interactive: false,
          style: { color: "#505a5f", weight: 1, fill: false },
        }).addTo(map);
        if (!bounds && outline.getBounds().isValid()) {
          map.fitBounds(outline.getBounds(), { padding: [10, 10] });
        }
      })
      .catch(function () {});

    var presence = readJSON("presence-areas") || { features: [] };
    var presenceLayer = L.geoJSON(presence, {
      style: { color: "#1d70b8", weight: 3, dashArray: "6 4", fillColor: "#1d70b8", fillOpacity: 0.12 },
      onEachFeature: function (feature, layer) {
        layer.bindTooltip(feature.properties.area + ": " + feature.properties.hours + " " + d.labelHours);
      },
    }).addTo(map);

    var hotspots = readJSON("presence-hotspots") || { features: [] };
    var hotLayer = L.geoJSON(hotspots, {
      style: function (feature) {
        return {
          color: "#0b0c0c",
          weight: 1,
          fillColor: feature.properties.new ? "#d4351c" : "#f47738",
          fillOpacity: 0.5,
        };
      },
      onEachFeature: function (feature, layer) {
        var text = feature.properties.area + ": " + feature.properties.count;
        if (feature.properties.new) {
          text += " (" + d.labelNew + ")";
        }
        layer.bindTooltip(text);
      },
    }).addTo(map);

    [presenceLayer, hotLayer].forEach(function (layer) {
      var b = layer.getBounds();
      if (b.isValid()) {
        bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast());
      }
    });
    if (bounds) {
      map.fitBounds(bounds, { padding: [20, 20] });
    }
    if (status) {
      status.textContent = window.TryggMap.format(d.labelLoaded, {
        areas: presence.features.length,
        hotspots: hotspots.features.length,
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
