/* geomap: draw GeoJSON features prepared in Python (geomap.layer.FeatureData).
 * Popups and tooltips arrive as HTML already escaped by geomap.html.esc; nothing here
 * builds HTML from data except the rotation wrapper, whose angle is forced to a number. */
function geomapFeatures(data, icons, options) {
  "use strict";
  var base = Object.assign({}, options || {});
  function markerFor(feature, latlng) {
    var p = feature.properties || {};
    var icon = p.icon && icons[p.icon];
    if (!icon) {
      return L.circleMarker(latlng, Object.assign({}, base, p.style || {}));
    }
    var size = icon.size, off = p.offset || [0, 0], html = icon.html;
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
  return L.geoJSON(data, Object.assign({}, base, {
    style: function (feature) {
      return (feature.properties && feature.properties.style) || {};
    },
    pointToLayer: markerFor,
    onEachFeature: function (feature, layer) {
      var p = feature.properties || {};
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
}
