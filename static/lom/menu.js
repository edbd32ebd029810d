// Main menu groups are <details> elements. Open one group at a time; Escape or a click
// outside closes them (Escape returns focus to the group's summary).
(function () {
  "use strict";
  function groups() { return document.querySelectorAll(".nav-group details"); }
  document.addEventListener("toggle", function (event) {
    var opened = event.target;
    if (!opened.matches || !opened.matches(".nav-group details") || !opened.open) return;
    groups().forEach(function (d) { if (d !== opened) d.open = false; });
  }, true);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    groups().forEach(function (d) {
      if (d.open) { d.open = false; d.querySelector("summary").focus(); }
    });
  });
  document.addEventListener("click", function (event) {
    groups().forEach(function (d) { if (d.open && !d.contains(event.target)) d.open = false; });
  });
})();
