// Two things every page gets (WCAG 2.1 AA; the pages work without it, less comfortably):
// - Reflow at 320 CSS px: a table wider than the page scrolls in a region of its own, which
//   the keyboard reaches (role=region, tabindex=0, named by its caption or nearest heading)
//   only while it is wider than the screen. The templates wrap every table in such a region
//   (focusable, so it works without JavaScript); here a table without one gets one, and a
//   region that does not scroll leaves the tab order.
// - After a failed submit, focus moves to the error summary, so a screen reader reads it first.
(function () {
  "use strict";
  var SCROLLERS = ".table-scroll, .report-table, .stats-scroll";

  function nameOf(table) {
    var caption = table.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    if (table.getAttribute("aria-label")) return table.getAttribute("aria-label");
    for (var el = table; el && el.tagName !== "MAIN"; el = el.parentElement) {
      for (var p = el.previousElementSibling; p; p = p.previousElementSibling) {
        var h = /^H[1-6]$/.test(p.tagName) ? p : p.querySelector("h1, h2, h3, h4, h5, h6");
        if (h && h.textContent.trim()) return h.textContent.trim();
      }
    }
    return document.title;
  }

  var regions = [], boxes = [];
  document.querySelectorAll("main table").forEach(function (table) {
    var box = table.parentElement.closest(SCROLLERS);
    if (!box) {
      box = document.createElement("div");
      box.className = "table-scroll";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    }
    if (boxes.indexOf(box) < 0) {
      boxes.push(box);
      // A region the template made (named, focusable without JavaScript) keeps its role and
      // name; only its tab stop follows whether it scrolls.
      var named = box.getAttribute("role") === "region";
      regions.push({ box: box, name: nameOf(table), named: named });
    }
  });

  function update() {
    regions.forEach(function (r) {
      if (r.box.scrollWidth > r.box.clientWidth + 1) {
        if (!r.named) {
          r.box.setAttribute("role", "region");
          r.box.setAttribute("aria-label", r.name);
        }
        r.box.setAttribute("tabindex", "0");
      } else if (r.box !== document.activeElement) {
        if (!r.named) {
          r.box.removeAttribute("role");
          r.box.removeAttribute("aria-label");
        }
        r.box.removeAttribute("tabindex");
      }
    });
  }
  update();
  window.addEventListener("resize", update);

  var summary = document.querySelector(".error-summary");
  if (summary && !document.querySelector("[autofocus]")) {
    if (!summary.hasAttribute("tabindex")) summary.setAttribute("tabindex", "-1");
    summary.focus();
  }
})();
