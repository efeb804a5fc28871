/* Storymap's map layers: the legend, the country outlines, and the story's places.
 *
 * maps.py calls these with the map and JSON values it made (maps.MapCall): nothing is written
 * into this file per story. Places' popups, tooltips and icons arrive as HTML that Storymap
 * escaped (templates); the clustered layer builds its popups here from text nodes.
 */
var storymapMap = (function () {
  'use strict';

  // A folded <details>: one tap opens it (the story viewer opens it on a large map).
  function legend(map, html) {
    var control = L.control({position: 'bottomleft'});
    control.onAdd = function () {
      var box = L.DomUtil.create('details', 'sm-legend');
      box.innerHTML = html;
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    control.addTo(map);
  }

  // Country outlines in a pane beneath the tiles: visible wherever tiles do not load. ``inline``
  // is the GeoJSON itself (an exported file), else it is fetched from ``url``.
  function background(map, inline, url) {
    var pane = map.createPane('storymap-background');
    pane.style.zIndex = 150;
    var style = {color: '#8a8a8a', weight: 0.7, fillColor: '#f4f1ea', fillOpacity: 1};
    function draw(data) {
      // Canvas, not SVG: hundreds of outlines draw several times faster.
      var renderer = L.canvas({pane: 'storymap-background'});
      L.geoJSON(data, {pane: 'storymap-background', style: style, interactive: false,
                       renderer: renderer}).addTo(map);
      map.storymapOutlines = data;  // for the viewer's locator inset: the same outlines, loaded once
      map.fire('storymapoutlines');
    }
    if (inline) { draw(inline); }
    else { fetch(url).then(function (r) { return r.json(); }).then(draw); }
  }

  // The country outlines once they are there (now, or when the fetch ends): the locator inset's map.
  function outlines(map, draw) {
    if (map.storymapOutlines) { draw(map.storymapOutlines); }
    else { map.once('storymapoutlines', function () { draw(map.storymapOutlines); }); }
  }

  // Folium creates each marker with Leaflet's default icon before giving it ours: where its
  // images are (the app), or the images themselves as data: URIs (an exported file).
  function defaultIcon(map, imagePath, options) {
    L.Icon.Default.imagePath = imagePath;
    if (options) { L.Util.extend(L.Icon.Default.prototype.options, options); }
  }

  // An approximate area. Leaflet draws a circle as one SVG arc of its full size, never clipped:
  // an ocean (7,700 km) at a city's zoom is an arc some 340,000 px across, and rasterising it, dashed,
  // stalled Chromium's rendering for good (no frame, no flight) when a reader went from Denver to
  // Java. Wider than a window, it is drawn as a ring of points clipped to the view, as Leaflet
  // draws a polygon: the same look, and only the part in view is painted.
  var FLAT = 0.5;  // the most, in pixels, a ring's chord may stray from the true curve
  var Area = L.Circle.extend({
    _updatePath: function () {
      var r = this._radius, ry = this._radiusY || r, c = this._point, bounds = this._renderer._bounds;
      if (Math.max(r, ry) < 2048 || this._empty()) { L.Circle.prototype._updatePath.call(this); return; }
      var n = Math.min(20000, Math.ceil(Math.PI / Math.acos(1 - FLAT / Math.max(r, ry)))), ring = [];
      for (var i = 0; i < n; i++) {
        var a = 2 * Math.PI * i / n;
        ring.push(L.point(c.x + r * Math.cos(a), c.y + ry * Math.sin(a)));
      }
      this._parts = [L.PolyUtil.clipPolygon(ring, bounds, true)];
      this._renderer._updatePoly(this, true);
    }
  });

  // A short story's places: a marker each, or a dashed area when approximate, with the
  // tooltip and popup made in maps.py. Widest areas first, so smaller ones stay clickable.
  function places(map, rows) {
    map.storymapLayers = {};
    rows.forEach(function (p) {
      var layer = p.area
        ? new Area([p.lat, p.lon], {radius: p.area, color: p.color, weight: 2, dashArray: '6 4',
                                    fill: true, fillColor: p.color, fillOpacity: 0.12,
                                    className: 'sm-area sm-' + p.key})
        : L.marker([p.lat, p.lon], {zIndexOffset: p.z, icon: L.divIcon({
              html: p.icon, className: 'sm-icon', iconSize: [p.size, p.size],
              iconAnchor: [p.size / 2, p.size / 2]})});
      layer.bindTooltip(p.tooltip, {sticky: false});
      if (p.popup) { layer.bindPopup(p.popup, {maxWidth: 300}); }
      layer.addTo(map);
      map.storymapLayers[p.key] = layer;
    });
    map.on('popupopen', function (e) { players(e.popup.getElement()); });
  }

  // A YouTube or Vimeo video arrives as a link card (templates/media.html). Online, its player is
  // put above the card, which stays: navigator.onLine can be true on a network that reaches
  // nothing, and a file opened from disk may be refused by the player. The player's address was
  // built by Storymap from the video's id; it is checked again here, so nothing else is framed.
  var PLAYER = /^https:\/\/(www\.youtube-nocookie\.com\/embed\/[A-Za-z0-9_-]{11}|player\.vimeo\.com\/video\/[0-9]{1,12}\?dnt=1)$/;
  // Online, a "Play here" button beside the card puts the player above it when pressed: nothing is
  // asked of YouTube or Vimeo until the reader wants the video (their privacy, and no dead grey
  // frame where a network is there but the service is not, as behind a newsroom's firewall).
  function players(root) {
    if (!root || !navigator.onLine) { return; }
    Array.prototype.forEach.call(root.querySelectorAll('.sm-video-link[data-player]'), function (card) {
      var src = card.getAttribute('data-player');
      if (!PLAYER.test(src) || card.querySelector('iframe, .sm-play-here')) { return; }
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'sm-play-here';
      button.textContent = '\u25B6 Play here';
      button.setAttribute('aria-label', 'Play ' + card.getAttribute('data-title') + ' here');
      button.addEventListener('click', function () {
        var frame = document.createElement('iframe');
        frame.className = 'sm-player';
        frame.title = card.getAttribute('data-title');
        frame.setAttribute('allow', 'fullscreen; picture-in-picture; encrypted-media; autoplay');
        frame.setAttribute('allowfullscreen', '');
        frame.setAttribute('referrerpolicy', 'strict-origin-when-cross-origin');
        frame.src = src;
        card.insertBefore(frame, card.firstChild);
        button.remove();
      });
      card.appendChild(button);
    });
  }

  // The lines and areas editors drew, beneath the markers, in their place's colour; a click opens
  // the place's popup as its marker's does (the viewer chooses the place instead). Drawn after the
  // places: an approximate place's dashed area wider than a shape goes behind it (narrowest first,
  // so the widest ends undermost), a smaller one stays above it, clickable.
  function shapes(map, rows) {
    map.storymapShapes = {};
    function span(layer) {
      var b = layer.getBounds();
      return (b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest());
    }
    var circles = Object.keys(map.storymapLayers || {}).map(function (key) { return map.storymapLayers[key]; })
      .filter(function (layer) { return layer instanceof L.Circle; }).reverse();
    rows.forEach(function (s) {
      var style = {color: s.color, weight: 4, opacity: 0.9, className: 'sm-shape sm-shape-' + s.key};
      var layer = s.area ? L.polygon(s.points, L.Util.extend(style, {fillColor: s.color, fillOpacity: 0.25}))
                         : L.polyline(s.points, style);
      layer.bindTooltip(s.tooltip, {sticky: true});
      if (s.popup) { layer.bindPopup(s.popup, {maxWidth: 300}); }
      layer.addTo(map);
      map.storymapShapes[s.key] = layer;
      circles.forEach(function (circle) { if (span(circle) > span(layer)) { circle.bringToBack(); } });
    });
  }

  // Every place in one marker-cluster layer: clusters keep 10,000 places legible and fast.
  // A row is [key, name, kind, lat, lon, precision_km, passages (sentence numbers), source];
  // its popup is built when it is opened, from text nodes (nothing in it is parsed as HTML).
  function clustered(map, rows, sentences, icons, labels, popups) {
    var made = {};
    map.storymapLayers = {};
    function icon(kind, approx) {
      var key = kind + (approx ? '~' : '');
      if (!made[key]) {
        made[key] = L.divIcon({html: icons[kind], className: 'sm-icon' + (approx ? ' sm-approx-icon' : ''),
                               iconSize: [18, 18], iconAnchor: [9, 9]});
      }
      return made[key];
    }
    function popup(row) {
      return function () {
        var div = document.createElement('div');
        div.className = 'sm-popup';
        var h = document.createElement('h4'); h.textContent = row[1]; div.appendChild(h);
        var k = document.createElement('div'); k.className = 'sm-kind'; k.textContent = labels[row[2]];
        div.appendChild(k);
        if (row[5] > 0) {
          var a = document.createElement('div'); a.className = 'sm-approx';
          a.textContent = 'Approximate location: within ' + row[5] + ' km'; div.appendChild(a);
        }
        row[6].forEach(function (i) {
          var q = document.createElement('blockquote'); q.textContent = sentences[i]; div.appendChild(q);
        });
        var s = document.createElement('div'); s.className = 'sm-source';
        s.textContent = 'Location: ' + row[7]; div.appendChild(s);
        return div;
      };
    }
    var group = L.markerClusterGroup({chunkedLoading: true, showCoverageOnHover: false});
    var markers = rows.map(function (row) {
      var marker = L.marker([row[3], row[4]], {icon: icon(row[2], row[5] > 0)});
      marker.bindTooltip(document.createTextNode(row[1] + ' \u00b7 ' + labels[row[2]]));
      if (popups) { marker.bindPopup(popup(row), {maxWidth: 320}); }
      map.storymapLayers[row[0]] = marker;
      return marker;
    });
    group.addLayers(markers);
    map.addLayer(group);
    map.storymapCluster = group;
  }

  // A credit the data's licence asks for, in the map's corner beside the tiles' (Leaflet's control).
  function attribution(map, html) {
    if (map.attributionControl) { map.attributionControl.addAttribution(html); }
  }

  // The story's own names for its places beside their markers, from a region's zoom (``minZoom``),
  // where no tiles name them: a map without tiles, or whose tiles fail to load (offline). Once a
  // tile has loaded the tiles' own labels are there, and these would clash with them. A row is
  // [name, lat, lon]; the name is text (textContent), never HTML.
  function labels(map, rows, minZoom) {
    map.createPane('storymap-labels').style.zIndex = 450;  // over areas and the route, under markers
    var group = L.layerGroup();
    rows.forEach(function (row) {
      var text = document.createElement('span');
      text.textContent = row[0];
      group.addLayer(L.marker([row[1], row[2]], {pane: 'storymap-labels', interactive: false, keyboard: false,
        icon: L.divIcon({html: text, className: 'sm-label', iconSize: null, iconAnchor: [-12, 1]})}));
    });
    var tiles = [];
    map.eachLayer(function (layer) { if (layer instanceof L.TileLayer) { tiles.push(layer); } });
    var failed = !tiles.length, loaded = false;
    function update() {
      var on = failed && !loaded && map.getZoom() >= minZoom;
      if (on && !map.hasLayer(group)) { group.addTo(map); }
      if (!on && map.hasLayer(group)) { map.removeLayer(group); }
      declutter();
    }
    // No label is written over another ("Wana" over "South Waziristan") or cut by the map's edge:
    // one that would be is hidden until a zoom or a pan makes room; the rows' own order decides.
    function declutter() {
      if (!map.hasLayer(group)) { return; }
      var kept = [], edge = map.getContainer().getBoundingClientRect();
      group.eachLayer(function (marker) {
        var icon = marker.getElement();
        if (!icon || !icon.firstChild) { return; }
        icon.style.visibility = '';
        var r = icon.firstChild.getBoundingClientRect();
        var clash = r.left < edge.left || r.right > edge.right || r.top < edge.top || r.bottom > edge.bottom ||
          kept.some(function (k) { return r.left < k.right && r.right > k.left && r.top < k.bottom && r.bottom > k.top; });
        if (clash) { icon.style.visibility = 'hidden'; } else { kept.push(r); }
      });
    }
    tiles.forEach(function (layer) {
      layer.on('tileerror', function () { failed = true; update(); });
      layer.on('tileload', function () { loaded = true; update(); });
    });
    map.on('zoomend', update);
    map.on('moveend resize', declutter);
    update();
  }

  return {legend: legend, background: background, outlines: outlines, defaultIcon: defaultIcon, places: places,
          shapes: shapes, clustered: clustered, attribution: attribution, labels: labels, players: players};
})();
