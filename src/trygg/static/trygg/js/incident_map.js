/* The incident map (incidents/map.html): the selection's points from the GeoJSON endpoint,
 * over the partnership's areas. Everything comes from data- attributes on #incident-map
 * (no inline scripts: strict CSP). Popups are built as DOM nodes, never as HTML. */
(function () {
  "use strict";

  var format = window.TryggMap.format;

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(
      function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      }
    );
  }

  function popup(props) {
    var el = document.createElement("div");
    var link = document.createElement("a");
    link.href = props.url;
    link.textContent = props.category;
    el.appendChild(link);
    var meta = document.createElement("p");
    meta.textContent = props.date + ", " + props.area + " (TLP:" + props.label + ")";
    el.appendChild(meta);
    return el;
  }

  function init() {
    var el = document.getElementById("incident-map");
    if (!el || !window.L) {
      return;
    }
    var d = el.dataset;
    var status = document.querySelector("[data-map-status]");
    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }
    var map = window.TryggMap.create(el);
    map.setView([59.6, 17.85], 10);

    getJSON(d.areasUrl)
      .then(function (areas) {
        L.geoJSON(areas, {
          interactive: false,
          style: { color: "#505a5f", weight: 1, fill: false },
        }).addTo(map);
      })
      .catch(function () {});

    getJSON(d.geojsonUrl)
      .then(function (collection) {
        var features = collection.features || [];
        if (!features.length) {
          say(d.labelEmpty);
          return;
        }
        var points = L.geoJSON(collection, {
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, {
              radius: 6,
              color: "#0b0c0c",
              weight: 1,
              fillColor: "#d4351c",
              fillOpacity: 0.8,
            });
          },
          onEachFeature: function (feature, layer) {
            layer.bindPopup(popup(feature.properties));
          },
        }).addTo(map);
        var bounds = points.getBounds();
        if (bounds.isValid()) {
          map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
        }
        el.setAttribute("data-map-ready", "true");
        var text = format(d.labelLoaded, { count: features.length });
        say(collection.truncated ? text + " " + d.labelTruncated : text);
      })
      .catch(function () {
        say(d.labelError);
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
