/* LOM – the live workshop board. Our own small script, no library.
 *
 * Everything works without it: the forms post and the page reloads. With it:
 *  - the board polls its JSON endpoint (every 2 s, with the ETag, so an unchanged board costs
 *    the server one small query and the browser a 304) and redraws when something changed;
 *  - the board's forms are sent with fetch and the board is redrawn from the answer;
 *  - cards can be dragged to an area (the "Flytta till område" select is the keyboard way);
 *  - a time-boxed step shows a countdown.
 * What the user is typing survives a redraw (values by element id); focus stays on the same
 * control (found again by its id, its data-focus-key, or its form's action with its name and
 * value: a button without an id keeps focus too). Other participants' changes are announced
 * politely in an aria-live region (coalesced: at most one "updated" every few seconds, none
 * lost). After the facilitator's own step change, focus moves to the new step's heading. */
(function () {
  "use strict";

  var live = document.getElementById("live");
  if (!live || !window.fetch) { return; }

  var statusEl = document.getElementById("live-status");
  var alertEl = document.getElementById("live-alert");
  var url = live.getAttribute("data-live-url");
  var basePoll = parseInt(live.getAttribute("data-poll-ms"), 10) || 2000;
  var etag = null;
  var timer = null;
  var dragging = false;
  var failures = 0;
  var lastAnnounce = 0;
  var lastUpdate = 0;
  var pendingUpdate = null;
  var UPDATE_GAP = 5000;  /* ms between two "the board was updated" announcements */

  function msg(name) { return live.getAttribute("data-msg-" + name) || ""; }

  function root() { return live.querySelector(".live-root"); }

  function state() {
    var r = root();
    return r ? {
      revision: r.getAttribute("data-revision"),
      status: r.getAttribute("data-status"),
      step: r.getAttribute("data-step"),
      stepLabel: r.getAttribute("data-step-label")
    } : {};
  }

  function announce(text, force) {
    if (!text || !statusEl) { return; }
    var now = Date.now();
    if (!force && now - lastAnnounce < 15000) { return; }
    lastAnnounce = now;
    statusEl.textContent = "";
    window.setTimeout(function () { statusEl.textContent = text; }, 50);
  }

  /* Another participant's change: said politely, and not more often than every UPDATE_GAP;
   * a change inside the gap is said at its end. */
  function announceUpdate() {
    if (pendingUpdate) { return; }
    var wait = lastUpdate + UPDATE_GAP - Date.now();
    var say = function () {
      pendingUpdate = null;
      lastUpdate = Date.now();
      announce(msg("updated"), true);
    };
    if (wait <= 0) { say(); } else { pendingUpdate = window.setTimeout(say, wait); }
  }

  function quoted(text) {
    return window.CSS && window.CSS.escape ? window.CSS.escape(text) : text.replace(/"/g, '\\"');
  }

  /* What identifies a control across a redraw (the board's HTML is replaced). */
  function focusKey(el) {
    if (el.id) { return { id: el.id }; }
    var key = el.getAttribute("data-focus-key");
    if (key) { return { key: key }; }
    var form = el.form || (el.closest ? el.closest("form") : null);
    return {
      tag: el.tagName.toLowerCase(),
      action: form ? form.getAttribute("action") : null,
      name: el.getAttribute("name") || "",
      value: el.getAttribute("value") || "",
      href: el.getAttribute("href") || ""
    };
  }

  function findByKey(k) {
    if (k.id) {
      var byId = document.getElementById(k.id);
      return byId && live.contains(byId) ? byId : null;
    }
    if (k.key) { return live.querySelector('[data-focus-key="' + quoted(k.key) + '"]'); }
    var found = null;
    Array.prototype.some.call(live.querySelectorAll(k.tag), function (el) {
      var form = el.form || (el.closest ? el.closest("form") : null);
      var same = (form ? form.getAttribute("action") : null) === k.action &&
        (el.getAttribute("name") || "") === k.name &&
        (el.getAttribute("value") || "") === k.value &&
        (el.getAttribute("href") || "") === k.href;
      if (same) { found = el; }
      return same;
    });
    return found;
  }

  function showError(text) {
    if (!alertEl) { return; }
    alertEl.textContent = text || "";
  }

  function defaultIndex(select) {
    for (var i = 0; i < select.options.length; i += 1) {
      if (select.options[i].defaultSelected) { return i; }
    }
    return select.options.length ? 0 : -1;
  }

  /* Redraw the board from server HTML, keeping what the user has typed and where they are. */
  function redraw(html, remote) {
    var before = state();
    var kept = {};
    var fields = live.querySelectorAll("input[id], textarea[id], select[id]");
    Array.prototype.forEach.call(fields, function (el) {
      if (el.type === "hidden" || el.type === "submit") { return; }
      var changed;
      if (el.type === "checkbox" || el.type === "radio") {
        changed = el.checked !== el.defaultChecked;
      } else if (el.tagName === "SELECT") {
        changed = el.selectedIndex !== defaultIndex(el);
      } else {
        changed = el.value !== el.defaultValue;
      }
      if (changed) { kept[el.id] = { value: el.value, checked: el.checked }; }
    });
    var active = document.activeElement;
    var focused = active && active !== live && live.contains(active) ? focusKey(active) : null;
    var selStart = null, selEnd = null;
    if (focused && typeof active.selectionStart === "number") {
      selStart = active.selectionStart;
      selEnd = active.selectionEnd;
    }

    live.innerHTML = html;

    Object.keys(kept).forEach(function (id) {
      var el = document.getElementById(id);
      if (!el || !live.contains(el)) { return; }
      if (el.type === "checkbox" || el.type === "radio") { el.checked = kept[id].checked; }
      else { el.value = kept[id].value; }
    });
    if (focused) {
      var again = findByKey(focused);
      if (again) {
        again.focus({ preventScroll: true });
        if (selStart !== null && typeof again.setSelectionRange === "function") {
          try { again.setSelectionRange(selStart, selEnd); } catch (e) { /* not a text field */ }
        }
      }
    }
    var after = state();
    if (after.status === "locked" && before.status !== "locked") {
      announce(msg("locked"), true);
    } else if (after.step !== before.step) {
      announce(msg("step") + " " + after.stepLabel + ".", true);
    } else if (after.revision !== before.revision && remote) {
      announceUpdate();
    }
    tick();
  }

  /* --- Polling ------------------------------------------------------------------------ */

  function schedule() {
    window.clearTimeout(timer);
    var wait = document.hidden ? basePoll * 5 : basePoll;
    if (failures) { wait = Math.min(basePoll * Math.pow(2, failures), 30000); }
    timer = window.setTimeout(poll, wait);
  }

  function poll() {
    if (dragging) { schedule(); return; }
    var headers = { "Accept": "application/json", "X-Requested-With": "fetch" };
    if (etag) { headers["If-None-Match"] = etag; }
    fetch(url, { headers: headers, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 304) { return null; }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) { throw new Error("not json"); }
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (data) {
        if (failures) { showError(""); }
        failures = 0;
        if (data && String(data.revision) !== state().revision) { redraw(data.html, true); }
        if (state().status !== "locked") { schedule(); }
      })
      .catch(function () {
        failures += 1;
        if (failures === 3) { showError(msg("offline")); }
        schedule();
      });
  }

  /* --- Forms sent with fetch ---------------------------------------------------------- */

  /* Keyboard users keep their place: after a redraw, focus the same form again. */
  function refocus(action) {
    var active = document.activeElement;
    if (active && active !== document.body && live.contains(active)) { return; }
    var again = action ? live.querySelector('form[action="' + action + '"]') : null;
    var target = again
      ? again.querySelector("textarea, input:not([type=hidden]), select, button")
      : null;
    if (target) { target.focus(); }
  }

  function send(form, extra, submitter) {
    var action = form.getAttribute("action");
    var focusAfter = form.getAttribute("data-focus-after");
    var body = new FormData(form);
    if (submitter && submitter.name) { body.append(submitter.name, submitter.value); }
    if (extra) { Object.keys(extra).forEach(function (k) { body.set(k, extra[k]); }); }
    return fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-Requested-With": "fetch" }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.status === 404) {
        return { ok: false, error: msg("gone"), gone: true };
      }
      if (type.indexOf("application/json") === -1) { throw new Error("not json"); }
      return response.json();
    }).then(function (data) {
      etag = null;
      if (data.gone) { poll(); }
      if (data.ok && live.contains(form)) { form.reset(); }
      if (data.html) { redraw(data.html); }
      if (data.ok) {
        showError("");
        announce(data.message, true);
        var target = focusAfter ? document.getElementById(focusAfter) : null;
        if (target && live.contains(target)) { target.focus(); } else { refocus(action); }
      } else {
        showError(data.error);
        var invalid = live.querySelector("[aria-invalid=true]");
        if (invalid) { invalid.focus(); } else { refocus(action); }
      }
      return data;
    });
  }

  live.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("live-form")) { return; }
    event.preventDefault();
    var submitter = event.submitter || null;
    send(form, null, submitter).catch(function () {
      /* Fall back to an ordinary post (full page load). */
      form.classList.remove("live-form");
      if (submitter && submitter.name) {
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = submitter.name;
        hidden.value = submitter.value;
        form.appendChild(hidden);
      }
      form.submit();
    });
  });

  /* --- Drag and drop (the select + button is the keyboard alternative) ---------------- */

  function csrf() {
    var input = live.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  live.addEventListener("dragstart", function (event) {
    var card = event.target.closest ? event.target.closest("[data-move-url]") : null;
    if (!card) { return; }
    dragging = true;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-move-url"));
  });

  live.addEventListener("dragend", function (event) {
    dragging = false;
    var card = event.target.closest ? event.target.closest("[data-move-url]") : null;
    if (card) { card.classList.remove("dragging"); }
    Array.prototype.forEach.call(live.querySelectorAll(".drop-target"), function (el) {
      el.classList.remove("drop-target");
    });
  });

  live.addEventListener("dragover", function (event) {
    var zone = event.target.closest ? event.target.closest(".dropzone") : null;
    if (!zone) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    zone.classList.add("drop-target");
  });

  live.addEventListener("dragleave", function (event) {
    var zone = event.target.closest ? event.target.closest(".dropzone") : null;
    if (zone && !zone.contains(event.relatedTarget)) { zone.classList.remove("drop-target"); }
  });

  live.addEventListener("drop", function (event) {
    var zone = event.target.closest ? event.target.closest(".dropzone") : null;
    if (!zone) { return; }
    event.preventDefault();
    dragging = false;
    var moveUrl = event.dataTransfer.getData("text/plain");
    if (!moveUrl || moveUrl.charAt(0) !== "/") { return; }
    var form = document.createElement("form");
    form.action = moveUrl;
    form.method = "post";
    send(form, {
      csrfmiddlewaretoken: csrf(),
      area: zone.getAttribute("data-area") || ""
    }).catch(function () { showError(msg("offline")); });
  });

  /* --- Countdown for a time-boxed step ------------------------------------------------ */

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function tick() {
    var box = live.querySelector("[data-deadline]");
    if (!box) { return; }
    var out = box.querySelector(".countdown");
    var left = Math.round((new Date(box.getAttribute("data-deadline")).getTime() - Date.now()) / 1000);
    if (isNaN(left) || !out) { return; }
    if (left <= 0) {
      out.textContent = box.getAttribute("data-label-over");
      box.classList.add("timebox-over");
    } else {
      out.textContent = box.getAttribute("data-label-left") + ": " +
        Math.floor(left / 60) + ":" + pad(left % 60);
    }
  }

  window.setInterval(tick, 1000);
  tick();
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && state().status !== "locked") { window.clearTimeout(timer); poll(); }
  });
  if (state().status !== "locked") { schedule(); }
})();
