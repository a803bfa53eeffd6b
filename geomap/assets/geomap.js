/* geomap: draw GeoJSON features prepared in Python (geomap.layer.FeatureData).
 * Popups and tooltips arrive as HTML already escaped by geomap.html.esc; nothing here
 * builds HTML from data except the rotation wrapper, whose angle is forced to a number. */
function geomapFeatures(data, icons, options) {
  "use strict";
  var base = Object.assign({}, options || {});
  function markerFor(feature, latlng) {
    var p = feature.properties || {};
    var icon = p.icon && icons[p.icon];
    if (p.label && !icon) { icon = {size: 0, html: "", className: "geomap-label " + (base.className || "")}; }
    if (!icon) {
      return L.circleMarker(latlng, Object.assign({}, base, p.style || {}));
    }
    var size = icon.size, off = p.offset || [0, 0], html = icon.html;
    if (p.label) {  // a text label (pre-escaped HTML from Python), e.g. a route's date and quantity
      return L.marker(latlng, {
        icon: L.divIcon({html: "<span>" + p.label + "</span>", className: icon.className, iconSize: null}),
        interactive: false, keyboard: false,
      });
    }
    if (p.rotate) {
      html = '<div class="geomap-rotate" style="transform:rotate(' + Number(p.rotate).toFixed(1) + 'deg)">' + html + "</div>";
    }
    return L.marker(latlng, {
      icon: L.divIcon({
        html: html,
        className: icon.className,
        iconSize: [size, size],
        iconAnchor: [size / 2 - Number(off[0]), size / 2 - Number(off[1])],
      }),
      interactive: base.interactive !== false && !icon.passive,
      keyboard: false,
    });
  }
  var timed = [];
  var layer = L.geoJSON(data, Object.assign({}, base, {
    style: function (feature) {
      return (feature.properties && feature.properties.style) || {};
    },
    pointToLayer: markerFor,
    onEachFeature: function (feature, layer) {
      var p = feature.properties || {};
      if (p.time) { timed.push([layer, p.time]); }
      if (p.popup) {
        // padding keeps an opened popup clear of the title panel (top left) and the map's edges
        layer.bindPopup(p.popup, {
          maxWidth: 380, minWidth: 220, autoPanPaddingTopLeft: [60, 140], autoPanPaddingBottomRight: [40, 40],
        });
      }
      if (p.tooltip) {
        layer.bindTooltip(p.tooltip, {direction: "top", sticky: feature.geometry.type !== "Point"});
      }
    },
  }));
  for (var i = 0; i < timed.length; i++) {
    var t = timed[i][1];
    geomapTime.note(t);
    geomapTime.items.push([layer, timed[i][0], Number(t[0]), Number(t[1]), true]);
  }
  return layer;
}

/* Time: every feature drawn by geomapFeatures or geomapCloud may carry ``time`` = [first day,
 * last day] (days since 1970-01-01, both inclusive). One slider drives all of them: at day T a
 * feature shows when it started by T ("so far") or, in "this date only" mode, when T falls in
 * its span (a month-precision event spans its month). Undated features always show. */
var geomapTime = {
  min: Infinity, max: -Infinity, day: Infinity, only: false, items: [], clouds: [],
  note: function (t) {
    if (t) { this.min = Math.min(this.min, t[0]); this.max = Math.max(this.max, t[1]); }
  },
  shows: function (t0, t1) {
    if (t0 === null || t0 === undefined || t0 < -1e8) { return true; }
    return this.only ? (t0 <= this.day && this.day <= t1) : t0 <= this.day;
  },
  apply: function () {
    for (var i = 0; i < this.items.length; i++) {
      var it = this.items[i], on = this.shows(it[2], it[3]);
      if (on !== it[4]) { it[4] = on; if (on) { it[0].addLayer(it[1]); } else { it[0].removeLayer(it[1]); } }
    }
    for (var j = 0; j < this.clouds.length; j++) { this.clouds[j].refresh(); }
    if (this.declutter) { this.declutter(); }
  },
};

function geomapDayLabel(day) {
  "use strict";
  return new Date(Number(day) * 86400000).toISOString().slice(0, 10);
}

/* What geomap adds once every layer is drawn: the time slider (if anything is dated) and
 * label decluttering (a route label overlapping an earlier one is hidden at that zoom). */
