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

  /* The police's published events: one non-clickable count per area (their place is
   * known no better than the area), drawn apart from the points and never clustered with
   * them. Areas without a position (the whole municipality) are only in the table. */
  function policeLayer(rows, d) {
    var layer = L.layerGroup();
    rows.forEach(function (row) {
      if (row.lat === null || row.lon === null || row.lat === undefined || row.lon === undefined) {
        return;
      }
      var text = row.count === 1 ? d.labelPoliceOne : format(d.labelPoliceMany, { count: row.count });
      var icon = document.createElement("span");
      icon.className = "police-count";
      var number = document.createElement("span");
      number.setAttribute("aria-hidden", "true");
      number.textContent = String(row.count);
      icon.appendChild(number);
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = row.area + ": " + text;
      icon.appendChild(hidden);
      var size = row.count >= 100 ? 40 : 32;
      var marker = L.marker([row.lat, row.lon], {
        icon: L.divIcon({ className: "police-count-icon", html: icon, iconSize: [size, size] }),
        keyboard: false,
        riseOnHover: true,
      });
      marker.bindTooltip(row.area + ": " + text, { direction: "top", offset: [0, -size / 2] });
      layer.addLayer(marker);
    });
    return layer;
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
        var police = policeLayer(collection.police_by_area || [], d).addTo(map);
        var policeCount = police.getLayers().length;
        var policeText = policeCount ? " " + format(d.labelPoliceLoaded, { count: policeCount }) : "";
        if (!features.length) {
          if (policeCount) {
            map.fitBounds(L.featureGroup(police.getLayers()).getBounds(), { padding: [20, 20], maxZoom: 13 });
          }
          el.setAttribute("data-map-ready", "true");
          say(d.labelEmpty + policeText);
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
        if (policeCount) {
          bounds.extend(L.featureGroup(police.getLayers()).getBounds());
        }
        if (bounds.isValid()) {
          map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
        }
        el.setAttribute("data-map-ready", "true");
        var text = format(d.labelLoaded, { count: features.length });
        say((collection.truncated ? text + " " + d.labelTruncated : text) + policeText);
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
