/* LOM – the scoring matrix of an application round. Our own small script, no library.
 *
 * Without it each row is a form ("Spara rad"). With it:
 *  - each cell is saved when it changes (one cell per request, to the same endpoint, as JSON);
 *  - the arrow keys move between cells (up/down and Enter: the same criterion on the row above
 *    or below; left/right at the edge of the text: the next cell on the row);
 *  - what was saved, or why not, is said in the row and announced in a polite live region. */
(function () {
  "use strict";

  var table = document.getElementById("matrix");
  if (!table || !window.fetch || !window.FormData) { return; }
  var live = document.getElementById("matrix-status");
  var saved = table.getAttribute("data-msg-saved") || "";
  var failed = table.getAttribute("data-msg-failed") || "";

  function cell(row, col) {
    return table.querySelector("input.cell[data-row=\"" + row + "\"][data-col=\"" + col + "\"]");
  }

  function vertical(input, step) {
    var row = parseInt(input.getAttribute("data-row"), 10);
    var col = input.getAttribute("data-col");
    var rows = table.tBodies[0].rows.length;
    for (var r = row + step; r >= 0 && r < rows; r += step) {
      var next = cell(r, col);
      if (next) { return next; }
    }
    return null;
  }

  function horizontal(input, step) {
    var row = input.getAttribute("data-row");
    var col = parseInt(input.getAttribute("data-col"), 10);
    return cell(row, col + step);
  }

  function go(target) {
    if (target) { target.focus(); target.select(); }
  }

  table.addEventListener("keydown", function (ev) {
    var input = ev.target;
    if (!input.classList || !input.classList.contains("cell")) { return; }
    var atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    var atEnd = input.selectionStart === input.value.length;
    if (ev.key === "ArrowDown" || (ev.key === "Enter" && !ev.shiftKey)) {
      ev.preventDefault();
      go(vertical(input, 1));
    } else if (ev.key === "ArrowUp" || (ev.key === "Enter" && ev.shiftKey)) {
      ev.preventDefault();
      go(vertical(input, -1));
    } else if (ev.key === "ArrowRight" && atEnd) {
      ev.preventDefault();
      go(horizontal(input, 1));
    } else if (ev.key === "ArrowLeft" && atStart) {
      ev.preventDefault();
      go(horizontal(input, -1));
    }
  });

  function say(text) {
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  function save(input) {
    var form = document.getElementById(input.getAttribute("form"));
    var status = document.getElementById("st-" + form.id.slice(2));
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.querySelector("input[name=csrfmiddlewaretoken]").value);
    data.append(input.name, input.value.trim());
    input.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-Requested-With": "fetch" }
    }).then(function (resp) {
      return resp.json().then(function (body) { return { ok: resp.ok, body: body }; });
    }).then(function (r) {
      input.removeAttribute("aria-busy");
      var name = input.getAttribute("data-label") || "";
      if (r.ok) {
        input.removeAttribute("aria-invalid");
        input.setAttribute("data-saved", input.value.trim());
        status.textContent = saved;
        say(saved + " " + name);
      } else {
        input.setAttribute("aria-invalid", "true");
        status.textContent = r.body.message || failed;
        say(failed + ": " + (r.body.message || ""));
      }
    }).catch(function () {
      input.removeAttribute("aria-busy");
      status.textContent = failed;
      say(failed);
    });
  }

  [].forEach.call(table.querySelectorAll("input.cell"), function (input) {
    input.setAttribute("data-saved", input.value.trim());
    var labels = (input.getAttribute("aria-labelledby") || "").split(" ");
    var text = labels.map(function (id) {
      var el = document.getElementById(id);
      return el ? el.textContent.trim() : "";
    }).join(", ");
    input.setAttribute("data-label", text);
  });

  table.addEventListener("change", function (ev) {
    var input = ev.target;
    if (!input.classList || !input.classList.contains("cell")) { return; }
    if (input.value.trim() === input.getAttribute("data-saved")) { return; }
    save(input);
  });
}());