function geomapFinish(map, slider) {
  "use strict";
  function declutter() {
    var shown = [];
    var labels = map.getContainer().querySelectorAll(".geomap-label span");
    for (var i = 0; i < labels.length; i++) {
      var el = labels[i];
      el.style.visibility = "";
      var r = el.getBoundingClientRect(), hit = false;
      for (var j = 0; j < shown.length && !hit; j++) {
        var o = shown[j];
        hit = r.left < o.right && o.left < r.right && r.top < o.bottom && o.top < r.bottom;
      }
      if (hit) { el.style.visibility = "hidden"; } else { shown.push(r); }
    }
  }
  map.on("zoomend viewreset layeradd", function () { setTimeout(declutter, 0); });
  geomapTime.declutter = declutter;
  declutter();
  return slider === false ? null : geomapTimeSlider(map);
}

/* The slider control (bottom centre): play/pause, the day, and "this date only". Built with
 * DOM calls only; nothing from data is parsed as HTML. */
function geomapTimeSlider(map) {
  "use strict";
  var T = geomapTime;
  if (!(T.min <= T.max)) { return null; }
  T.day = T.max;
  var Control = L.Control.extend({
    options: {position: "bottomleft"},
    onAdd: function () {
      var box = L.DomUtil.create("div", "leaflet-control geomap-time");
      var play = L.DomUtil.create("button", "geomap-time-play", box);
      play.type = "button"; play.textContent = "\u25B6"; play.title = "Play";
      var range = L.DomUtil.create("input", "geomap-time-range", box);
      range.type = "range"; range.min = T.min; range.max = T.max; range.step = 1; range.value = T.max;
      range.setAttribute("aria-label", "Date");
      var label = L.DomUtil.create("span", "geomap-time-label", box);
      var onlyBox = L.DomUtil.create("label", "geomap-time-only", box);
      var only = L.DomUtil.create("input", "", onlyBox);
      only.type = "checkbox";
      onlyBox.appendChild(document.createTextNode(" only this date"));
      var timer = null;
      function set(day) {
        T.day = Number(day); range.value = T.day;
        label.textContent = (T.only ? "" : "up to ") + geomapDayLabel(T.day);
        T.apply();
      }
      function stop() { if (timer) { clearInterval(timer); timer = null; } play.textContent = "\u25B6"; play.title = "Play"; }
      var step = Math.max(1, Math.round((T.max - T.min) / 120));
      L.DomEvent.on(range, "input change", function () { stop(); set(range.value); });
      L.DomEvent.on(only, "change", function () { T.only = only.checked; set(T.day); });
      L.DomEvent.on(play, "click", function () {
        if (timer) { stop(); return; }
        if (T.day >= T.max) { set(T.min); }
        play.textContent = "\u275A\u275A"; play.title = "Pause";
        timer = setInterval(function () {
          if (T.day >= T.max) { stop(); return; }
          set(Math.min(T.max, T.day + step));
        }, 150);
      });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      set(T.max);
      return box;
    },
  });
  var control = new Control();
  control.addTo(map);
  document.body.classList.add("geomap-has-time");  // panels make room for the slider (geomap.css)
  return control;
}

/* Many events (tens of thousands) as one layer: the data arrives as base64 of gzip'd JSON
 * columns, is unpacked with the browser's DecompressionStream, and is drawn on a canvas as
 * clusters of a screen grid, recomputed for the view on every move, zoom and time change.
 * A single event is a circle with its tooltip and popup; a cluster zooms in on click, and at
 * the last zoom (or when all its events share one spot) lists its events, each one clickable.
 * Popups and tooltips are joined from pre-escaped HTML pieces (``s``) made in Python. */
var geomapReady = [];

