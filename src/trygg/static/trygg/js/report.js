/* The reporting form (incidents/report.html): a searchable category list, a Leaflet map
 * where a tap sets a draggable marker (filling the hidden lat/lon inputs), "use my
 * position", and showing or hiding the parts of the form that depend on an answer.
 * Everything comes from data- attributes (no inline scripts: strict CSP). Without this
 * file the form still works: a plain grouped select, an area select, all fields shown. */
(function () {
  "use strict";

  var format = window.TryggMap.format;

  function normalise(text) {
    return (text || "").toLocaleLowerCase("sv").trim();
  }

  function show(el, visible) {
    if (el) {
      el.hidden = !visible;
    }
  }

  // --- category filter ------------------------------------------------------------------

  function initCategoryFilter() {
    var group = document.querySelector("[data-category-filter-group]");
    var input = document.querySelector("[data-category-filter]");
    var select = document.querySelector("[data-category-select]");
    var status = document.querySelector("[data-category-filter-status]");
    if (!group || !input || !select) {
      return;
    }
    var original = Array.prototype.map.call(select.children, function (node) {
      return node.cloneNode(true);
    });
    group.hidden = false;

    function apply() {
      var query = normalise(input.value);
      var current = select.value;
      var values = {};
      select.textContent = "";
      original.forEach(function (node) {
        if (node.tagName === "OPTION") {
          select.appendChild(node.cloneNode(true));
          return;
        }
        var groupMatches = query && normalise(node.label).indexOf(query) !== -1;
        var copy = node.cloneNode(false);
        Array.prototype.forEach.call(node.children, function (option) {
          if (!query || groupMatches || normalise(option.textContent).indexOf(query) !== -1) {
            copy.appendChild(option.cloneNode(true));
            values[option.value] = true;
          }
        });
        if (copy.children.length) {
          select.appendChild(copy);
        }
      });
      var count = Object.keys(values).length;
      if (values[current]) {
        select.value = current;
      } else if (count === 1) {
        select.value = Object.keys(values)[0];
      } else {
        select.value = "";
      }
      if (status) {
        status.textContent = query
          ? count
            ? format(status.dataset.labelCount, { count: count })
            : status.dataset.labelNone
          : "";
      }
    }

    input.addEventListener("input", apply);
    // Enter in the search box must not send the form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        select.focus();
      }
    });
  }

  // --- map --------------------------------------------------------------------------------

  // Ray casting over a GeoJSON (Multi)Polygon: a hint only; the server decides the area.
  function inRing(lon, lat, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) {
        inside = !inside;
      }
    }
    return inside;
  }

  function inPolygon(lon, lat, rings) {
    if (!rings.length || !inRing(lon, lat, rings[0])) {
      return false;
    }
    for (var k = 1; k < rings.length; k++) {
      if (inRing(lon, lat, rings[k])) {
        return false;
      }
    }
    return true;
  }

  function contains(geometry, lon, lat) {
    if (!geometry) {
      return false;
    }
    if (geometry.type === "Polygon") {
      return inPolygon(lon, lat, geometry.coordinates);
    }
    if (geometry.type === "MultiPolygon") {
      return geometry.coordinates.some(function (rings) {
        return inPolygon(lon, lat, rings);
      });
    }
    return false;
  }

  function initMap() {
    var block = document.querySelector("[data-map-block]");
    var el = document.getElementById("report-map");
    var latInput = document.querySelector("[data-lat]");
    var lonInput = document.querySelector("[data-lon]");
    if (!block || !el || !window.L || !latInput || !lonInput) {
      return;
    }
    var d = el.dataset;
    var status = block.querySelector("[data-place-status]");
    var locate = block.querySelector("[data-locate]");
    var clear = block.querySelector("[data-clear-point]");
    block.hidden = false;

    var map = window.TryggMap.create(el);
    map.setView([59.62, 17.85], 11);

    var features = [];
    var marker = null;

    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }

    function areaAt(lat, lon) {
      var found = null;
      ["regso", "municipality"].some(function (kind) {
        features.some(function (f) {
          if (f.properties && f.properties.kind === kind && contains(f.geometry, lon, lat)) {
            found = f.properties.name;
            return true;
          }
          return false;
        });
        return found !== null;
      });
      return found;
    }

    function describe(lat, lon) {
      var text = format(d.labelPoint, {
        lat: lat.toFixed(5).replace(".", ","),
        lon: lon.toFixed(5).replace(".", ","),
      });
      if (features.length) {
        var area = areaAt(lat, lon);
        text += " " + (area ? format(d.labelArea, { area: area }) : d.labelOutside);
      }
      say(text);
    }

    function setPoint(latlng, announce) {
      var lat = Math.round(latlng.lat * 1e6) / 1e6;
      var lon = Math.round(latlng.lng * 1e6) / 1e6;
      latInput.value = String(lat);
      lonInput.value = String(lon);
      if (!marker) {
        marker = L.marker([lat, lon], {
          draggable: true,
          keyboard: true,
          title: d.labelMarker,
          alt: d.labelMarker,
        }).addTo(map);
        marker.on("dragend", function () {
          setPoint(marker.getLatLng(), true);
        });
      } else {
        marker.setLatLng([lat, lon]);
      }
      el.setAttribute("data-point-set", "true");
      show(clear, true);
      if (announce !== false) {
        describe(lat, lon);
      }
    }

    function clearPoint() {
      latInput.value = "";
      lonInput.value = "";
      if (marker) {
        map.removeLayer(marker);
        marker = null;
      }
      el.removeAttribute("data-point-set");
      show(clear, false);
      say(d.labelCleared);
    }

    map.on("click", function (event) {
      setPoint(event.latlng);
    });
    el.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target === el) {
        event.preventDefault();
        setPoint(map.getCenter());
      }
    });
    if (clear) {
      clear.addEventListener("click", clearPoint);
    }
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        say(d.labelLocating);
        navigator.geolocation.getCurrentPosition(
          function (position) {
            var latlng = L.latLng(position.coords.latitude, position.coords.longitude);
            setPoint(latlng);
            map.setView(latlng, Math.max(map.getZoom(), 15));
          },
          function () {
            say(d.labelLocateError);
          },
          { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
        );
      });
    }

    // A point already chosen (back from the preview, or the form had errors).
    var startLat = parseFloat(latInput.value);
    var startLon = parseFloat(lonInput.value);
    var hasStart = isFinite(startLat) && isFinite(startLon);
    if (hasStart) {
      setPoint(L.latLng(startLat, startLon), false);
    }

    fetch(d.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (collection) {
        features = collection.features || [];
        var outlines = features.filter(function (f) {
          var kind = f.properties && f.properties.kind;
          return kind === "municipality" || kind === "regso";
        });
        // The areas are drawn for orientation only; taps go to the map (marker).
        var layer = L.geoJSON(outlines, {
          interactive: false,
          style: function (f) {
            return f.properties.kind === "municipality"
              ? { color: "#0b0c0c", weight: 2, dashArray: "6 4", fill: false }
              : { color: "#1d70b8", weight: 1.5, fillColor: "#1d70b8", fillOpacity: 0.08 };
          },
        }).addTo(map);
        var bounds = layer.getBounds();
        if (hasStart) {
          map.setView([startLat, startLon], 15);
        } else if (bounds.isValid()) {
          map.fitBounds(bounds, { padding: [10, 10] });
        }
        if (hasStart) {
          describe(startLat, startLon);
        }
        el.setAttribute("data-map-ready", "true");
      })
      .catch(function () {
        say(d.labelError);
        el.setAttribute("data-map-ready", "true");
      });
  }

  // --- parts that depend on an answer ---------------------------------------------------

  function initToggles() {
    var unknown = document.querySelector("[data-time-unknown]");
    var known = document.querySelector("[data-time-known]");
    var bucket = document.querySelector("[data-time-bucket]");
    if (unknown) {
      var updateTime = function () {
        show(known, !unknown.checked);
        show(bucket, unknown.checked);
      };
      unknown.addEventListener("change", updateTime);
      updateTime();
    }

    var slot = document.querySelector("[data-child-values]");
    var reminder = slot && slot.querySelector("[data-child-reminder]");
    var ages = document.querySelectorAll("[data-age-group]");
    if (slot && reminder && ages.length) {
      var childValues = slot.dataset.childValues.split(" ");
      var updateAge = function () {
        var checked = document.querySelector("[data-age-group]:checked");
        show(reminder, !!checked && childValues.indexOf(checked.value) !== -1);
      };
      ages.forEach(function (radio) {
        radio.addEventListener("change", updateAge);
      });
      updateAge();
    }

    var recipients = document.querySelector("[data-recipients]");
    var labels = document.querySelectorAll("[data-label]");
    if (recipients && labels.length) {
      var updateLabel = function () {
        var checked = document.querySelector("[data-label]:checked");
        show(recipients, !!checked && checked.value === "RED");
      };
      labels.forEach(function (radio) {
        radio.addEventListener("change", updateLabel);
      });
      updateLabel();
    }
  }

  function init() {
    initCategoryFilter();
    initToggles();
    initMap();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
