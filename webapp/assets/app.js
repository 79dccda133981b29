/*
 * pi-stream live view: the camera's MJPEG stream in an <img>, a status line from /stats, snapshot,
 * fullscreen, rotate and mirror. Plain script, no build step, no inline code (strict CSP), and only
 * relative URLs, so the page works under any context path and behind a proxy path prefix.
 */
(function () {
  'use strict';

  var STATS_INTERVAL_MS = 2000;
  var STATS_TIMEOUT_MS = 4000;
  var BACKOFF_FIRST_MS = 500;
  var BACKOFF_MAX_MS = 8000;
  // A new stream has this long to show up in /stats before the page takes it for lost.
  var REGISTER_GRACE_MS = 5000;
  // Polls in a row without a new frame sent to this page, while the camera delivers, before reconnecting.
  var STALLED_POLLS = 3;
  // A tab hidden this long stops its stream (phones, forgotten tabs); it reconnects when shown again.
  var HIDDEN_PAUSE_MS = 10000;
  var VIEW_KEY = 'pi-stream.view';

  var $ = function (id) { return document.getElementById(id); };
  var stage = $('stage');
  var img = $('live'); // the shown picture; each new stream gets a new <img>, see connect()
  var overlay = $('overlay');
  var overlayText = $('overlay-text');
  var message = $('message');
  var status = $('status');

  // Which camera this page shows: the one whose root it was served at (/ for the default camera,
  // cam/NAME/ for each), or the one ?camera=NAME names at /; ?camera=all shows every camera side by
  // side. The camera's endpoints are at base, relative to this page.
  var chosen = new URLSearchParams(window.location.search).get('camera') || '';
  var showAll = chosen === 'all';
  var base = chosen && !showAll ? 'cam/' + encodeURIComponent(chosen) + '/' : '';
  // The context root, relative to this page: '' at /, '../../' at cam/NAME/. The first /stats
  // answer says where its camera's URLs are (server.base), which is where this page is plus base.
  var root = '';
  var named = chosen && !showAll ? chosen : ''; // the camera's name when the page is not the default camera's root

  /*
   * Which per-request framing makes the newest frame show without a one-frame delay:
   * - Chromium (Chrome, Edge, Opera, Samsung Internet: navigator.vendor "Google Inc.") shows a part
   *   only once it has parsed the next part's headers (crbug.com/527446): advance_headers sends them
   *   right after each frame. Measured by the browser tests.
   * - WebKit (Safari and every iOS browser: vendor "Apple Computer, Inc.") holds the last frame of a
   *   burst until another part arrives: dual_final_frames sends it twice (field reports; not
   *   measurable on this project's machines).
   * - Firefox (vendor "") shows a part once the boundary after it arrives, which every stream sends at
   *   once, and it prefers parts with Content-Length: the plain stream.
   * ?stream=standard|advance_headers|dual_final_frames on the page's URL overrides the choice.
   */
  function streamLayout() {
    var forced = new URLSearchParams(window.location.search).get('stream');
    if (forced === 'standard' || forced === 'advance_headers' || forced === 'dual_final_frames') {
      return forced;
    }
    var vendor = navigator.vendor || '';
    if (vendor.indexOf('Google') === 0) {
      return 'advance_headers';
    }
    if (vendor.indexOf('Apple') === 0) {
      return 'dual_final_frames';
    }
    return 'standard';
  }

  var layout = streamLayout();

  // ---- The stream: connect, notice when it is gone, reconnect with a backoff. ----
  //
  // An <img> fires no event when a multipart stream ends or its connection drops: it keeps the last
  // frame. So the page tags each stream request with a token and checks in /stats that the server
  // still has that stream and keeps sending it frames. Events that do fire (error, load) are used too.
  //
  // Each attempt loads into a new <img> that replaces the shown one only once its first frame is
  // there: while reconnecting, the last frame stays on screen (dimmed), never a broken-image icon.

  var stream = {
    token: '',
    requestedAt: 0,
    pending: null,       // the <img> of the attempt in progress, not shown yet
    live: false,         // the shown <img> is the current stream and has shown a frame
    everLive: false,
    attempt: 0,          // failed attempts since the last good one, for the backoff
    retryTimer: 0,
    lastFramesSent: -1,
    stalledPolls: 0,
    paused: false
  };

  function newToken() {
    var bytes = new Uint8Array(6);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join('');
  }

  function streamUrl(token) {
    var query = layout === 'standard' ? '' : layout + '=1&';
    return base + 'stream?' + query + 'client=' + token;
  }

  /** Stops an <img>'s request: the browser drops a stream's connection once no <img> refers to it. */
  function release(element) {
    if (element) {
      element.removeAttribute('src');
    }
  }

  function connect() {
    window.clearTimeout(stream.retryTimer);
    stream.retryTimer = 0;
    stream.paused = false;
    release(stream.pending);
    stream.token = newToken();
    stream.requestedAt = Date.now();
    stream.lastFramesSent = -1;
    stream.stalledPolls = 0;
    var next = document.createElement('img');
    next.className = 'live';
    next.alt = 'Live camera picture';
    next.addEventListener('load', onFirstFrame);
    next.addEventListener('error', onStreamError);
    stream.pending = next;
    // A new URL each time: the browser reuses neither a cached picture nor an old connection.
    next.src = streamUrl(stream.token);
  }

  function onFirstFrame(event) {
    // For a multipart stream, load fires once, when the first part has been decoded.
    var next = event.target;
    if (next !== stream.pending) {
      return; // an attempt that was given up
    }
    stream.pending = null;
    next.id = 'live';
    img.replaceWith(next);
    release(img);
    img = next;
    stream.live = true;
    stream.everLive = true;
    stream.attempt = 0;
    stage.dataset.picture = 'live';
    overlay.hidden = true;
    schedulePoll(250); // count this viewer in the status line now, not at the next poll
  }

  function onStreamError(event) {
    if (event.target === stream.pending) {
      stream.pending = null;
      lost('error');
    }
  }

  function backoffDelay(attempt) {
    var base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * Math.pow(2, attempt));
    return Math.round(base * (0.8 + Math.random() * 0.4)); // jitter: many pages must not reconnect in step
  }

  /** The current stream is gone: show it, and try again after the backoff. */
  function lost(reason) {
    if (stream.retryTimer || stream.paused) {
      return;
    }
    stream.live = false;
    release(stream.pending);
    stream.pending = null;
    showReconnecting(reason);
    stream.retryTimer = window.setTimeout(connect, backoffDelay(stream.attempt));
    stream.attempt += 1;
  }

  /** Reconnects now if a reconnect waits for its backoff (the server answers again, the tab is back). */
  function reconnectNow() {
    if (!stream.paused && stream.retryTimer) {
      connect();
    }
  }

  function showReconnecting(reason) {
    stage.dataset.picture = stream.everLive && reason !== 'paused' ? 'stale' : 'none';
    overlayText.textContent = stream.everLive ? 'Reconnecting…' : 'Connecting…';
    overlay.hidden = false;
    overlay.dataset.reason = reason;
  }

  /** Called with each /stats answer: is this page's stream still there and moving? */
  function checkOwnStream(stats) {
    if (stream.retryTimer || stream.paused || !stream.token) {
      return;
    }
    var mine = null;
    var list = (stats.clients && stats.clients.list) || [];
    for (var i = 0; i < list.length; i++) {
      if (typeof list[i].path === 'string' && list[i].path.indexOf('client=' + stream.token) >= 0) {
        mine = list[i];
        break;
      }
    }
    if (!mine) {
      if (Date.now() - stream.requestedAt > REGISTER_GRACE_MS) {
        lost('closed by the server');
      }
      return;
    }
    var camera = stats.camera || {};
    if (camera.state === 'streaming' && camera.fps > 0 && mine.framesSent === stream.lastFramesSent) {
      stream.stalledPolls += 1;
      if (stream.stalledPolls >= STALLED_POLLS) {
        lost('stalled');
        return;
      }
    } else {
      stream.stalledPolls = 0;
    }
    stream.lastFramesSent = mine.framesSent;
  }

  // ---- Status line from /stats. ----

  var STATE_LABELS = {
    streaming: 'Streaming',
    starting: 'Starting',
    restarting: 'Restarting',
    misconfigured: 'Misconfigured',
    idle: 'Idle',
    stopped: 'Offline',
    offline: 'Offline'
  };
  var serverReachable = true;

  function setText(id, text) {
    var el = $(id);
    if (el.textContent !== text) {
      el.textContent = text;
    }
  }

  function renderStats(stats) {
    var camera = stats.camera || {};
    var state = STATE_LABELS[camera.state] ? camera.state : 'offline';
    if (state === 'stopped') {
      state = 'offline';
    }
    status.dataset.state = state;
    setText('cam-state', STATE_LABELS[state]);
    // Why the camera shows no picture, in its own words where it gave some
    // (e.g. "camera rpicam-vid exited with code 255: ERROR: *** no cameras available ***, restarting in 4 s").
    status.title = camera.problem || (camera.state !== 'streaming' && camera.lastError) || '';
    setText('kind', camera.kind || '');
    var fps = typeof camera.fps === 'number' ? camera.fps : 0;
    setText('fps', fps.toFixed(fps >= 10 ? 0 : 1) + ' fps');
    $('fps').title = 'Frames per second from the camera' + (camera.requestedFps ? ' (asked for ' + camera.requestedFps + ')' : '');
    setText('resolution', camera.width && camera.height ? camera.width + '×' + camera.height : '');
    $('resolution').title = 'Picture size, from the frames' + (camera.requestedResolution ? ' (asked for '
      + camera.requestedResolution + (camera.requestedQuality ? ', quality ' + camera.requestedQuality : '') + ')' : '');
    var viewers = stats.clients && typeof stats.clients.connected === 'number' ? stats.clients.connected : 0;
    setText('viewers', viewers + (viewers === 1 ? ' viewer' : ' viewers'));
  }

  function renderOffline() {
    if (tiles) {
      Array.prototype.forEach.call(tiles.children, function (tile) {
        tile.dataset.state = 'offline';
        tile.querySelector('.tile-label').textContent = STATE_LABELS.offline;
      });
    }
    status.dataset.state = 'offline';
    setText('cam-state', 'Offline');
    setText('fps', 'server unreachable');
    setText('kind', '');
    setText('resolution', '');
    setText('viewers', '');
  }

  function fetchWithTimeout(url, timeoutMs) {
    var controller = new AbortController();
    var timer = window.setTimeout(function () { controller.abort(); }, timeoutMs);
    return fetch(url, { cache: 'no-store', signal: controller.signal }).finally(function () {
      window.clearTimeout(timer);
    });
  }

  var pollTimer = 0;
  var pollDue = 0;
  var polling = false;
  var pollSoon = false;

  /** Asks /stats again within delayMs: one request at a time, and the earliest of the asked times. */
  function schedulePoll(delayMs) {
    var due = Date.now() + delayMs;
    if (pollTimer && pollDue <= due) {
      return;
    }
    window.clearTimeout(pollTimer);
    pollDue = due;
    pollTimer = window.setTimeout(function () {
      pollTimer = 0;
      pollStats();
    }, delayMs);
  }

  function pollStats() {
    if (polling) {
      pollSoon = true; // the request in flight may predate what changed: ask again right after it
      return;
    }
    if (document.hidden) {
      schedulePoll(STATS_INTERVAL_MS);
      return;
    }
    polling = true;
    fetchWithTimeout(base + 'stats', STATS_TIMEOUT_MS)
      .then(function (response) {
        if (response.status === 404 && base) {
          window.location.search = ''; // no such camera (any more): show the default one
        }
        if (!response.ok) {
          throw new Error('stats answered ' + response.status);
        }
        return response.json();
      })
      .then(function (stats) {
        locate(stats.server || {});
        if (showAll) {
          renderSummary(stats.cameras || []);
        } else {
          renderStats(stats);
        }
        renderCameras(stats.cameras || []);
        if (!serverReachable) {
          serverReachable = true;
          reconnectNow(); // the server is back: no need to wait for the backoff
        }
        if (!showAll) {
          checkOwnStream(stats);
        }
      })
      .catch(function () {
        serverReachable = false;
        renderOffline();
        lost('server unreachable');
      })
      .finally(function () {
        polling = false;
        schedulePoll(pollSoon ? 0 : STATS_INTERVAL_MS);
        pollSoon = false;
      });
  }

  /** Learns from a /stats answer where the context root is and which camera this page shows. */
  function locate(server) {
    if (typeof server.base !== 'string') {
      return;
    }
    var depth = server.base.split('/').length - base.split('/').length;
    root = depth > 0 ? new Array(depth + 1).join('../') : '';
    if (!named && depth > 0) {
      named = server.camera || '';
    }
  }

  // ---- Several cameras: a link to each and to all of them; the all view shows every one in a grid. ----

  var camerasShown = '';

  /** The camera links, shown once a server has more than one camera; rebuilt only when the list changes. */
  function renderCameras(cameras) {
    var nav = $('cameras');
    var names = root + ':' + cameras.map(function (c) { return c.name + (c['default'] ? '*' : ''); }).join(',');
    if (cameras.length < 2 || names === camerasShown) {
      nav.hidden = cameras.length < 2;
      if (showAll) {
        updateTiles(cameras);
      }
      return;
    }
    camerasShown = names;
    nav.textContent = '';
    var defaultName = cameras.filter(function (c) { return c['default']; }).map(function (c) { return c.name; })[0];
    var current = showAll ? 'all' : named || defaultName;
    var entries = cameras.map(function (c) { return { key: c.name, label: c.name, href: cameraPage(c) }; });
    entries.push({ key: 'all', label: 'All', href: (root || '') + '?camera=all' });
    entries.forEach(function (e) {
      var link = document.createElement('a');
      link.href = e.href;
      link.textContent = e.label;
      link.className = 'camera-link';
      if (e.key === current) {
        link.setAttribute('aria-current', 'page');
      }
      nav.appendChild(link);
    });
    nav.hidden = false;
    if (showAll) {
      buildTiles(cameras);
    }
  }

  /** Where camera c's own page is, relative to this page: the context root for the default camera. */
  function cameraPage(c) {
    return c['default'] ? root || './' : root + 'cam/' + encodeURIComponent(c.name) + '/';
  }

  var TILE_FPS = 10; // a dashboard's frame rate: several pictures at once cost the Pi less
  var tiles = null; // the all view's grid, once built

  /**
   * The all view: one tile per camera in a grid that fills the stage, each with its picture (its
   * stream at a dashboard's rate, linking to its own page), its name, status and a snapshot button.
   */
  function buildTiles(cameras) {
    stage.dataset.layout = 'grid';
    overlay.hidden = true;
    if (tiles) {
      tiles.remove();
    }
    tiles = document.createElement('div');
    tiles.className = 'tiles';
    tiles.id = 'tiles';
    cameras.forEach(function (c) {
      var tile = document.createElement('figure');
      tile.className = 'tile';
      tile.dataset.camera = c.name;
      tile.dataset.state = 'connecting';
      var view = document.createElement('a');
      view.className = 'tile-view';
      view.href = cameraPage(c);
      view.title = 'Open ' + c.name;
      var picture = document.createElement('img');
      picture.className = 'tile-picture';
      picture.alt = 'Camera ' + c.name;
      picture.dataset.src = root + c.stream + '?fps=' + TILE_FPS;
      picture.addEventListener('error', function () {
        // The stream could not start or broke: try again shortly with a fresh URL.
        window.setTimeout(function () {
          if (picture.hasAttribute('src')) {
            picture.src = picture.dataset.src + '&t=' + Date.now();
          }
        }, 2000);
      });
      view.appendChild(picture);
      var bar = document.createElement('figcaption');
      bar.className = 'tile-bar';
      var name = document.createElement('span');
      name.className = 'tile-name';
      name.textContent = c.name;
      var state = document.createElement('span');
      state.className = 'tile-state';
      var dot = document.createElement('span');
      dot.className = 'dot';
      dot.setAttribute('aria-hidden', 'true');
      var label = document.createElement('span');
      label.className = 'tile-label';
      state.appendChild(dot);
      state.appendChild(label);
      var info = document.createElement('span');
      info.className = 'tile-info';
      var snap = document.createElement('a');
      snap.className = 'tile-snapshot';
      snap.href = root + c.snapshot;
      snap.title = 'Download ' + c.name + '’s current frame';
      snap.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 8h3l2-3h6l2 3h3v11H4z"/>'
        + '<circle cx="12" cy="13" r="3.5"/></svg><span>Snapshot</span>';
      snap.addEventListener('click', function (event) {
        event.preventDefault();
        takeSnapshot(snap.href, c.name, snap);
      });
      bar.appendChild(name);
      bar.appendChild(state);
      bar.appendChild(info);
      bar.appendChild(snap);
      tile.appendChild(view);
      tile.appendChild(bar);
      tiles.appendChild(tile);
    });
    stage.appendChild(tiles);
    playTiles(true);
    updateTiles(cameras);
  }

  /** Starts (or, for a hidden tab, stops) every tile's stream. */
  function playTiles(on) {
    if (!tiles) {
      return;
    }
    Array.prototype.forEach.call(tiles.querySelectorAll('.tile-picture'), function (picture) {
      if (on && !picture.hasAttribute('src')) {
        picture.src = picture.dataset.src;
      } else if (!on) {
        release(picture);
      }
    });
  }

  function updateTiles(cameras) {
    if (!tiles) {
      return;
    }
    cameras.forEach(function (c) {
      var tile = tiles.querySelector('.tile[data-camera="' + c.name + '"]');
      if (tile) {
        var state = STATE_LABELS[c.state] && c.state !== 'stopped' ? c.state : 'offline';
        tile.dataset.state = state;
        tile.querySelector('.tile-label').textContent = STATE_LABELS[state];
        var fps = typeof c.fps === 'number' ? c.fps : 0;
        tile.querySelector('.tile-info').textContent = (c.width ? c.width + '×' + c.height + ' · ' : '')
          + fps.toFixed(fps >= 10 ? 0 : 1) + ' fps';
        tile.title = c.problem || '';
      }
    });
    layoutTiles(cameras);
  }

  /**
   * Columns and rows for the tiles: the count that shows the pictures largest in the stage (a wide
   * screen puts them side by side, a phone held upright one above the other). A last row with fewer
   * tiles shares the full width, so no part of the stage is left empty.
   */
  function layoutTiles(cameras) {
    var count = cameras.length;
    var box = tiles.getBoundingClientRect();
    if (!count || !box.width || !box.height) {
      return;
    }
    var sized = cameras.filter(function (c) { return c.width > 0 && c.height > 0; })[0];
    var aspect = sized ? sized.width / sized.height : 4 / 3;
    var gap = 8;
    var barHeight = 44;
    var best = 1;
    var bestArea = -1;
    for (var cols = 1; cols <= count; cols++) {
      var rows = Math.ceil(count / cols);
      var cellWidth = (box.width - gap * (cols + 1)) / cols;
      var cellHeight = (box.height - gap * (rows + 1)) / rows - barHeight;
      var width = Math.max(0, Math.min(cellWidth, cellHeight * aspect));
      var area = width * width / aspect;
      if (area > bestArea * 1.001) {
        best = cols;
        bestArea = area;
      }
    }
    var lastRow = count % best;
    // With a short last row the grid has best x lastRow columns: a full row's tile spans lastRow of
    // them, a last-row tile best of them.
    var columns = lastRow ? best * lastRow : best;
    var key = columns + 'x' + Math.ceil(count / best);
    if (tiles.dataset.layout === key) {
      return;
    }
    tiles.dataset.layout = key;
    tiles.style.setProperty('--columns', String(columns));
    tiles.style.setProperty('--rows', String(Math.ceil(count / best)));
    Array.prototype.forEach.call(tiles.children, function (tile, i) {
      var inLastRow = lastRow && i >= count - lastRow;
      tile.style.setProperty('--span', String(lastRow ? (inLastRow ? best : lastRow) : 1));
    });
  }

  var lastCameras = [];

  /** The header in the all view: how many cameras stream, all viewers together. */
  function renderSummary(cameras) {
    lastCameras = cameras;
    var count = cameras.length;
    var streaming = cameras.filter(function (c) { return c.state === 'streaming'; }).length;
    var down = cameras.filter(function (c) { return c.state === 'stopped' || c.state === 'offline' || c.state === 'misconfigured'; });
    var state = streaming === count ? 'streaming' : down.length === count ? 'offline' : 'partial';
    status.dataset.state = state;
    setText('cam-state', streaming === count ? (count === 1 ? 'Streaming' : 'All ' + count + ' streaming')
      : streaming + ' of ' + count + ' streaming');
    status.title = cameras.filter(function (c) { return c.problem; })
      .map(function (c) { return c.name + ': ' + c.problem; }).join('\n');
    setText('kind', '');
    setText('fps', '');
    setText('resolution', count + (count === 1 ? ' camera' : ' cameras'));
    var viewers = cameras.reduce(function (sum, c) { return sum + (c.clients || 0); }, 0);
    setText('viewers', viewers + (viewers === 1 ? ' viewer' : ' viewers'));
  }

  // ---- Hidden tabs stop streaming; shown again, they reconnect at once. ----

  var hiddenTimer = 0;

  function pause() {
    if (showAll) {
      playTiles(false); // a hidden dashboard costs the Pi nothing either
      return;
    }
    window.clearTimeout(stream.retryTimer);
    stream.retryTimer = 0;
    stream.paused = true;
    stream.live = false;
    release(stream.pending); // drops the connections: a hidden tab costs the Pi nothing
    stream.pending = null;
    release(img);
    showReconnecting('paused');
  }

  document.addEventListener('visibilitychange', function () {
    if (document.hidden) {
      hiddenTimer = window.setTimeout(pause, HIDDEN_PAUSE_MS);
      return;
    }
    window.clearTimeout(hiddenTimer);
    if (showAll) {
      playTiles(true);
      return;
    }
    if (stream.paused) {
      connect();
    } else {
      reconnectNow();
    }
  });

  window.addEventListener('pageshow', function (event) {
    if (event.persisted) {
      // Restored from the back/forward cache: its streams are long gone.
      if (showAll) {
        playTiles(false);
        playTiles(true);
      } else {
        connect();
      }
    }
  });

  window.addEventListener('online', reconnectNow);

  // ---- Rotate and mirror, remembered in this browser. ----

  var view = loadView();

  function loadView() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(VIEW_KEY) || '{}');
      var rotation = [0, 90, 180, 270].indexOf(saved.rotation) >= 0 ? saved.rotation : 0;
      return { rotation: rotation, mirror: saved.mirror === true };
    } catch (e) {
      return { rotation: 0, mirror: false }; // storage disabled or corrupt: start plain
    }
  }

  function saveView() {
    try {
      window.localStorage.setItem(VIEW_KEY, JSON.stringify(view));
    } catch (e) {
      // Storage disabled (private mode): the view still applies, it is just not remembered.
    }
  }

  function applyView() {
    stage.dataset.rotation = String(view.rotation);
    stage.dataset.mirror = String(view.mirror);
    setText('rotation-value', view.rotation + '°');
    $('mirror').setAttribute('aria-pressed', String(view.mirror));
  }

  function rotate() {
    view.rotation = (view.rotation + 90) % 360;
    saveView();
    applyView();
  }

  function mirror() {
    view.mirror = !view.mirror;
    saveView();
    applyView();
  }

  // ---- Snapshot: the newest frame as a timestamped .jpg download. ----

  var messageTimer = 0;

  function say(text) {
    message.textContent = text;
    message.hidden = false;
    window.clearTimeout(messageTimer);
    messageTimer = window.setTimeout(function () { message.hidden = true; }, 4000);
  }

  function pad(n, width) {
    var s = String(n);
    while (s.length < width) {
      s = '0' + s;
    }
    return s;
  }

  /**
   * pi-stream_2024-05-01_14-03-59-123.jpg (pi-stream_NAME_... for a named camera's page or tile), in
   * local time, from the frame's capture time when known.
   */
  function snapshotName(xTimestamp, camera) {
    var seconds = parseFloat(xTimestamp);
    var d = isFinite(seconds) ? new Date(seconds * 1000) : new Date();
    return 'pi-stream_' + (camera ? camera + '_' : '') + d.getFullYear() + '-' + pad(d.getMonth() + 1, 2) + '-' + pad(d.getDate(), 2) + '_'
      + pad(d.getHours(), 2) + '-' + pad(d.getMinutes(), 2) + '-' + pad(d.getSeconds(), 2) + '-'
      + pad(d.getMilliseconds(), 3) + '.jpg';
  }

  function snapshot() {
    takeSnapshot(base + 'snapshot', named, $('snapshot'));
  }

  /** Downloads the newest frame from url as a .jpg named for camera; control is busy meanwhile. */
  function takeSnapshot(url, camera, control) {
    if (control.getAttribute('aria-busy') === 'true') {
      return;
    }
    control.setAttribute('aria-busy', 'true');
    control.disabled = true;
    fetchWithTimeout(url, 10000)
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status === 503 ? 'no picture from the camera yet' : 'server answered ' + response.status);
        }
        var name = snapshotName(response.headers.get('X-Timestamp'), camera);
        return response.blob().then(function (blob) {
          var url = URL.createObjectURL(blob);
          var link = document.createElement('a');
          link.href = url;
          link.download = name;
          document.body.appendChild(link);
          link.click();
          link.remove();
          window.setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
          say('Saved ' + name);
        });
      })
      .catch(function (e) {
        say('Snapshot failed: ' + (e && e.name === 'AbortError' ? 'timed out' : e.message));
      })
      .finally(function () {
        control.disabled = false;
        control.removeAttribute('aria-busy');
      });
  }

  // ---- Fullscreen of the picture. ----

  function fullscreenElement() {
    return document.fullscreenElement || document.webkitFullscreenElement || null;
  }

  function toggleFullscreen() {
    if (fullscreenElement()) {
      (document.exitFullscreen || document.webkitExitFullscreen).call(document);
      return;
    }
    var request = stage.requestFullscreen || stage.webkitRequestFullscreen;
    var result = request.call(stage);
    if (result && typeof result.catch === 'function') {
      result.catch(function (e) { say('Fullscreen refused: ' + e.message); });
    }
  }

  function syncFullscreen() {
    $('fullscreen').setAttribute('aria-pressed', String(fullscreenElement() === stage));
  }

  // ---- Wiring. ----

  $('snapshot').addEventListener('click', snapshot);
  $('rotate').addEventListener('click', rotate);
  $('mirror').addEventListener('click', mirror);
  if (document.fullscreenEnabled || document.webkitFullscreenEnabled) {
    $('fullscreen').addEventListener('click', toggleFullscreen);
    stage.addEventListener('dblclick', toggleFullscreen);
    document.addEventListener('fullscreenchange', syncFullscreen);
    document.addEventListener('webkitfullscreenchange', syncFullscreen);
  } else {
    $('fullscreen').hidden = true; // iPhone Safari: no fullscreen for anything but <video>
  }

  var KEYS = { s: snapshot, r: rotate, m: mirror, f: toggleFullscreen };
  var KEY_BUTTONS = { s: 'snapshot', r: 'rotate', m: 'mirror', f: 'fullscreen' };
  document.addEventListener('keydown', function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) {
      return;
    }
    var key = event.key && event.key.toLowerCase();
    var action = KEYS[key];
    if (action && !$(KEY_BUTTONS[key]).hidden) { // a hidden button's shortcut is off too
      event.preventDefault();
      action();
    }
  });

  applyView();
  pollStats();
  // The stream starts once the page has loaded: a camera that sends no frame yet must not keep the
  // page "loading" (an <img> delays the load event until its first part).
  if (showAll) {
    overlay.hidden = true; // the tiles come with the first /stats answer
    // Each tile has its own snapshot button; rotate and mirror are for one camera's picture.
    $('snapshot').hidden = true;
    $('rotate').hidden = true;
    $('mirror').hidden = true;
    stage.dataset.layout = 'grid';
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        if (tiles) {
          layoutTiles(lastCameras);
        }
      }).observe(stage);
    }
  } else if (document.readyState === 'complete') {
    connect();
  } else {
    window.addEventListener('load', connect);
  }
}());