function geomapCloud(packed, options) {
  "use strict";
  var layer = L.layerGroup();
  var opts = Object.assign({cell: 56, listMax: 200}, options || {});
  var data = null, renderer = L.canvas({padding: 0.2}), map = null;
  layer.refresh = function () { if (map && data) { draw(); } };
  function joined(columns, i) {
    var out = "";
    for (var k = 0; k < columns.length; k++) {
      var piece = columns[k][i];
      if (piece >= 0) { out += data.s[piece]; }
    }
    return out;
  }
  function popupOf(i) { return joined(data.p, i); }
  function tipOf(i) { return joined(data.q, i); }
  function single(i, ll) {
    var kind = data.kinds[data.k[i]];
    var m = L.circleMarker(ll, {
      renderer: renderer, radius: 6, color: "#ffffff", weight: 1.5, fillColor: kind.colour, fillOpacity: 0.95,
      className: "geomap-cloud-point",
    });
    m.bindTooltip(function () { return tipOf(i); }, {direction: "top"});
    m.bindPopup(function () { return popupOf(i); }, {maxWidth: 380, minWidth: 220, autoPanPaddingTopLeft: [60, 140]});
    return m;
  }
  function listPopup(members) {
    var box = document.createElement("div");
    box.className = "geomap-popup geomap-cluster-list";
    var h = document.createElement("h4");
    h.textContent = members.length + " events here";
    box.appendChild(h);
    var ol = document.createElement("ol");
    members.slice(0, opts.listMax).forEach(function (i) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = "#"; a.innerHTML = tipOf(i);  // pre-escaped in Python
      a.addEventListener("click", function (ev) {
        ev.preventDefault();
        L.popup({maxWidth: 380, minWidth: 220}).setLatLng([data.lat[i], data.lon[i]]).setContent(popupOf(i)).openOn(map);
      });
      li.appendChild(a); ol.appendChild(li);
    });
    box.appendChild(ol);
    if (members.length > opts.listMax) {
      var more = document.createElement("p");
      more.className = "geomap-muted";
      more.textContent = (members.length - opts.listMax) + " more: narrow the time slider to see them";
      box.appendChild(more);
    }
    return box;
  }
  function cluster(members, ll, bounds) {
    var n = members.length, size = n < 100 ? 30 : n < 1000 ? 36 : n < 10000 ? 42 : 48;
    var span = document.createElement("span");
    span.textContent = String(n);
    if (opts.colour) { span.style.background = opts.colour; }
    var icon = L.divIcon({html: span, className: "geomap-cluster", iconSize: [size, size]});
    var m = L.marker(ll, {icon: icon, keyboard: false});
    m.bindTooltip(n + " events: click to zoom in", {direction: "top"});
    m.on("click", function () {
      var same = bounds.getNorthEast().equals(bounds.getSouthWest());
      if (same || map.getZoom() >= map.getMaxZoom()) {
        L.popup({maxWidth: 380, minWidth: 220, maxHeight: 320}).setLatLng(ll).setContent(listPopup(members)).openOn(map);
      } else {
        map.fitBounds(bounds, {padding: [30, 30], maxZoom: map.getMaxZoom()});
      }
    });
    return m;
  }
  function draw() {
    layer.clearLayers();
    var zoom = map.getZoom(), view = map.getBounds().pad(0.25), T = geomapTime;
    var south = view.getSouth(), north = view.getNorth(), west = view.getWest(), east = view.getEast();
    var cell = opts.cell, bins = new Map(), n = data.lat.length;
    for (var i = 0; i < n; i++) {
      var lat = data.lat[i], lon = data.lon[i];
      if (lat < south || lat > north || lon < west || lon > east) { continue; }
      if (!T.shows(data.t0[i], data.t1[i])) { continue; }
      var pt = map.project([lat, lon], zoom);
      var key = Math.floor(pt.x / cell) + ":" + Math.floor(pt.y / cell);
      var bin = bins.get(key);
      if (bin === undefined) { bins.set(key, [i]); } else { bin.push(i); }
    }
    var drawn = 0;
    bins.forEach(function (members) {
      if (members.length === 1) {
        var i = members[0];
        layer.addLayer(single(i, [data.lat[i], data.lon[i]]));
      } else {
        var sLat = 0, sLon = 0, b = L.latLngBounds([]);
        for (var j = 0; j < members.length; j++) {
          var m = members[j];
          sLat += data.lat[m]; sLon += data.lon[m]; b.extend([data.lat[m], data.lon[m]]);
        }
        layer.addLayer(cluster(members, [sLat / members.length, sLon / members.length], b));
      }
      drawn += members.length;
    });
    layer.shown = drawn;
  }
  var ready = geomapUnpack(packed).then(function (d) {
    var n = d.lat.length, lat = new Float64Array(n), lon = new Float64Array(n);
    var t0 = new Float64Array(n), t1 = new Float64Array(n);
    var y = 0, x = 0, a = 0;
    for (var i = 0; i < n; i++) {  // coordinates and first days are delta-encoded
      y += d.lat[i]; x += d.lon[i]; lat[i] = y / 1e5; lon[i] = x / 1e5;
      if (d.t0[i] === null) { t0[i] = -1e9; t1[i] = -1e9; } else { a += d.t0[i]; t0[i] = a; t1[i] = a + d.dt[i]; }
    }
    d.lat = lat; d.lon = lon; d.t0 = t0; d.t1 = t1;
    data = d;
    layer.refresh();
  });
  geomapReady.push(ready);
  layer.on("add", function () {
    map = layer._map;
    map.on("moveend", layer.refresh);
    layer.refresh();
  });
  layer.on("remove", function () {
    if (map) { map.off("moveend", layer.refresh); }
    map = null;
  });
  geomapTime.clouds.push(layer);
  if (options && options.time) { geomapTime.note(options.time); }
  return layer;
}

function geomapUnpack(b64) {
  "use strict";
  var bin = atob(b64), bytes = new Uint8Array(bin.length);
  for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).text().then(JSON.parse);
}
