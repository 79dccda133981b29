/*
 * pi-stream settings panel: the camera's controls from GET controls, drawn as sliders, switches and
 * lists beside the picture (a collapsed section on phones), each change sent as POST controls with a
 * JSON body. A change the camera takes at start only restarts it: the panel says so until it streams
 * again. No inline script or style: the page's Content-Security-Policy stays strict.
 */
(function () {
  'use strict';

  var params = new URLSearchParams(window.location.search);
  var chosen = params.get('camera') || '';
  if (chosen === 'all') {
    return; // several cameras side by side: each one's settings are on its own page
  }
  var base = chosen ? 'cam/' + encodeURIComponent(chosen) + '/' : '';
  var stage = document.getElementById('stage');
  if (!stage) {
    return;
  }
  var SIZES = ['640x480', '1280x720', '1920x1080'];
  var GROUP_TITLES = { stream: 'Stream', rpicam: 'Camera' };

  var row = document.createElement('div');
  row.className = 'stage-row';
  stage.parentNode.insertBefore(row, stage);
  row.appendChild(stage);

  var panel = document.createElement('details');
  panel.id = 'settings';
  panel.className = 'settings';
  // Open beside the picture on wide screens; a closed section under it on phones.
  panel.open = !window.matchMedia('(max-width: 600px)').matches;
  var summary = document.createElement('summary');
  summary.textContent = 'Settings';
  panel.appendChild(summary);
  var notice = document.createElement('p');
  notice.id = 'settings-notice';
  notice.className = 'settings-notice';
  notice.setAttribute('role', 'status');
  notice.setAttribute('aria-live', 'polite');
  notice.hidden = true;
  panel.appendChild(notice);
  var body = document.createElement('div');
  body.id = 'settings-body';
  panel.appendChild(body);
  row.appendChild(panel);

  var canChange = false;
  var refreshTimer = null;

  function say(text, kind) {
    notice.textContent = text;
    notice.dataset.kind = kind || 'info';
    notice.hidden = !text;
  }

  function load() {
    return fetch(base + 'controls', { cache: 'no-store' })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('controls answered ' + response.status);
        }
        return response.json();
      })
      .then(render)
      .catch(function (e) {
        say('Settings unavailable: ' + e.message, 'error');
      });
  }

  function render(listing) {
    canChange = listing.canChange;
    body.textContent = '';
    if (!canChange) {
      var why = document.createElement('p');
      why.id = 'settings-refusal';
      why.className = 'settings-refusal';
      why.textContent = listing.refusal || 'You may not change the camera settings.';
      body.appendChild(why);
    }
    if (listing.applying) {
      say('Applying settings: the camera restarts…', 'restart');
      schedule(1000);
    } else if (notice.dataset.kind === 'restart') {
      say('');
    }
    if (!listing.controls.length) {
      var none = document.createElement('p');
      none.className = 'settings-none';
      none.textContent = 'This camera has no settings to change here.';
      body.appendChild(none);
      return;
    }
    var groups = {};
    listing.controls.forEach(function (c) {
      if (!groups[c.group]) {
        var fieldset = document.createElement('fieldset');
        fieldset.className = 'settings-group';
        var legend = document.createElement('legend');
        legend.textContent = GROUP_TITLES[c.group] || c.group;
        fieldset.appendChild(legend);
        body.appendChild(fieldset);
        groups[c.group] = fieldset;
      }
      groups[c.group].appendChild(controlRow(c));
    });
  }

  function label(name) {
    return name.replace(/[_-]/g, ' ');
  }

  function controlRow(c) {
    var row = document.createElement('div');
    row.className = 'setting';
    row.dataset.control = c.name;
    var id = 'setting-' + c.name;
    var title = document.createElement('label');
    title.htmlFor = id;
    title.textContent = label(c.name);
    var input;
    var shown = document.createElement('output');
    shown.className = 'setting-value';
    if (c.type === 'int' || c.type === 'number') {
      input = document.createElement('input');
      input.type = 'range';
      input.min = c.min;
      input.max = c.max;
      input.step = c.step || (c.type === 'int' ? 1 : 'any');
      input.value = c.value === null ? c.min : c.value;
      shown.textContent = c.value === null ? 'auto' : c.value;
      input.addEventListener('input', function () { shown.textContent = input.value; });
      input.addEventListener('change', function () { send(c, c.type === 'int' ? parseInt(input.value, 10) : parseFloat(input.value)); });
    } else if (c.type === 'bool') {
      input = document.createElement('input');
      input.type = 'checkbox';
      input.setAttribute('role', 'switch');
      input.checked = !!c.value;
      input.addEventListener('change', function () { send(c, input.checked); });
    } else {
      input = document.createElement('select');
      var entries = c.type === 'menu' ? c.menu : SIZES.concat(SIZES.indexOf(c.value) < 0 && c.value ? [c.value] : [])
        .map(function (s) { return { value: s, label: s }; });
      entries.forEach(function (e) {
        var option = document.createElement('option');
        option.value = String(e.value);
        option.textContent = e.label;
        input.appendChild(option);
      });
      input.value = String(c.value);
      input.addEventListener('change', function () {
        var chosenEntry = entries.filter(function (e) { return String(e.value) === input.value; })[0];
        send(c, chosenEntry ? chosenEntry.value : input.value);
      });
    }
    input.id = id;
    input.disabled = !canChange || c.readOnly || c.inactive;
    if (c.inactive) {
      row.classList.add('inactive');
      row.title = 'Inactive while an automatic mode is on';
    }
    if (c.readOnly) {
      row.classList.add('read-only');
      row.title = c.readOnlyWhy || 'read-only';
    }
    var reset = document.createElement('button');
    reset.type = 'button';
    reset.className = 'setting-reset';
    reset.textContent = '↺';
    reset.title = 'Reset ' + label(c.name) + ' to its default (' + (c.default === null ? 'auto' : c.default) + ')';
    reset.setAttribute('aria-label', reset.title);
    reset.disabled = input.disabled || c.value === c.default;
    reset.addEventListener('click', function () { send(c, null); });
    row.appendChild(title);
    row.appendChild(input);
    if (c.type === 'int' || c.type === 'number') {
      row.appendChild(shown);
    }
    row.appendChild(reset);
    return row;
  }

  function send(c, value) {
    var change = {};
    change[c.name] = value;
    say('Sending…', 'info');
    fetch(base + 'controls', {
      method: 'POST',
      cache: 'no-store',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(change)
    })
      .then(function (response) {
        return response.json().then(function (answer) { return { status: response.status, answer: answer }; });
      })
      .then(function (r) {
        if (r.status !== 200) {
          say(r.answer.error || ('refused: ' + r.status), 'error');
          load();
          return;
        }
        if (r.answer.restart) {
          say('Applying settings: the camera restarts…', 'restart');
          schedule(800);
        } else {
          say('');
          load();
        }
      })
      .catch(function (e) {
        say('Not sent: ' + e.message, 'error');
      });
  }

  function schedule(ms) {
    if (refreshTimer) {
      clearTimeout(refreshTimer);
    }
    refreshTimer = setTimeout(function () {
      refreshTimer = null;
      load();
    }, ms);
  }

  load();
})();
