// archdoc default theme: colour scheme, search, diagram pan and zoom, component details, copy.
// No dependencies and no network: the site works from file:// and any static host.
(function () {
  "use strict";
  var doc = document.documentElement;

  // Colour scheme: follows the system unless the reader picked one.
  var saved = null;
  try { saved = window.localStorage.getItem("archdoc-scheme"); } catch (e) { saved = null; }
  if (saved === "light" || saved === "dark") { doc.setAttribute("data-scheme", saved); }
  var schemeButton = document.getElementById("archdoc-scheme");
  if (schemeButton) {
    schemeButton.addEventListener("click", function () {
      var dark = doc.getAttribute("data-scheme") === "dark" ||
        (!doc.getAttribute("data-scheme") && window.matchMedia("(prefers-color-scheme: dark)").matches);
      var next = dark ? "light" : "dark";
      doc.setAttribute("data-scheme", next);
      try { window.localStorage.setItem("archdoc-scheme", next); } catch (e) { /* private mode */ }
    });
  }

  // Search: titles and headings first, then pages, models and rules whose text holds every
  // word of the query (a prebuilt index of words, so it works from file:// too). A query in
  // the address (`?q=words`) is searched on load, so a search can be linked.
  var root = (document.querySelector("link[rel=stylesheet]").getAttribute("href") || "").replace(/assets\/style\.css$/, "");
  var input = document.getElementById("archdoc-search");
  var results = document.getElementById("archdoc-results");
  if (input && results) {
    var termKeys = null;
    var entriesWith = function (word) {
      var terms = window.ARCHDOC_TERMS || {};
      if (termKeys === null) { termKeys = Object.keys(terms); }
      var found = {};
      for (var k = 0; k < termKeys.length; k++) {
        if (termKeys[k].indexOf(word) === 0) {
          var list = terms[termKeys[k]];
          for (var j = 0; j < list.length; j++) { found[list[j]] = true; }
        }
      }
      return found;
    };
    var run = function () {
      var q = input.value.trim().toLowerCase();
      while (results.firstChild) { results.removeChild(results.firstChild); }
      if (q.length < 2) { results.hidden = true; return; }
      var index = window.ARCHDOC_SEARCH || [];
      var words = q.split(/[^0-9a-z\u00c0-\uffff]+/).filter(function (w) { return w.length > 1; });
      var sets = words.map(entriesWith);
      var inTitle = [], inText = [];
      for (var i = 0; i < index.length; i++) {
        var title = index[i].t.toLowerCase();
        if (title.indexOf(q) !== -1) { inTitle.push(i); continue; }
        var all = words.length > 0;
        for (var w = 0; w < words.length && all; w++) {
          all = title.indexOf(words[w]) !== -1 || sets[w][i] === true;
        }
        if (all) { inText.push(i); }
      }
      var shown = inTitle.concat(inText).slice(0, 12);
      for (var n = 0; n < shown.length; n++) {
        var entry = index[shown[n]];
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = root + entry.u;
        a.textContent = entry.t;
        li.appendChild(a);
        if (entry.p) {
          var small = document.createElement("small");
          small.textContent = " — " + entry.p;
          li.appendChild(small);
        }
        results.appendChild(li);
      }
      results.hidden = shown.length === 0;
    };
    input.addEventListener("input", run);
    var asked = /[?&]q=([^&#]*)/.exec(window.location.search);
    if (asked) {
      try { input.value = decodeURIComponent(asked[1].replace(/\+/g, " ")); } catch (e) { input.value = ""; }
      run();
    }
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { results.hidden = true; }
    });
  }

  // Diagram: pan by dragging, zoom with the wheel or the buttons, click for details.
  var box = document.querySelector("[data-archdoc-diagram]");
  var svg = box ? box.querySelector("svg") : null;
  if (svg) {
    var vb = svg.getAttribute("viewBox").split(/\s+/).map(Number);
    var initial = vb.slice();
    var apply = function () { svg.setAttribute("viewBox", vb.join(" ")); };
    var zoom = function (factor, cx, cy) {
      var w = vb[2] * factor, h = vb[3] * factor;
      vb[0] = cx - (cx - vb[0]) * factor;
      vb[1] = cy - (cy - vb[1]) * factor;
      vb[2] = w; vb[3] = h;
      apply();
    };
    box.addEventListener("wheel", function (e) {
      e.preventDefault();
      var r = svg.getBoundingClientRect();
      var cx = vb[0] + (e.clientX - r.left) / r.width * vb[2];
      var cy = vb[1] + (e.clientY - r.top) / r.height * vb[3];
      zoom(e.deltaY < 0 ? 0.85 : 1 / 0.85, cx, cy);
    }, { passive: false });
    var drag = null;
    box.addEventListener("pointerdown", function (e) { drag = { x: e.clientX, y: e.clientY, moved: false }; });
    window.addEventListener("pointerup", function () { setTimeout(function () { drag = null; }, 0); });
    box.addEventListener("pointermove", function (e) {
      if (!drag) { return; }
      var r = svg.getBoundingClientRect();
      var dx = (e.clientX - drag.x) / r.width * vb[2];
      var dy = (e.clientY - drag.y) / r.height * vb[3];
      if (Math.abs(e.clientX - drag.x) + Math.abs(e.clientY - drag.y) > 3) { drag.moved = true; }
      vb[0] -= dx; vb[1] -= dy;
      drag.x = e.clientX; drag.y = e.clientY;
      apply();
    });
    var buttons = document.querySelectorAll("[data-zoom]");
    for (var b = 0; b < buttons.length; b++) {
      buttons[b].addEventListener("click", function (e) {
        var how = e.currentTarget.getAttribute("data-zoom");
        if (how === "reset") { vb = initial.slice(); apply(); return; }
        zoom(how === "in" ? 0.8 : 1.25, vb[0] + vb[2] / 2, vb[1] + vb[3] / 2);
      });
    }
    var data = {};
    var blob = document.getElementById("archdoc-components");
    if (blob) { try { data = JSON.parse(blob.textContent); } catch (e) { data = {}; } }
    var panel = document.getElementById("archdoc-details");
    var selected = null;
    svg.addEventListener("click", function (e) {
      if (drag && drag.moved) { return; }
      var g = e.target.closest ? e.target.closest("[data-id]") : null;
      if (!g || !panel) { return; }
      var d = data[g.getAttribute("data-id")];
      if (!d) { return; }
      if (selected) { selected.classList.remove("selected"); }
      selected = g; g.classList.add("selected");
      while (panel.firstChild) { panel.removeChild(panel.firstChild); }
      var h = document.createElement("h3");
      h.textContent = d.name + " (" + d.id + ")";
      panel.appendChild(h);
      var p = document.createElement("p");
      p.textContent = d.summary;
      panel.appendChild(p);
      if (d.findings.length) {
        var ul = document.createElement("ul");
        for (var i = 0; i < d.findings.length; i++) {
          var li = document.createElement("li");
          li.textContent = d.findings[i];
          ul.appendChild(li);
        }
        panel.appendChild(ul);
      }
      panel.hidden = false;
    });
    // Mark the page when the diagram is drawn at a real size (the browser test reads this).
    var rect = svg.getBoundingClientRect();
    if (rect.width > 0 && rect.height > 0) { doc.setAttribute("data-archdoc-diagram", "visible"); }
  }

  // Copy buttons.
  var copies = document.querySelectorAll("[data-copy]");
  for (var c = 0; c < copies.length; c++) {
    copies[c].addEventListener("click", function (e) {
      var target = document.getElementById(e.currentTarget.getAttribute("data-copy"));
      if (!target || !navigator.clipboard) { return; }
      var button = e.currentTarget;
      navigator.clipboard.writeText(target.textContent).then(function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = "Copy"; }, 1500);
      }, function () { button.textContent = "Select and copy"; });
    });
  }
  doc.setAttribute("data-archdoc-ready", "1");
})();
