// Coxswain dashboard: progressive enhancement only. Every page works without this file (forms
// post, links navigate); with it, fragments refresh (htmx), charts draw (uPlot) and logs stream
// (Server-Sent Events). No eval, no inline script: the CSP allows only files from this server.
(function () {
  'use strict';

  function csrfToken() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute('content') : null;
  }

  // htmx requests carry the session's CSRF token in a header (forms carry it in a field).
  document.addEventListener('htmx:configRequest', function (e) {
    var t = csrfToken();
    if (t) e.detail.headers['X-CSRF-Token'] = t;
  });

  // Forms that change something irreversible ask first.
  document.addEventListener('submit', function (e) {
    var f = e.target;
    var q = f.getAttribute && f.getAttribute('data-confirm');
    if (q && !window.confirm(q)) e.preventDefault();
  }, true);

  // "Select all" boxes for bulk actions.
  document.addEventListener('change', function (e) {
    var box = e.target;
    if (!box.matches || !box.matches('input[data-select-all]')) return;
    var name = box.getAttribute('data-select-all');
    document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (c) { c.checked = box.checked; });
  });

  // ---- charts -------------------------------------------------------------------------------
  var charts = [];

  // 24-hour clock times, as every other time on the dashboard (uPlot's default is 11:20am and m/d/yy).
  var clock = typeof uPlot === 'undefined' ? null : uPlot.fmtDate('{HH}:{mm}');
  var stamp = '{YYYY}-{MM}-{DD} {HH}:{mm}';

  // Charts show the server's zone (data-zone), like every other time on the dashboard; a zone
  // this browser does not know falls back to its own.
  function zoneDate(zone) {
    if (zone) {
      try {
        Intl.DateTimeFormat('en', { timeZone: zone });
        return function (ts) { return uPlot.tzDate(new Date(ts * 1000), zone); };
      } catch (e) { /* unknown zone: local time */ }
    }
    return function (ts) { return new Date(ts * 1000); };
  }

  function chartOptions(kind, width, zone) {
    var toDate = zoneDate(zone);
    var base = {
      width: width, height: 220,
      tzDate: toDate,
      scales: { x: { time: true } },
      axes: [{ values: function (u, ticks) { return ticks.map(function (t) { return clock(toDate(t)); }); } },
        { size: 50 }],
      legend: { live: true }
    };
    if (kind === 'failure') {
      base.scales.y = { range: [0, 100] };
      // Points drawn: a minute with finished tasks between empty ones is a lone value, which a line alone never shows.
      base.series = [{ value: stamp }, { label: 'failure %', stroke: '#b42318', width: 2, spanGaps: true,
        points: { show: true, size: 5, fill: '#b42318' } }];
    } else {
      base.series = [{ value: stamp }, { label: 'completed', stroke: '#1a7f37', fill: 'rgba(26,127,55,0.12)', width: 2 },
        { label: 'failed', stroke: '#b42318', width: 2 }, { label: 'cancelled', stroke: '#57606a', width: 1 }];
    }
    return base;
  }

  function chartData(kind, d) {
    return kind === 'failure' ? [d.x, d.failure_rate] : [d.x, d.completed, d.failed, d.cancelled];
  }

  function drawCharts() {
    if (typeof uPlot === 'undefined') return;
    document.querySelectorAll('[data-chart]').forEach(function (el) {
      var url = el.getAttribute('data-chart');
      var kind = el.getAttribute('data-kind');
      fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
        .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
        .then(function (d) {
          var existing = charts.find(function (c) { return c.el === el; });
          if (existing) { existing.plot.setData(chartData(kind, d)); return; }
          el.textContent = '';
          var plot = new uPlot(chartOptions(kind, Math.max(280, el.clientWidth), el.getAttribute('data-zone')),
            chartData(kind, d), el);
          charts.push({ el: el, plot: plot });
        })
        .catch(function (err) { el.textContent = 'Chart unavailable (' + err.message + ').'; });
    });
  }

  window.addEventListener('resize', function () {
    charts.forEach(function (c) { c.plot.setSize({ width: Math.max(280, c.el.clientWidth), height: 220 }); });
  });

  // ---- live log tail over SSE ---------------------------------------------------------------
  function followLogs() {
    document.querySelectorAll('[data-log-stream]').forEach(function (box) {
      if (box.dataset.following) return;
      box.dataset.following = '1';
      var status = document.querySelector('[data-log-status]');
      var src = new EventSource(box.getAttribute('data-log-stream'));
      function atBottom() { return box.scrollHeight - box.scrollTop - box.clientHeight < 40; }
      src.addEventListener('line', function (e) {
        var d = JSON.parse(e.data);
        var stick = atBottom();
        var line = document.createElement('span');
        line.className = 'line lvl-' + d.level;
        var ts = document.createElement('span');
        ts.className = 'ts';
        ts.textContent = d.time;
        line.appendChild(ts);
        line.appendChild(document.createTextNode(d.message)); // text, never HTML
        box.appendChild(line);
        if (stick) box.scrollTop = box.scrollHeight;
      });
      src.addEventListener('status', function (e) {
        var d = JSON.parse(e.data);
        if (status) status.textContent = d.status;
      });
      src.addEventListener('end', function (e) {
        var d = JSON.parse(e.data);
        if (status) status.textContent = d.status + ' (stream ended)';
        src.close();
      });
      src.onerror = function () { if (status && src.readyState === EventSource.CLOSED) status.textContent = 'disconnected'; };
    });
  }

  function start() {
    drawCharts();
    followLogs();
    if (document.querySelector('[data-chart]')) setInterval(drawCharts, 30000);
  }

  document.addEventListener('htmx:afterSettle', followLogs);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
