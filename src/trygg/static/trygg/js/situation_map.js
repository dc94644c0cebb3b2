/* The lägesbild's map (situation/page.html): the period's points that the reader may see
 * (already filtered on the server), clustered and coloured by group, and the hotspot
 * cells, over the partnership's areas. Data come from JSON blocks on the page
 * (json_script) and data- attributes: no inline scripts (strict CSP). Popups are DOM
 * nodes, never HTML strings. */
(function () {
  "use strict";

  var COLOURS = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#f47738", "#5694ca",
                 "#912b88", "#505a5f", "#85994b", "#b58840"];

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

  function popup(point) {
    var el = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = point.category;
    el.appendChild(title);
    var meta = document.createElement("p");
    meta.textContent = point.date + (point.time ? " " + point.time : "") + ", " +
      point.organisation + " (TLP:" + point.label + ")";
    el.appendChild(meta);
    return el;
  }

  function init() {
    var el = document.getElementById("situation-map");
    if (!el || !window.L) {
      return;
    }
    var d = el.dataset;
    var status = document.querySelector("[data-map-status]");
    var map = window.TryggMap.create(el);
    map.setMaxZoom(18); // the clusters need it, with or without a tile layer
    map.setView([59.62, 17.85], 11);
    var groups = {};
    var next = 0;

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

    var bounds = null;
    var hotspots = readJSON("situation-hotspots") || { features: [] };
    var hotLayer = L.geoJSON(hotspots, {
      style: function (feature) {
        return {
          color: "#0b0c0c",
          weight: 1,
          fillColor: feature.properties.new ? "#d4351c" : "#f47738",
          fillOpacity: 0.45,
        };
      },
      onEachFeature: function (feature, layer) {
        var text = feature.properties.area + ": " + feature.properties.count;
        if (feature.properties.new) {
          text += " (" + d.labelNew + ")";
        }
        var node = document.createElement("p");
        node.textContent = text;
        layer.bindPopup(node);
      },
    }).addTo(map);

    var density = readJSON("situation-density");
    var densityLayer = null;
    if (density && density.features && density.features.length) {
      densityLayer = L.geoJSON(density, {
        interactive: false,
        style: function (feature) {
          return { stroke: false, fillColor: "#4c2c92", fillOpacity: 0.12 * feature.properties.level };
        },
      });
    }

    var points = readJSON("situation-points") || [];
    var cluster = L.markerClusterGroup ? L.markerClusterGroup({ maxClusterRadius: 40 }) : L.layerGroup();
    points.forEach(function (point) {
      if (!(point.group in groups)) {
        groups[point.group] = COLOURS[next % COLOURS.length];
        next += 1;
      }
      var marker = L.circleMarker([point.lat, point.lon], {
        radius: 6,
        color: "#0b0c0c",
        weight: 1,
        fillColor: groups[point.group],
        fillOpacity: 0.85,
      });
      marker.bindPopup(popup(point));
      cluster.addLayer(marker);
    });
    cluster.addTo(map);

    var layers = {};
    layers[d.labelPoints] = cluster;
    layers[d.labelHotspots] = hotLayer;
    if (densityLayer) {
      layers[d.labelDensity] = densityLayer;
    }
    L.control.layers(null, layers, { collapsed: false }).addTo(map);

    var all = L.featureGroup([hotLayer].concat(points.length ? [L.geoJSON({
      type: "MultiPoint",
      coordinates: points.map(function (p) { return [p.lon, p.lat]; }),
    })] : []));
    if (all.getBounds().isValid()) {
      bounds = all.getBounds();
      map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
    }
    el.setAttribute("data-map-ready", "true");
    if (status) {
      status.textContent = window.TryggMap.format(d.labelLoaded, {
        count: points.length,
        hotspots: (hotspots.features || []).length,
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
