/* Storymap's viewer: the story's text beside its map (read mode), or its guided tour (tour mode).
 *
 * storymapViewer(map, data) runs in one document wherever a story is shown: the reader and the
 * presenter in the app (a frame of the page), the embed, and the exported single HTML file. Every
 * interaction is answered here, in the browser: a name in the text, a figure, a marker, a tour
 * step. Nothing waits for the server. The address follows with replaceState (?place=, ?step=;
 * #place=, #step= in a file opened from disk), so a link opens the same view.
 *
 * Trust: data.text, data.figures, places' media and steps' html were escaped by Storymap; everything
 * else reaches the page through textContent or attributes, never as HTML.
 */
function storymapViewer(map, data) {
  'use strict';
  var doc = document;
  var layers = map.storymapLayers || {};
  var places = {};
  data.places.forEach(function (p) { places[p.key] = p; });
  var state = {mode: data.mode, place: null, step: 0, touched: false};
  var host = sameOriginParent();

  function el(tag, cls, parent, text) {
    var node = doc.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    if (parent) { parent.appendChild(node); }
    return node;
  }

  // A place's media once in the page: an exported file carries each upload once (data.uploads, data:
  // URIs by SHA-256) and its media name it; then YouTube and Vimeo players, when online (map.js).
  function showMedia(root) {
    var uploads = data.uploads || {};
    root.querySelectorAll('[data-upload]').forEach(function (node) {
      var uri = uploads[node.getAttribute('data-upload')];
      if (uri && /^data:(image|video|audio)\//.test(uri)) { node.src = uri; }
    });
    storymapMap.players(root);
  }

  function sameOriginParent() {
    try {
      if (window.parent !== window && window.parent.location.href && window.frameElement) { return window.parent; }
    } catch (e) { /* another origin */ }
    return null;
  }

  // ---- layout --------------------------------------------------------------------------------
  var root = el('div', 'smv smv-' + data.mode);
  var side = el('section', 'smv-side smv-story', root);  // the story's text (read mode)
  side.setAttribute('aria-label', 'Story');
  var tourSide = el('section', 'smv-side smv-tour-side', root);  // the tour's step (tour mode)
  tourSide.setAttribute('aria-label', 'Tour');
  var mapCol = el('div', 'smv-mapcol', root);
  var mapBox = map.getContainer();
  mapCol.appendChild(mapBox);
  mapBox.classList.add('smv-map');
  mapBox.setAttribute('role', 'region');
  mapBox.setAttribute('aria-label', 'Map of the places in “' + data.title + '”');
  doc.body.insertBefore(root, doc.body.firstChild);
  doc.body.classList.add('smv-body');

  // Leaflet focuses the map on mousedown; in a frame that scrolls the page around it, and the
  // first click lands elsewhere. Focus without scrolling.
  var focusMap = mapBox.focus;
  mapBox.focus = function (options) { focusMap.call(mapBox, Object.assign({preventScroll: true}, options || {})); };

  var panel = el('aside', 'smv-panel smv-empty', mapCol);
  panel.setAttribute('aria-live', 'polite');

  // ---- the address -------------------------------------------------------------------------
  // Writing the address costs the page around the frame a few milliseconds: after the frame
  // that answers the reader is drawn.
  function afterPaint(work) { requestAnimationFrame(function () { setTimeout(work, 0); }); }

  function remember(name, value) {
    var target = host || window;
    try {
      var url = new URL(target.location.href);
      if (url.protocol === 'http:' || url.protocol === 'https:') {
        if (!url.searchParams.has('story')) { return; }
        if (value === null) { url.searchParams.delete(name); } else { url.searchParams.set(name, String(value)); }
      } else {
        url.hash = value === null ? '' : name + '=' + encodeURIComponent(value);
      }
      target.history.replaceState(target.history.state, '', url.toString());
    } catch (e) { /* sandboxed or about:srcdoc: the view still works */ }
  }

  function fromHash(name) {
    var m = new RegExp('(?:^#|&)' + name + '=([^&]*)').exec(window.location.hash || '');
    return m ? decodeURIComponent(m[1]) : null;
  }

  // ---- views ---------------------------------------------------------------------------------
  function placeView(p) {
    return p.bounds ? {bounds: p.bounds, maxZoom: p.maxZoom} : {center: [p.lat, p.lon], zoom: p.zoom};  // an area, whole
  }

  function go(view, instant) {
    // A view set while Leaflet animates a zoom is undone when the animation ends: wait for it.
    if (map._animatingZoom) { map.once('zoomend', function () { go(view, instant); }); return; }
    var fit = {paddingTopLeft: [48, 36], paddingBottomRight: [28, 36], maxZoom: view.maxZoom || 18,
               animate: !instant, duration: 0.8};
    if (view.bounds) {
      if (instant) { map.fitBounds(view.bounds, fit); } else { map.flyToBounds(view.bounds, fit); }
    } else if (instant) { map.setView(view.center, view.zoom, {animate: false}); }
    else { map.flyTo(view.center, view.zoom, {duration: 0.8}); }
  }

  var ring = L.circleMarker([0, 0], {radius: 18, color: '#111', weight: 3, fill: false, interactive: false});
  var outlined = null, drawn = null;

  // The chosen place stands out: a ring around a pin, a bolder outline around an area, a bolder
  // line or area where an editor drew one.
  function highlight(key) {
    map.removeLayer(ring);
    if (drawn) { drawn.setStyle({weight: 4}); drawn = null; }
    if (key && map.storymapShapes && map.storymapShapes[key]) { drawn = map.storymapShapes[key].setStyle({weight: 7}); }
    if (outlined) { outlined.setStyle({weight: 2, dashArray: '6 4'}); outlined = null; }
    var layer = key ? layers[key] : null;
    if (!layer) { return; }
    if (layer.setStyle) { outlined = layer; layer.setStyle({weight: 4, dashArray: null}); }
    else { ring.setLatLng(layer.getLatLng()).addTo(map); }
  }

  // ---- read mode -------------------------------------------------------------------------------
  function modeButton(parent, text, mode) {
    if (!data.text || !data.steps) { return; }  // a page of one mode only (the app's pages)
    var b = el('button', 'smv-mode', parent, text);
    b.type = 'button';
    b.addEventListener('click', function () { setMode(mode); });
  }

  function buildRead() {
    var head = el('header', 'smv-head', side);
    modeButton(head, 'Take the guided tour \u2192', 'tour');
    el('h1', 'smv-title', head, data.title);
    if (data.byline) { el('p', 'smv-byline', head, data.byline); }
    if (data.url) {
      var original = el('a', 'smv-original', head, 'Original article');
      original.href = data.url;
      original.target = '_blank';
      original.rel = 'noopener noreferrer';
    }
    var finder = el('label', 'smv-find', head);
    el('span', '', finder, 'Go to a place ');
    var select = el('select', '', finder);
    el('option', '', select, data.places.length + ' places in this story').value = '';
    data.places.slice().sort(function (a, b) { return a.name.localeCompare(b.name); }).forEach(function (p) {
      el('option', '', select, p.name).value = p.key;
    });
    select.addEventListener('change', function () { if (select.value) { choose(select.value, 'list'); } });
    state.finder = select;

    var text = el('div', 'smv-text', side);
    text.innerHTML = data.text;  // escaped by Storymap (highlight.text_html)
    if (data.figures) {
      var figures = el('div', 'smv-figures', side);
      figures.innerHTML = data.figures;  // escaped by Storymap (viewer.figures_html)
    }
    side.addEventListener('click', function (event) {
      var target = event.target.closest('[data-place]');
      if (!target || !side.contains(target)) { return; }
      event.preventDefault();
      choose(target.getAttribute('data-place'), 'text', target);
    });
    doc.addEventListener('keydown', function (event) {
      if (event.key === 'Escape' && state.mode === 'read' && state.place) { choose(null); }
    });

    var views = L.control({position: 'topright'});
    views.onAdd = function () {
      var box = L.DomUtil.create('div', 'leaflet-bar smv-views');
      [['Story area', function () { go(data.focus, false); }],
       ['All places', function () { go(data.all, false); }]].forEach(function (item) {
        var b = L.DomUtil.create('button', 'smv-view', box);
        b.type = 'button';
        b.textContent = item[0];
        L.DomEvent.on(b, 'click', function (e) { L.DomEvent.stop(e); state.touched = true; item[1](); });
      });
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    views.addTo(map);
  }

  function mark(key) {
    side.querySelectorAll('.sm-chosen').forEach(function (n) { n.classList.remove('sm-chosen'); });
    side.querySelectorAll('.sm-passage').forEach(function (n) { n.classList.remove('sm-passage'); });
    if (!key) { return; }
    side.querySelectorAll('a.sm-place[data-place="' + CSS.escape(key) + '"]').forEach(function (n) { n.classList.add('sm-chosen'); });
    places[key].sentences.forEach(function (i) {
      var s = side.querySelector('[data-sentence="' + i + '"]');
      if (s) { s.classList.add('sm-passage'); }
    });
  }

  // On a desk the panel always has its room under the map (a hint until a place is chosen), so
  // choosing a place never resizes the map; on a phone it opens and closes.
  function renderPanel(p) {
    panel.textContent = '';
    panel.classList.toggle('smv-empty', !p);
    if (!p) {
      el('p', 'smv-hint', panel, 'Choose a place on the map, in the text or in the list to see what the story says about it.');
      return;
    }
    var bar = el('div', 'smv-panel-bar', panel);
    el('h2', '', bar, p.name);
    var close = el('button', 'smv-close', bar, '\u00d7');
    close.type = 'button';
    close.setAttribute('aria-label', 'Close');
    close.addEventListener('click', function () { choose(null); });
    el('div', 'smv-kind', panel, p.kindLabel + (p.approx ? ' · approximate location, within ' + p.approx + ' km' : ''));
    if (p.gazetteerName) { el('div', 'smv-detail', panel, 'Also called ' + p.gazetteerName); }
    p.passages.forEach(function (text) { el('blockquote', '', panel, text); });
    if (p.note) { el('p', 'smv-note', panel, p.note); }
    if (p.media) {
      var m = el('div', 'smv-media', panel);
      m.innerHTML = p.media;  // escaped by Storymap
      showMedia(m);
    }
    el('div', 'smv-source', panel, 'Location: ' + p.source);
    panel.hidden = false;
    panel.scrollTop = 0;
  }

  // Opening the panel can move the text (on a phone it sits below the panel): keep what the
  // reader clicked where it was on screen.
  function keepInPlace(anchor, change) {
    if (!anchor) { change(); return; }
    var before = anchor.getBoundingClientRect().top;
    change();
    side.scrollTop += anchor.getBoundingClientRect().top - before;
    var box = side.getBoundingClientRect(), now = anchor.getBoundingClientRect();
    if (now.top < box.top) { side.scrollTop -= box.top - now.top + 8; }
    else if (now.bottom > box.bottom) { side.scrollTop += now.bottom - box.bottom + 8; }
  }

  // The chosen place in view, clear of the map's controls and legend.
  function reveal(p) {
    var legend = mapBox.querySelector('.sm-legend');
    var low = legend ? legend.offsetHeight + 36 : 60;
    map.panInside([p.lat, p.lon], {paddingTopLeft: [56, 48], paddingBottomRight: [48, low]});
  }

  function choose(key, how, anchor) {
    var p = key ? places[key] : null;
    state.place = p ? key : null;
    state.touched = true;
    mark(state.place);
    var resized = root.classList.contains('smv-has-place') !== !!p;
    keepInPlace(anchor, function () {
      renderPanel(p);
      root.classList.toggle('smv-has-place', !!p);
      if (resized) { map.invalidateSize({pan: false}); }  // only a phone's map changes size
    });
    if (state.finder) { state.finder.value = state.place || ''; }
    afterPaint(function () { remember('place', state.place); });
    highlight(key);
    if (!p) { return; }
    var layer = layers[key];
    if (how === 'map') { reveal(p); return; }  // the reader is looking at it: clear of the edges only
    go(placeView(p), false);
    // In a clustered map the place may still be inside a cluster there: open it once the map has
    // arrived (zoomToShowLayer at once would redraw the clusters in the click's first frame).
    if (map.storymapCluster && layer) {
      map.once('moveend', function () { if (state.place === key) { map.storymapCluster.zoomToShowLayer(layer); } });
    }
  }

  // ---- tour mode -----------------------------------------------------------------------------
  var tour = {};
  function buildTour() {
    var bar = el('div', 'smv-tour-bar', tourSide);
    // A button whose words a phone hides, keeping its arrow; its name stays for screen readers.
    function button(cls, name, parts) {
      var b = el('button', cls, bar);
      b.type = 'button';
      b.setAttribute('aria-label', name);
      parts.forEach(function (part) { el('span', part[0], b, part[1]); });
      return b;
    }
    tour.prev = button('smv-prev', 'Previous step', [['smv-arrow', '\u2190'], ['smv-label', ' Previous']]);
    tour.counter = el('span', 'smv-counter', bar);
    tour.next = button('smv-next', 'Next step', [['smv-label', 'Next '], ['smv-arrow', '\u2192']]);
    tour.list = el('select', 'smv-steps', bar);
    tour.list.setAttribute('aria-label', 'Go to a step');
    // Steps are named as readers see them: the cover, each stop by its marker's number, the credits.
    tour.stops = data.steps.filter(function (s) { return s.stop; }).length;
    data.steps.forEach(function (s, i) {
      el('option', '', tour.list, s.stop ? s.stop + '. ' + s.title : stepName(s)).value = String(i);
    });
    tour.full = button('smv-full', 'Full screen', [['', 'Full screen']]);
    modeButton(bar, 'Read the story', 'read');
    tour.body = el('div', 'smv-step', tourSide);
    tour.body.setAttribute('aria-live', 'polite');
    tour.body.tabIndex = -1;
    tour.prev.addEventListener('click', function () { show(state.step - 1); });
    tour.next.addEventListener('click', function () { show(state.step + 1); });
    tour.list.addEventListener('change', function () { show(parseInt(tour.list.value, 10)); });
    tour.full.addEventListener('click', toggleFullscreen);
    doc.addEventListener('fullscreenchange', function () {
      var on = !!doc.fullscreenElement;
      tour.full.lastChild.textContent = on ? 'Exit full screen' : 'Full screen';
      tour.full.setAttribute('aria-label', on ? 'Exit full screen' : 'Full screen');
      tour.full.setAttribute('aria-pressed', String(on));
      map.invalidateSize();
    });
    // A swipe across the step's text moves on (phones), as a slide deck does.
    var x0 = null, y0 = null;
    tourSide.addEventListener('touchstart', function (e) { x0 = e.touches[0].clientX; y0 = e.touches[0].clientY; },
                              {passive: true});
    tourSide.addEventListener('touchmove', function (e) {  // sideways is ours: not the browser's "back"
      if (x0 === null) { return; }
      var dx = e.touches[0].clientX - x0, dy = e.touches[0].clientY - y0;
      if (Math.abs(dx) > Math.abs(dy) && e.cancelable) { e.preventDefault(); }
    }, {passive: false});
    tourSide.addEventListener('touchend', function (e) {
      if (x0 === null) { return; }
      var dx = e.changedTouches[0].clientX - x0, dy = e.changedTouches[0].clientY - y0;
      x0 = null;
      if (Math.abs(dx) > 50 && Math.abs(dx) > 2 * Math.abs(dy)) { show(state.step + (dx < 0 ? 1 : -1)); }
    });
    numberMarkers();
    buildInset();
    // The arrows belong to the tour, not to Leaflet's keyboard panning, which would cancel the fly.
    [window, host].forEach(function (w) {
      if (!w) { return; }
      if (w.__storymapKeys) { w.removeEventListener('keydown', w.__storymapKeys, true); }
      w.__storymapKeys = onKey;
      w.addEventListener('keydown', onKey, true);
    });
  }

  // The tour's stops carry their numbers (an editor's order, else the article's; hidden places
  // none), joined by the tour's line in order: straight, or along the great circle for long jumps
  // (tours.tour_route). Both show in tour mode only.
  var numbers = L.layerGroup();
  // At a world's zoom the numbers of neighbouring places pile up: they show from a country's.
  function far() { mapBox.classList.toggle('smv-far', map.getZoom() < 5); }
  map.on('zoomend moveend', far);
  far();
  function numberMarkers() {
    if (data.route && data.route.length) {
      // Every point kept (no smoothing, no clipping): the line passes exactly through its stops.
      numbers.addLayer(L.polyline(data.route, {className: 'smv-route', color: '#1d1d1d', weight: 2.5, opacity: 0.6,
                                               interactive: false, smoothFactor: 0, noClip: true}));
    }
    data.steps.forEach(function (s) {
      if (!s.key || !s.stop || !places[s.key]) { return; }
      var p = places[s.key];
      numbers.addLayer(L.marker([p.lat, p.lon], {
        interactive: false, keyboard: false, zIndexOffset: 1000,
        icon: L.divIcon({className: 'smv-num', html: String(s.stop), iconSize: [20, 20], iconAnchor: [-4, 22]})
      }));
    });
  }

  // ---- the locator inset ---------------------------------------------------------------------
  // Zoomed in past a region, a small map in the corner shows where in the world the step is: the
  // same offline country outlines, the main map's view as a box and a dot. It only shows; it takes
  // no clicks (they go to the map beneath), and a phone gets a smaller one (storymap.css).
  var INSET_ZOOM = 6;
  var inset = null;
  function buildInset() {
    var control = L.control({position: 'topright'});
    control.onAdd = function () {
      var box = L.DomUtil.create('div', 'smv-inset');
      box.setAttribute('aria-hidden', 'true');
      return box;
    };
    control.addTo(map);
    var box = control.getContainer();
    var mini = L.map(box, {zoomControl: false, attributionControl: false, dragging: false, touchZoom: false,
                           scrollWheelZoom: false, doubleClickZoom: false, boxZoom: false, keyboard: false,
                           zoomSnap: 0, minZoom: -3, zoomAnimation: false, fadeAnimation: false, inertia: false});
    mini.setView([20, 0], 0);
    storymapMap.outlines(map, function (outlines) {
      L.geoJSON(outlines, {style: {color: '#9a9a9a', weight: 0.5, fillColor: '#f4f1ea', fillOpacity: 1},
                           interactive: false, renderer: L.canvas({padding: 0.2})}).addTo(mini);
    });
    var frame = L.rectangle([[0, 0], [1, 1]], {color: '#c0392b', weight: 1.5, fillOpacity: 0.15, interactive: false})
      .addTo(mini);
    var dot = L.circleMarker([0, 0], {radius: 3.5, color: '#fff', weight: 1.5, fillColor: '#c0392b', fillOpacity: 1,
                                      interactive: false}).addTo(mini);
    inset = {box: box, mini: mini, frame: frame, dot: dot};
  }

  function syncInset() {
    if (!inset) { return; }
    var on = state.mode === 'tour' && map.getZoom() >= INSET_ZOOM;
    inset.box.classList.toggle('smv-inset-on', on);
    if (!on) { return; }
    inset.mini.invalidateSize({pan: false});
    var width = inset.mini.getSize().x;
    if (!width) { return; }
    var world = Math.log(width / 256) / Math.LN2;  // the zoom at which the inset holds the world's width
    var centre = map.getCenter().wrap();
    inset.mini.setView([Math.max(-55, Math.min(65, centre.lat)), centre.lng],
                       Math.max(world, Math.min(2, map.getZoom() - 7)), {animate: false});
    var bounds = map.getBounds(), sw = bounds.getSouthWest(), ne = bounds.getNorthEast();
    var shift = centre.lng - map.getCenter().lng;  // the box in the same world copy as the dot
    inset.frame.setBounds([[sw.lat, sw.lng + shift], [ne.lat, ne.lng + shift]]);
    inset.dot.setLatLng(centre);
  }
  map.on('moveend', syncInset);

  function onKey(event) {
    if (state.mode !== 'tour') { return; }
    var t = event.target || {};
    var tag = (t.tagName || '').toUpperCase();
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || t.isContentEditable) { return; }
    var moves = {ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1};
    if (event.key in moves) { show(state.step + moves[event.key]); }
    else if (event.key === 'Home') { show(0); }
    else if (event.key === 'End') { show(data.steps.length - 1); }
    else { return; }
    event.preventDefault();
    event.stopPropagation();
  }

  function toggleFullscreen() {
    var target = root;
    if (doc.fullscreenElement) { doc.exitFullscreen(); }
    else if (target.requestFullscreen) { target.requestFullscreen().then(function () { map.invalidateSize(); }); }
  }

  function show(i, instant) {
    state.step = Math.max(0, Math.min(data.steps.length - 1, i));
    if (!instant) { state.touched = true; }
    var step = data.steps[state.step];
    map.eachLayer(function (layer) { if (layer.closeTooltip) { layer.closeTooltip(); } });
    go(step.bounds ? {bounds: step.bounds, maxZoom: step.maxZoom} : {center: [step.lat, step.lon], zoom: step.zoom}, instant);
    highlight(step.key);
    tour.body.innerHTML = step.html;  // escaped by Storymap (tours.build_tour)
    showMedia(tour.body);
    tour.body.scrollTop = 0;
    tour.counter.textContent = step.stop ? step.stop + ' of ' + tour.stops : stepName(step);
    tour.list.value = String(state.step);
    tour.prev.disabled = state.step === 0;
    tour.next.disabled = state.step === data.steps.length - 1;
    var number = state.step + 1;
    afterPaint(function () { if (state.step + 1 === number) { remember('step', number); } });
  }

  // ---- start ---------------------------------------------------------------------------------
  // A click, or Enter on a focused place (Leaflet itself only opens its popup), chooses it.
  // On the tour, a click on a pin goes to its step; the wide faint areas take no clicks there,
  // or a click anywhere on the map would jump the tour.
  function activate(key, how, event) {
    if (state.mode === 'read') {
      var here = how === 'map' && event ? underneath(event.containerPoint) : [];
      if (here.length > 1) { askWhich(here, event.latlng); return; }
      choose(key, how === 'shape' ? 'map' : how);
      return;
    }
    var i = data.steps.findIndex(function (s) { return s.key === key; });
    if (i >= 0 && (how === 'key' || how === 'shape' || layers[key]._icon)) { show(i); }
  }
  // Markers drawn over one another (a country and its towns in a view of the world): a click on
  // them asks which place is meant, rather than taking the one on top. Areas are not counted:
  // they lie under their towns by nature, and a click on a marker is not a click on an area.
  function underneath(point) {
    if (!point) { return []; }
    return Object.keys(places).filter(function (k) {  // in the story's order
      var layer = layers[k];
      if (!layer || !layer._icon || !map.hasLayer(layer)) { return false; }
      var reach = layer.options.icon.options.iconSize[0] / 2 + 3;  // a finger's slack
      return map.latLngToContainerPoint(layer.getLatLng()).distanceTo(point) <= reach;
    });
  }
  function askWhich(keys, latlng) {
    var box = el('div', 'smv-which');
    el('div', 'smv-which-title', box, keys.length + ' places here:');
    keys.forEach(function (k) {
      var b = el('button', '', box);
      b.type = 'button';
      el('strong', '', b, places[k].name);
      el('span', '', b, ' \u00b7 ' + places[k].kindLabel);
      b.addEventListener('click', function () { map.closePopup(); choose(k, 'which'); });
    });
    // The keyboard as in any list of choices: the arrows move through it, Escape closes it.
    box.addEventListener('keydown', function (e) {
      var buttons = Array.prototype.slice.call(box.querySelectorAll('button'));
      var at = buttons.indexOf(doc.activeElement);
      if (e.key === 'Escape') { map.closePopup(); map.getContainer().focus({preventScroll: true}); }
      else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        buttons[(at + (e.key === 'ArrowDown' ? 1 : buttons.length - 1)) % buttons.length].focus();
      } else { return; }
      e.preventDefault();
      e.stopPropagation();
    });
    L.popup({className: 'smv-which-popup', maxWidth: 260, autoPanPaddingTopLeft: [56, 52], autoPanPaddingBottomRight: [12, 12]})
      .setLatLng(latlng).setContent(box).openOn(map);
    box.querySelector('button').focus({preventScroll: true});
  }
  // A line or an area an editor drew answers a click as its place's marker does.
  Object.keys(map.storymapShapes || {}).forEach(function (key) {
    if (places[key]) { map.storymapShapes[key].on('click', function () { activate(key, 'shape'); }); }
  });
  Object.keys(layers).forEach(function (key) {
    var layer = layers[key], p = places[key];
    if (!p) { return; }
    layer.on('click', function (e) { activate(key, 'map', e); });
    layer.on('keypress', function (e) { if (e.originalEvent.keyCode === 13) { activate(key, 'key'); } });
    layer.on('add', function () { label(layer, p); });
    label(layer, p);
  });

  function label(layer, p) {
    var node = layer.getElement ? layer.getElement() : layer._icon;
    if (!node) { return; }
    node.setAttribute('role', 'button');
    node.setAttribute('aria-label', p.name + ', ' + p.kindLabel);
    node.setAttribute('tabindex', '0');
  }

  function stepName(step) { return step.kind === 'cover' ? 'Cover' : step.kind === 'credits' ? 'Credits' : step.title; }

  function setMode(mode, instant) {
    state.mode = mode;
    root.className = 'smv smv-' + mode;
    side.hidden = mode !== 'read';
    tourSide.hidden = mode !== 'tour';
    if (mode === 'tour') {
      if (!tour.body) { buildTour(); }
      panel.hidden = true;
      numbers.addTo(map);
      show(state.step, instant);
      syncInset();
    } else {
      if (!side.firstChild) { buildRead(); }
      panel.hidden = false;
      if (!state.place) { renderPanel(null); }
      map.removeLayer(numbers);
      syncInset();
      highlight(null);
      if (state.place) { choose(state.place); } else if (!instant) { go(data.focus, false); }
    }
    map.invalidateSize();
  }

  // Inside another site's page (an embed), the wheel and a finger scroll that page until the
  // reader taps the map: a story must not trap the page it is embedded in.
  var outside = false;
  try { outside = (host || window) !== window.top; } catch (e) { outside = true; }
  if (outside) {
    var coarse = window.matchMedia && window.matchMedia('(pointer: coarse)').matches;
    map.scrollWheelZoom.disable();
    if (coarse) { map.dragging.disable(); }
    map.on('click focus', function () { map.scrollWheelZoom.enable(); if (coarse) { map.dragging.enable(); } });
    mapBox.addEventListener('mouseleave', function () { map.scrollWheelZoom.disable(); });
  }

  var wanted = {place: data.place, step: data.step, mode: data.mode};
  if (!host && window.location.protocol === 'file:') {
    wanted.place = fromHash('place') || wanted.place;
    wanted.step = parseInt(fromHash('step') || wanted.step, 10) || 1;
    // A link to a step of the tour (#step=5, as the address reads while touring) opens the tour there.
    if (data.steps && fromHash('step')) { wanted.mode = 'tour'; }
  }

  function open() {
    map.invalidateSize();
    var size = map.getSize();
    if (!size.x || !size.y) { requestAnimationFrame(open); return; }
    var legend = mapBox.querySelector('.sm-legend');  // open only where it hides little of the map
    if (legend) { legend.open = size.x >= 800 && size.y >= 600; }
    state.step = Math.max(0, (wanted.step || 1) - 1);
    state.ready = true;
    setMode(wanted.mode, true);
    if (wanted.mode === 'tour') { return; }
    if (wanted.place && places[wanted.place]) {
      var p = places[wanted.place];
      mark(p.key);
      renderPanel(p);
      state.place = p.key;
      if (state.finder) { state.finder.value = p.key; }
      root.classList.add('smv-has-place');
      map.invalidateSize({pan: false});
      go(placeView(p), true);
      highlight(p.key);
    } else {
      go(data.focus, true);
    }
  }
  // Until the reader moves, a resized map keeps showing what it opened on.
  map.on('resize', function () {
    if (state.touched || !state.ready) { return; }
    if (state.mode === 'tour') { show(state.step, true); }
    else if (state.place) { go(placeView(places[state.place]), true); }
    else { go(data.focus, true); }
  });
  map.whenReady(open);
  // A printout's map is another size (storymap.css): Leaflet draws it for that size.
  if (window.matchMedia) { window.matchMedia('print').addEventListener('change', function () { map.invalidateSize(); }); }

  // Whether the map is still flying, panning or zooming (tests and the benchmark wait for it).
  var moving = false;
  map.on('movestart', function () { moving = true; });
  map.on('moveend', function () { moving = false; });

  var api = {
    map: map,
    settled: function () { return state.ready && !moving && !map._animatingZoom; },
    choose: function (key) { choose(key, 'api'); },
    show: function (n) { show(n - 1); },
    place: function () { return state.place; },
    step: function () { return state.step + 1; },
    mode: function () { return state.mode; },
    setMode: function (mode) { setMode(mode); }
  };
  window.storymap = api;
  return api;
}
