/* The area map (geo/map.html): the partnership's municipality, districts and RegSO areas
 * from the GeoJSON endpoint, drawn with Leaflet. Everything the script needs comes from
 * data- attributes on #area-map (no inline scripts: strict CSP). The map works offline:
 * a tile layer is added only when the operator configured one. */
(function () {
  "use strict";

  var format = window.TryggMap.format;

  var escapeHtml = window.TryggMap.escapeHtml;

  function tooltipContent(props) {
    // Built as DOM nodes, never as HTML, so area names are always shown as text.
    var el = document.createElement("span");
    el.textContent = props.code ? props.name + " (" + props.code + ")" : props.name;
    return el;
  }

  var STYLES = {
    municipality: { color: "#0b0c0c", weight: 2, dashArray: "6 4", fill: false },
    district: { color: "#003078", weight: 5, fill: false },
    regso: { color: "#1d70b8", weight: 1.5, fillColor: "#1d70b8", fillOpacity: 0.1 },
    place: { color: "#6f2c91", weight: 2, fillColor: "#6f2c91", fillOpacity: 0.15 },
  };

  function init() {
    var el = document.getElementById("area-map");
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
    map.setView([62.0, 15.0], 4);
    // Esc closes the area name shown on hover or focus (WCAG 1.4.13).
    el.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        map.eachLayer(function (layer) {
          if (layer.closeTooltip) {
            layer.closeTooltip();
          }
        });
      }
    });

    fetch(d.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (collection) {
        var byKind = { municipality: [], district: [], regso: [], place: [] };
        (collection.features || []).forEach(function (feature) {
          var kind = (feature.properties && feature.properties.kind) || "place";
          (byKind[kind] || byKind.place).push(feature);
        });

        function layer(kind, withTooltips) {
          return L.geoJSON(byKind[kind], {
            style: STYLES[kind],
            interactive: withTooltips,
            onEachFeature: withTooltips
              ? function (feature, lyr) {
                  lyr.bindTooltip(tooltipContent(feature.properties), { sticky: true });
                  // Leaflet makes an area with a tooltip focusable; give it a name too,
                  // so a screen reader says which area has focus.
                  lyr.on("add", function () {
                    var path = lyr.getElement && lyr.getElement();
                    if (path) {
                      path.setAttribute("role", "img");
                      path.setAttribute("aria-label", tooltipContent(feature.properties).textContent);
                    }
                  });
                }
              : undefined,
          });
        }

        var overlays = {};
        var all = L.featureGroup();
        // Drawing order: municipality below, RegSO areas, then the thicker district outlines.
        [
          ["municipality", d.labelMunicipality, false],
          ["regso", d.labelRegso, true],
          ["place", d.labelPlaces, true],
          ["district", d.labelDistricts, false],
        ].forEach(function (spec) {
          if (!byKind[spec[0]].length) {
            return;
          }
          var lyr = layer(spec[0], spec[2]).addTo(map);
          lyr.addTo(all);
          var swatch = '<span class="map-legend map-legend--' + spec[0] + '" aria-hidden="true"></span>';
          overlays[swatch + escapeHtml(spec[1])] = lyr;
        });

        if (!Object.keys(overlays).length) {
          say(d.labelEmpty);
          return;
        }
        L.control.layers(null, overlays, { collapsed: false }).addTo(map);
        var bounds = all.getBounds();
        if (bounds.isValid()) {
          map.fitBounds(bounds, { padding: [10, 10] });
        }
        el.setAttribute("data-map-ready", "true");
        say(format(d.labelLoaded, { regso: byKind.regso.length, districts: byKind.district.length }));
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
