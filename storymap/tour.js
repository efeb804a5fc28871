/* Storymap's guided tour: a Leaflet control that steps through the story place by place.
 *
 * storymapTour(map, steps, options): steps[0] is the overview (it has "bounds"); every other
 * step has lat, lon and zoom. Each step's "html" was escaped by Storymap before it got here.
 * Works the same inside the app (streamlit-folium's frame) and in an exported HTML file.
 */
function storymapTour(map, steps, options) {
  options = options || {};
  var index = 0;
  var ring = L.circleMarker([0, 0], {radius: 18, color: '#111', weight: 3, fill: false, interactive: false});

  var control = L.control({position: 'topright'});
  var panel, counter, prev, next;
  control.onAdd = function () {
    var div = L.DomUtil.create('div', 'sm-tour');
    var bar = L.DomUtil.create('div', 'sm-tour-bar', div);
    prev = L.DomUtil.create('button', 'sm-tour-prev', bar);
    prev.type = 'button';
    prev.textContent = '\u2190 Previous';
    counter = L.DomUtil.create('span', 'sm-tour-counter', bar);
    next = L.DomUtil.create('button', 'sm-tour-next', bar);
    next.type = 'button';
    next.textContent = 'Next \u2192';
    var full = L.DomUtil.create('button', 'sm-tour-fullscreen', bar);
    full.type = 'button';
    full.title = 'Full screen';
    full.textContent = 'Full screen';
    panel = L.DomUtil.create('div', 'sm-tour-panel', div);
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    L.DomEvent.on(prev, 'click', function () { touched = true; show(index - 1); });
    L.DomEvent.on(next, 'click', function () { touched = true; show(index + 1); });
    L.DomEvent.on(full, 'click', toggleFullscreen);
    return div;
  };
  control.addTo(map);

  function toggleFullscreen() {
    var el = map.getContainer();
    if (document.fullscreenElement) { document.exitFullscreen(); }
    else if (el.requestFullscreen) { el.requestFullscreen().then(function () { map.invalidateSize(); }); }
  }

  function rememberStep(i) {
    // Keep ?step= in the address bar, so the link opens this step (where the page allows it).
    var targets = [window];
    try { if (window.parent !== window && window.parent.location.href) { targets.push(window.parent); } }
    catch (e) { /* another origin: leave its address alone */ }
    targets.forEach(function (w) {
      try {
        var url = new URL(w.location.href);
        if (url.protocol === 'about:' || !url.searchParams.has('story')) { return; }
        url.searchParams.set('step', String(i));
        w.history.replaceState(w.history.state, '', url.toString());
      } catch (e) { /* file:// or sandboxed */ }
    });
  }

  var touched = false;  // until the reader steps, a resized map re-frames the opening step

  function show(i, instant) {
    index = Math.max(0, Math.min(steps.length - 1, i));
    var step = steps[index];
    var fly = {padding: [40, 40], duration: options.duration || 0.8};
    if (step.bounds) {
      if (instant) { map.fitBounds(step.bounds, {padding: [40, 40]}); } else { map.flyToBounds(step.bounds, fly); }
      map.removeLayer(ring);
    } else {
      if (instant) { map.setView([step.lat, step.lon], step.zoom); }
      else { map.flyTo([step.lat, step.lon], step.zoom, {duration: fly.duration}); }
      ring.setLatLng([step.lat, step.lon]).addTo(map);
    }
    panel.innerHTML = step.html;
    counter.textContent = (index + 1) + ' / ' + steps.length;
    prev.disabled = index === 0;
    next.disabled = index === steps.length - 1;
    map.getContainer().setAttribute('data-tour-step', String(index));
    if (options.rememberStep !== false) { rememberStep(index); }
  }

  function onKey(event) {
    var tag = (event.target && event.target.tagName) || '';
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') { return; }
    if (event.key === 'ArrowRight' || event.key === 'PageDown') { touched = true; show(index + 1); event.preventDefault(); }
    else if (event.key === 'ArrowLeft' || event.key === 'PageUp') { touched = true; show(index - 1); event.preventDefault(); }
  }
  document.addEventListener('keydown', onKey);
  try {
    if (window.parent !== window) {
      // A redrawn map replaces the previous tour's listener on the page around it.
      if (window.parent.__storymapTourKey) {
        window.parent.document.removeEventListener('keydown', window.parent.__storymapTourKey);
      }
      window.parent.__storymapTourKey = onKey;
      window.parent.document.addEventListener('keydown', onKey);
    }
  } catch (e) { /* embedded in another origin: keys work once the map has focus */ }

  window.storymapTourApi = {show: function (i) { touched = true; show(i); }, index: function () { return index; }};
  // The map may be drawn before its frame has a size: open the first step once it has one.
  function open() {
    var size = map.getSize();
    if (!size.x || !size.y) { setTimeout(open, 100); return; }
    show(options.start || 0, true);
  }
  map.on('resize', function () { if (!touched) { show(index, true); } });
  map.whenReady(open);
}
