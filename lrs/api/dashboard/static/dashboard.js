// Keeps an open dashboard page up to date without reloading it.
//
// The page names the projections' position it was drawn at (data-position on
// <body>). Every few seconds this asks the status endpoint where the views
// are now; when the position has moved, it fetches the same page again and
// swaps in the fresh version of each element marked data-live (by id). The
// server renders and escapes everything: the fetched HTML is parsed into an
// inert document (DOMParser runs no scripts) and only nodes of our own page
// are moved over. Served as a file: the Content-Security-Policy allows no
// inline script.
(function () {
  "use strict";

  var body = document.body;
  var statusUrl = body.getAttribute("data-status-url");
  if (!statusUrl || !window.fetch || !window.DOMParser) {
    return;
  }
  var position = body.getAttribute("data-position");
  var seconds = parseFloat(body.getAttribute("data-poll-seconds") || "5");
  var interval = Math.max(1, isFinite(seconds) ? seconds : 5) * 1000;
  var busy = false;
  var timer = null;

  function setText(selector, value) {
    var node = document.querySelector(selector);
    if (node) {
      node.textContent = String(value);
    }
  }

  var FOCUSABLE = "a, button, input, select, textarea, summary";

  // A table alternative the reader has opened stays open.
  function keepState(current, replacement) {
    var was = current.querySelectorAll("details");
    var now = replacement.querySelectorAll("details");
    for (var i = 0; i < was.length && i < now.length; i++) {
      now[i].open = was[i].open;
    }
  }

  // Keyboard focus inside a replaced region moves to the same control in the new one:
  // where it is (its index among the region's controls), taken before the swap.
  function focusedIndex(region) {
    var active = document.activeElement;
    if (!active || !region.contains(active)) {
      return -1;
    }
    return Array.prototype.indexOf.call(region.querySelectorAll(FOCUSABLE), active);
  }

  function swapLiveRegions(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var regions = fresh.querySelectorAll("[data-live][id]");
    for (var i = 0; i < regions.length; i++) {
      var current = document.getElementById(regions[i].id);
      if (current) {
        var replacement = document.importNode(regions[i], true);
        keepState(current, replacement);
        var focused = focusedIndex(current);
        current.replaceWith(replacement);
        if (focused >= 0 && replacement.querySelectorAll(FOCUSABLE)[focused]) {
          replacement.querySelectorAll(FOCUSABLE)[focused].focus();
        }
      }
    }
    var freshPosition = fresh.body.getAttribute("data-position");
    if (freshPosition !== null) {
      position = freshPosition;
      body.setAttribute("data-position", freshPosition);
    }
    body.setAttribute("data-refreshed", String(Date.now()));
  }

  function refresh() {
    return fetch(window.location.href, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) {
        if (!response.ok || response.redirected) {
          throw new Error("page answered " + response.status);
        }
        return response.text();
      })
      .then(swapLiveRegions);
  }

  function poll() {
    if (busy || document.hidden) {
      return;
    }
    busy = true;
    fetch(statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (response.status === 401) {
          window.clearInterval(timer);
          setText("#live-status", "Signed out: reload the page to sign in again.");
          throw new Error("signed out");
        }
        return response.json();
      })
      .then(function (live) {
        setText(".live-head", live.head);
        setText(".live-lag", live.lag);
        if (String(live.position) !== String(position)) {
          return refresh();
        }
        return null;
      })
      .catch(function () { /* try again at the next tick */ })
      .then(function () { busy = false; });
  }

  timer = window.setInterval(poll, interval);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      poll();
    }
  });
})();
