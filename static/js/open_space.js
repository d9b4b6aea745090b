/*
 * The Open Space matrix as a spreadsheet (templates/planning/open_space/_matrix.html).
 *
 * Plain JavaScript, no grid library, on purpose: the matrix has two header rows
 * of grouped columns, row groups with labels, a totals row and column, and CSF /
 * competitor / priority overlays that change with the view. Generic data grids
 * (virtualised rows, one flat header, their own cell renderers) fight all of
 * that, and at 40 x 20 = 800 cells the server-rendered table is small enough to
 * use as it is. Every handler is delegated on the table or the page section
 * (one listener per event type, never one per cell), so size does not matter.
 *
 * - Views: plain / enhanced / priority, buttons or keys 1 2 3 (outside editing),
 *   remembered in localStorage and reflected in the URL (?view=).
 * - Keyboard: arrows, Tab, Shift+Tab, Enter, Home, End, PageUp/PageDown move;
 *   a digit (or - + . ,) starts editing with it; F2 or Enter edits; Enter/Tab commit
 *   and move; Esc cancels (outside editing: leaves the matrix); Delete clears.
 * - Every commit autosaves (POST JSON, CSRF header, the cell's version); the
 *   answer carries the saved cell, the totals and the UPV summary.
 * - Ctrl/Cmd+V pastes a block copied from a spreadsheet, all or nothing.
 * - Ctrl+Z undoes, Ctrl+Y / Ctrl+Shift+Z redoes single edits and whole pasted
 *   blocks by sending the previous values back with the current versions.
 */
(function () {
  "use strict";

  var root = document.getElementById("open-space");
  if (!root) {
    return;
  }
  var table = document.getElementById("os-matrix");
  var editable = root.getAttribute("data-editable") === "true";
  var VIEWS = ["plain", "enhanced", "priority"];
  var STORAGE_KEY = "kam.openSpace.view";
  var FIELD_LABELS = {
    potential: "Potential",
    entered_sales: "Last year's sales",
    success_factor: "Critical success factor",
    competitor: "Competitor",
    note: "Note",
  };
  var statusText = document.querySelector("[data-status-message]");
  var errorsBox = document.getElementById("os-errors");
  var conflictBox = document.getElementById("os-conflict");
  var panel = document.getElementById("os-panel");
  var opportunities = {};
  var opportunitiesScript = document.getElementById("os-opportunities");
  if (opportunitiesScript) {
    try {
      opportunities = JSON.parse(opportunitiesScript.textContent) || {};
    } catch (error) {
      opportunities = {};
    }
  }

  // --- helpers ------------------------------------------------------------------

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) {
      return input.value;
    }
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": csrfToken(),
        "X-Requested-With": "fetch",
      },
      body: JSON.stringify(body),
    }).then(
      function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) {
          var message =
            response.status === 403
              ? "Not saved: you may only read this Open Space."
              : "Not saved: the server answered " + response.status + ". Try again.";
          return { status: response.status, data: { message: message } };
        }
        return response.json().then(function (data) {
          return { status: response.status, data: data };
        });
      },
      function () {
        return {
          status: 0,
          data: { message: "Not saved: the server could not be reached. Your text is kept; try again." },
        };
      }
    );
  }

  // Saves go out one at a time, in the order they were made: a second edit of a
  // cell then carries the version the first one returned (no conflict with
  // oneself), and undo never overtakes the edit it undoes.
  var queue = Promise.resolve();

  function enqueue(send) {
    var done = queue.then(send);
    queue = done.catch(function () {});
    return done;
  }

  function say(message, kind) {
    if (!statusText) {
      return;
    }
    statusText.textContent = message || "";
    statusText.setAttribute("data-kind", kind || "info");
  }

  function isTyping(target) {
    if (!(target instanceof HTMLElement)) {
      return false;
    }
    var tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  // --- views --------------------------------------------------------------------

  function setView(view, remember) {
    if (VIEWS.indexOf(view) === -1) {
      view = "plain";
    }
    if (table) {
      table.setAttribute("data-view", view);
    }
    root.querySelectorAll("button[data-view]").forEach(function (button) {
      button.setAttribute("aria-pressed", button.getAttribute("data-view") === view ? "true" : "false");
    });
    if (remember) {
      try {
        window.localStorage.setItem(STORAGE_KEY, view);
      } catch (error) {
        /* private mode: the URL still carries the view */
      }
    }
    var url = new URL(window.location.href);
    if (url.searchParams.get("view") !== view) {
      url.searchParams.set("view", view);
      window.history.replaceState(window.history.state, "", url.toString());
    }
  }

  (function initialView() {
    var view = root.getAttribute("data-initial-view");
    if (!view) {
      try {
        view = window.localStorage.getItem(STORAGE_KEY);
      } catch (error) {
        view = null;
      }
    }
    setView(view || "plain", false);
  })();

  root.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-view]");
    if (button) {
      setView(button.getAttribute("data-view"), true);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    if (isTyping(event.target) || (editable && event.target === table)) {
      return; // in the matrix a digit starts editing; elsewhere it switches the view
    }
    var index = ["1", "2", "3"].indexOf(event.key);
    if (index !== -1 && table) {
      event.preventDefault();
      setView(VIEWS[index], true);
    }
  });

  // Layout forms send you back to #layout: open the section they came from.
  var layout = document.getElementById("layout");
  if (layout && window.location.hash === "#layout") {
    layout.open = true;
  }

  if (!table) {
    return; // empty matrix: nothing more to drive
  }

  // --- the grid -----------------------------------------------------------------

  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-seg]"));
  var grid = rows.map(function (tr) {
    return Array.prototype.slice.call(tr.querySelectorAll("td.os-cell"));
  });
  var position = {};
  grid.forEach(function (cells, r) {
    cells.forEach(function (td, c) {
      position[td.id] = [r, c];
    });
  });
  var columnLabels = {};
  table.querySelectorAll("thead th[data-col]").forEach(function (th) {
    columnLabels[th.getAttribute("data-col")] = th.textContent.trim();
  });
  var rowLabels = {};
  rows.forEach(function (tr) {
    rowLabels[tr.getAttribute("data-seg")] = tr.querySelector("th").getAttribute("data-label");
  });
  var totalCells = { rows: {}, columns: {}, grand: table.querySelector("[data-total-grand]") };
  table.querySelectorAll("[data-total-row]").forEach(function (td) {
    totalCells.rows[td.getAttribute("data-total-row")] = td;
  });
  table.querySelectorAll("[data-total-col]").forEach(function (td) {
    totalCells.columns[td.getAttribute("data-total-col")] = td;
  });

  // The second header row sticks just below the first one.
  function measureHeader() {
    var first = table.querySelector("thead tr");
    if (first) {
      table.style.setProperty("--os-head-1", first.getBoundingClientRect().height + "px");
    }
  }
  measureHeader();
  window.addEventListener("resize", measureHeader);
  new MutationObserver(measureHeader).observe(document.documentElement, {
    attributes: true,
    attributeFilter: ["data-theme"],
  });

  function cellName(td) {
    return (
      rowLabels[td.getAttribute("data-seg")] + " × " + columnLabels[td.getAttribute("data-col")]
    );
  }

  function cellAt(r, c) {
    return grid[r] ? grid[r][c] : undefined;
  }

  var selected = null;

  function select(td, scroll) {
    if (!td) {
      return;
    }
    if (selected && selected !== td) {
      selected.classList.remove("is-selected");
      selected.removeAttribute("aria-selected");
    }
    selected = td;
    td.classList.add("is-selected");
    td.setAttribute("aria-selected", "true");
    table.setAttribute("aria-activedescendant", td.id);
    if (scroll !== false) {
      td.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
    if (td.getAttribute("data-error")) {
      say(td.getAttribute("data-error"), "error");
    }
    updatePanel(td);
  }

  function moveBy(dr, dc, wrap) {
    if (!selected) {
      select(cellAt(0, 0));
      return true;
    }
    var at = position[selected.id];
    var r = at[0] + dr;
    var c = at[1] + dc;
    var width = grid[0].length;
    if (wrap) {
      if (c >= width) {
        c = 0;
        r += 1;
      } else if (c < 0) {
        c = width - 1;
        r -= 1;
      }
      if (r < 0 || r >= grid.length) {
        return false; // Tab past the last cell leaves the matrix
      }
    }
    r = Math.max(0, Math.min(grid.length - 1, r));
    c = Math.max(0, Math.min(width - 1, c));
    select(cellAt(r, c));
    return true;
  }

  function moveTo(r, c) {
    select(cellAt(Math.max(0, Math.min(grid.length - 1, r)), Math.max(0, Math.min(grid[0].length - 1, c))));
  }

  // --- which value the grid edits -----------------------------------------------

  function editField() {
    var checked = root.querySelector("input[name=os-edit-field]:checked");
    return checked ? checked.value : "potential";
  }

  function valueOf(td, field) {
    if (field === "potential") {
      return td.getAttribute("data-potential") || "";
    }
    if (field === "entered_sales") {
      return td.getAttribute("data-entered") || "";
    }
    if (field === "success_factor") {
      return td.getAttribute("data-csf") || "";
    }
    return td.getAttribute("data-" + field) || "";
  }

  function refusal(td, field) {
    if (field === "entered_sales" && td.getAttribute("data-source") === "lines") {
      return (
        "Last year's sales of " + cellName(td) + " are computed " +
        td.getAttribute("data-source-text") +
        " and cannot be typed over; correct the sales lines instead."
      );
    }
    return "";
  }

  // --- rendering a saved cell and the totals ------------------------------------

  function span(className, text, title) {
    var element = document.createElement("span");
    element.className = className;
    element.textContent = text;
    if (title) {
      element.title = title;
    }
    return element;
  }

  function renderCell(td, data) {
    var keep = ["is-selected"].filter(function (name) {
      return td.classList.contains(name);
    });
    td.className = data.classes + (keep.length ? " " + keep.join(" ") : "");
    td.setAttribute("data-id", data.id == null ? "" : String(data.id));
    td.setAttribute("data-version", String(data.version));
    td.setAttribute("data-potential", data.potential_raw);
    td.setAttribute("data-entered", data.entered_sales);
    td.setAttribute("data-source", data.source);
    td.setAttribute("data-source-text", data.source_text);
    td.setAttribute("data-csf", String(data.csf));
    td.setAttribute("data-competitor", data.competitor);
    td.setAttribute("data-note", data.note);
    td.setAttribute("data-sales-full", data.sales_full);
    td.setAttribute("data-potential-full", data.potential_full);
    td.setAttribute("data-csf-title", data.csf_title);
    td.removeAttribute("data-pending");
    td.removeAttribute("data-error");
    td.title = data.title;
    td.textContent = "";
    td.appendChild(span("os-sales", data.sales));
    td.appendChild(span("os-potential", data.potential ? "+" + data.potential : ""));
    if (data.csf) {
      td.appendChild(span("os-mark os-csf", "◆", "CSF: " + data.csf_title));
    }
    if (data.competitor) {
      td.appendChild(span("os-mark os-comp", "⚑", "Competitor: " + data.competitor));
    }
  }

  function renderTotal(td, totals) {
    if (!td) {
      return;
    }
    var sales = td.querySelector(".os-sales");
    var potential = td.querySelector(".os-potential");
    sales.textContent = totals.sales;
    sales.title = totals.sales_full;
    potential.textContent = totals.potential ? "+" + totals.potential : "";
    potential.title = "Potential " + totals.potential_full;
  }

  function cellById(seg, col) {
    return document.getElementById("c" + seg + "-" + col);
  }

  function applyAnswer(data, flash) {
    (data.cells || []).forEach(function (cell) {
      var td = cellById(cell.seg, cell.col);
      if (td) {
        renderCell(td, cell);
        if (flash) {
          td.classList.add("is-saved");
          window.setTimeout(function () {
            td.classList.remove("is-saved");
          }, 1600);
        }
      }
    });
    if (data.totals) {
      Object.keys(data.totals.rows).forEach(function (key) {
        renderTotal(totalCells.rows[key], data.totals.rows[key]);
      });
      Object.keys(data.totals.columns).forEach(function (key) {
        renderTotal(totalCells.columns[key], data.totals.columns[key]);
      });
      renderTotal(totalCells.grand, data.totals.grand);
      var count = root.querySelector("[data-priority-count]");
      if (count) {
        count.textContent = String(data.totals.priority_count);
      }
    }
    if (data.upv_html) {
      var summary = document.querySelector(".upv-summary");
      if (summary) {
        summary.outerHTML = data.upv_html;
      }
    }
    if (data.csf_html) {
      var factors = document.querySelector(".success-factors");
      if (factors) {
        factors.outerHTML = data.csf_html;
      }
    }
    if (selected) {
      updatePanel(selected);
    }
  }

  // --- saving -------------------------------------------------------------------

  var undoStack = [];
  var redoStack = [];
  var conflict = null;

  function showTyped(td, field, text) {
    var target = td.querySelector(field === "entered_sales" ? ".os-sales" : ".os-potential");
    if (target && (field === "potential" || field === "entered_sales")) {
      target.textContent = field === "potential" && text ? "+" + text : text;
    }
  }

  function saveCell(td, changes, options) {
    options = options || {};
    var fields = Object.keys(changes);
    var numeric = fields.filter(function (f) {
      return f === "potential" || f === "entered_sales";
    })[0];
    var before = {};
    fields.forEach(function (f) {
      before[f] = valueOf(td, f);
    });
    td.classList.remove("is-error", "is-saved", "is-conflict");
    td.classList.add("is-saving");
    if (numeric) {
      showTyped(td, numeric, changes[numeric]);
    }
    say("Saving " + cellName(td) + "…");
    return enqueue(function () {
      return post(root.getAttribute("data-cell-url"), {
        segment: Number(td.getAttribute("data-seg")),
        column: Number(td.getAttribute("data-col")),
        version: Number(td.getAttribute("data-version")),
        changes: changes,
      });
    }).then(function (answer) {
      td.classList.remove("is-saving");
      if (answer.status === 200) {
        hideConflict();
        applyAnswer(answer.data, true);
        if (options.undoable) {
          undoStack.push({ kind: "cell", seg: td.getAttribute("data-seg"), col: td.getAttribute("data-col"), before: before, after: changes });
          redoStack = [];
        }
        say((options.done || "Saved") + ": " + cellName(td) + ".", "ok");
        return true;
      }
      if (answer.status === 409 && answer.data.cells) {
        showConflict(td, changes, answer.data, options);
        return false;
      }
      // Refused: the typed text stays in the cell with the message; nothing is lost.
      var message = answer.data.message || "Not saved.";
      td.classList.add("is-error");
      td.setAttribute("data-error", message);
      if (numeric) {
        td.setAttribute("data-pending", changes[numeric]);
      }
      td.title = message;
      say(message + " Press Enter to correct it, Esc then Delete to clear it.", "error");
      if (selected === td) {
        updatePanel(td, message);
      }
      return false;
    });
  }

  function describe(field, data) {
    if (field === "potential") {
      return data.potential_full || "empty";
    }
    if (field === "entered_sales") {
      return data.entered_sales || "empty";
    }
    if (field === "success_factor") {
      return data.csf_title || "none";
    }
    return data[field] || "empty";
  }

  function showConflict(td, changes, data, options) {
    var theirs = data.cells[0];
    var parts = Object.keys(changes).map(function (field) {
      return (
        FIELD_LABELS[field] + ": theirs " + describe(field, theirs) +
        ", yours " + (changes[field] || "empty")
      );
    });
    conflict = { td: td, changes: changes, data: data, options: options };
    td.classList.add("is-conflict");
    conflictBox.querySelector("[data-conflict-text]").textContent =
      data.message + " " + parts.join("; ") + ".";
    conflictBox.hidden = false;
    say(data.message, "error");
  }

  function hideConflict() {
    if (conflict) {
      conflict.td.classList.remove("is-conflict");
    }
    conflict = null;
    conflictBox.hidden = true;
  }

  conflictBox.addEventListener("click", function (event) {
    var button = event.target.closest("[data-conflict]");
    if (!button || !conflict) {
      return;
    }
    var current = conflict;
    hideConflict();
    if (button.getAttribute("data-conflict") === "mine") {
      // Resend over their version: a deliberate choice made after seeing their value.
      // Their value becomes what an undo goes back to.
      renderCell(current.td, current.data.cells[0]);
      saveCell(current.td, current.changes, current.options);
    } else {
      applyAnswer(current.data, false);
      say("Kept their value in " + cellName(current.td) + ".", "ok");
    }
    table.focus({ preventScroll: true });
  });

  // --- editing ------------------------------------------------------------------

  var editor = null;

  function startEdit(initial) {
    if (!editable || !selected || editor) {
      return;
    }
    var td = selected;
    var field = editField();
    var refused = refusal(td, field);
    if (refused) {
      say(refused, "error");
      return;
    }
    var input = document.createElement("input");
    input.type = "text";
    input.className = "os-editor";
    input.setAttribute("inputmode", "decimal");
    input.setAttribute("autocomplete", "off");
    input.setAttribute("aria-label", FIELD_LABELS[field] + " of " + cellName(td));
    var pending = td.getAttribute("data-pending");
    input.value = initial !== undefined ? initial : pending !== null ? pending : valueOf(td, field);
    editor = { td: td, input: input, field: field, original: valueOf(td, field) };
    td.classList.add("is-editing");
    td.appendChild(input);
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }

  function finishEdit(commit, move, keepFocus) {
    if (!editor) {
      return;
    }
    var current = editor;
    editor = null;
    var text = current.input.value.trim();
    if (!keepFocus) {
      table.focus({ preventScroll: true }); // before removing the input, so focus stays here
    }
    current.input.remove();
    current.td.classList.remove("is-editing");
    var changed = text !== current.original || current.td.hasAttribute("data-pending");
    if (commit && changed) {
      var changes = {};
      changes[current.field] = text;
      saveCell(current.td, changes, { undoable: true });
    }
    if (move) {
      moveBy(move[0], move[1], move[2]);
    }
  }

  function clearSelected() {
    if (!editable || !selected) {
      return;
    }
    var field = editField();
    var refused = refusal(selected, field);
    if (refused) {
      say(refused, "error");
      return;
    }
    if (!valueOf(selected, field) && !selected.hasAttribute("data-pending")) {
      return;
    }
    var changes = {};
    changes[field] = "";
    saveCell(selected, changes, { undoable: true, done: "Cleared" });
  }

  table.addEventListener("keydown", function (event) {
    if (editor && event.target === editor.input) {
      var key = event.key;
      var handled = true;
      if (key === "Enter") {
        finishEdit(true, [event.shiftKey ? -1 : 1, 0]);
      } else if (key === "Tab") {
        finishEdit(true, [0, event.shiftKey ? -1 : 1, true]);
      } else if (key === "Escape") {
        finishEdit(false);
      } else if (key === "ArrowUp" || key === "ArrowDown") {
        finishEdit(true, [key === "ArrowUp" ? -1 : 1, 0]);
      } else {
        handled = false;
      }
      if (handled) {
        event.preventDefault();
      }
      event.stopPropagation(); // the table's own keys must not act on typed text
      return;
    }
    if (event.target !== table) {
      return;
    }
    var k = event.key;
    var mod = event.ctrlKey || event.metaKey;
    if (mod && (k === "z" || k === "Z")) {
      event.preventDefault();
      if (event.shiftKey) {
        redo();
      } else {
        undo();
      }
      return;
    }
    if (mod && (k === "y" || k === "Y")) {
      event.preventDefault();
      redo();
      return;
    }
    if (mod && (k === "Home" || k === "End")) {
      event.preventDefault();
      moveTo(k === "Home" ? 0 : grid.length - 1, k === "Home" ? 0 : grid[0].length - 1);
      return;
    }
    if (mod || event.altKey) {
      return; // Ctrl+V arrives as a paste event; other shortcuts belong to the browser
    }
    var at = selected ? position[selected.id] : [0, 0];
    switch (k) {
      case "ArrowUp":
        moveBy(-1, 0);
        break;
      case "ArrowDown":
        moveBy(1, 0);
        break;
      case "ArrowLeft":
        moveBy(0, -1);
        break;
      case "ArrowRight":
        moveBy(0, 1);
        break;
      case "PageUp":
        moveBy(-10, 0);
        break;
      case "PageDown":
        moveBy(10, 0);
        break;
      case "Home":
        moveTo(at[0], 0);
        break;
      case "End":
        moveTo(at[0], grid[0].length - 1);
        break;
      case "Tab":
        if (!moveBy(0, event.shiftKey ? -1 : 1, true)) {
          return; // past the edge: Tab leaves the matrix as usual
        }
        break;
      case "Enter":
      case "F2":
        startEdit();
        break;
      case "Delete":
      case "Backspace":
        clearSelected();
        break;
      case "Escape":
        var firstView = root.querySelector("button[data-view]");
        if (firstView) {
          firstView.focus();
        }
        break;
      default:
        // Only what can begin an amount starts editing: other letters stay page
        // shortcuts (t for the projector theme, ? for the list of keys).
        if (k.length === 1 && editable && /^[0-9.,+\- ]$/.test(k)) {
          startEdit(k === " " ? "" : k);
          break;
        }
        if (!editable && ["1", "2", "3"].indexOf(k) !== -1) {
          setView(VIEWS[Number(k) - 1], true);
          break;
        }
        return;
    }
    event.preventDefault();
  });

  table.addEventListener(
    "blur",
    function (event) {
      if (editor && event.target === editor.input) {
        finishEdit(true, null, true); // focus went elsewhere (a click): leave it there
      }
    },
    true
  );

  table.addEventListener("focus", function () {
    if (!selected) {
      select(cellAt(0, 0), false);
    }
  });

  table.addEventListener("mousedown", function (event) {
    var td = event.target.closest("td.os-cell");
    if (!td || (editor && event.target === editor.input)) {
      return;
    }
    if (editor) {
      finishEdit(true);
    }
    select(td, false);
    event.preventDefault(); // keep the focus on the table, not on a span
    table.focus({ preventScroll: true });
  });

  table.addEventListener("dblclick", function (event) {
    if (event.target.closest("td.os-cell")) {
      startEdit();
    }
  });

  // --- paste --------------------------------------------------------------------

  function parseBlock(text) {
    var lines = text.replace(/\r\n?/g, "\n").split("\n");
    if (lines.length > 1 && lines[lines.length - 1] === "") {
      lines.pop(); // spreadsheets end a copied block with a line break
    }
    return lines.map(function (line) {
      return line.split("\t");
    });
  }

  function pasteRows(top, field, block, options) {
    var at = position[top.id];
    var before = [];
    block.forEach(function (row, i) {
      var previous = [];
      row.forEach(function (value, j) {
        var td = cellAt(at[0] + i, at[1] + j);
        if (td) {
          previous.push(valueOf(td, field));
        }
      });
      before.push(previous);
    });
    hideErrors();
    say("Pasting " + block.length + " × " + block[0].length + " values…");
    return enqueue(function () {
      var versions = {}; // read when sent: earlier saves in the queue may have moved them
      block.forEach(function (row, i) {
        row.forEach(function (value, j) {
          var td = cellAt(at[0] + i, at[1] + j);
          if (td) {
            versions[td.getAttribute("data-seg") + ":" + td.getAttribute("data-col")] = Number(
              td.getAttribute("data-version")
            );
          }
        });
      });
      return post(root.getAttribute("data-paste-url"), {
        top_segment: Number(top.getAttribute("data-seg")),
        left_column: Number(top.getAttribute("data-col")),
        field: field,
        rows: block,
        expected_versions: versions,
      });
    }).then(function (answer) {
      if (answer.status === 200) {
        applyAnswer(answer.data, true);
        if (options.undoable) {
          undoStack.push({ kind: "block", seg: top.getAttribute("data-seg"), col: top.getAttribute("data-col"), field: field, before: before, after: block });
          redoStack = [];
        }
        say((options.done || "Pasted") + " " + block.length + " × " + block[0].length + " values.", "ok");
        return true;
      }
      if (answer.status === 409) {
        applyAnswer(answer.data, false);
      }
      showErrors(answer.data.message || "Nothing was pasted.", answer.data.errors || []);
      say(answer.data.message || "Nothing was pasted.", "error");
      return false;
    });
  }

  function pasteText(text) {
    if (!editable || !selected) {
      return;
    }
    var field = editField();
    var block = parseBlock(text);
    if (field === "entered_sales") {
      var refused = "";
      block.forEach(function (row, i) {
        row.forEach(function (value, j) {
          var at = position[selected.id];
          var td = cellAt(at[0] + i, at[1] + j);
          if (td && !refused) {
            refused = refusal(td, field);
          }
        });
      });
      if (refused) {
        showErrors("Nothing was pasted.", [refused]);
        return;
      }
    }
    pasteRows(selected, field, block, { undoable: true });
  }

  table.addEventListener("paste", function (event) {
    if (!editable) {
      return;
    }
    var text = event.clipboardData ? event.clipboardData.getData("text/plain") : "";
    if (editor) {
      if (!/[\t\n\r]/.test(text.replace(/[\r\n]+$/, ""))) {
        return; // one value pasted into the editor: an ordinary paste
      }
      finishEdit(false);
    }
    if (!text) {
      return;
    }
    event.preventDefault();
    pasteText(text);
  });

  // Ctrl/Cmd+C outside editing copies the selected cell's value, as a spreadsheet would.
  table.addEventListener("copy", function (event) {
    if (editor || !selected || !event.clipboardData) {
      return;
    }
    event.clipboardData.setData("text/plain", valueOf(selected, editField()));
    event.preventDefault();
    say("Copied " + cellName(selected) + ".");
  });

  function showErrors(title, errors) {
    errorsBox.querySelector("[data-errors-title]").textContent = title;
    var list = errorsBox.querySelector("[data-errors-list]");
    list.textContent = "";
    errors.forEach(function (message) {
      var item = document.createElement("li");
      item.textContent = message;
      list.appendChild(item);
    });
    errorsBox.hidden = false;
  }

  function hideErrors() {
    errorsBox.hidden = true;
  }

  errorsBox.addEventListener("click", function (event) {
    if (event.target.closest("[data-dismiss-errors]")) {
      hideErrors();
      table.focus({ preventScroll: true });
    }
  });

  // --- undo / redo --------------------------------------------------------------

  function replay(entry, which) {
    var td = cellById(entry.seg, entry.col);
    if (!td) {
      return Promise.resolve(false);
    }
    select(td);
    if (entry.kind === "cell") {
      return saveCell(td, entry[which], { done: which === "before" ? "Undone" : "Redone" });
    }
    return pasteRows(td, entry.field, entry[which], { done: which === "before" ? "Undone" : "Redone" });
  }

  function undo() {
    var entry = undoStack.pop();
    if (!entry) {
      say("Nothing to undo.");
      return;
    }
    replay(entry, "before").then(function (ok) {
      (ok ? redoStack : undoStack).push(entry);
    });
  }

  function redo() {
    var entry = redoStack.pop();
    if (!entry) {
      say("Nothing to redo.");
      return;
    }
    replay(entry, "after").then(function (ok) {
      (ok ? undoStack : redoStack).push(entry);
    });
  }

  // --- side panel ---------------------------------------------------------------

  function panelPart(name) {
    return panel ? panel.querySelector('[data-panel="' + name + '"]') : null;
  }

  function updatePanel(td, error) {
    if (!panel) {
      return;
    }
    panelPart("name").textContent = cellName(td);
    var sales = td.querySelector(".os-sales").textContent;
    panelPart("sales").textContent = sales ? td.getAttribute("data-sales-full") || sales : "none (open cell)";
    var source = td.getAttribute("data-source");
    panelPart("source").textContent =
      source === "lines"
        ? td.getAttribute("data-source-text") + " (read-only)"
        : source === "entered"
          ? "entered by hand"
          : "no sales";
    var potential = td.getAttribute("data-potential");
    panelPart("potential").textContent = potential ? Number(potential).toLocaleString() : "none";
    var form = document.getElementById("os-panel-form");
    if (form) {
      form.elements.success_factor.value = td.getAttribute("data-csf") || "";
      form.elements.competitor.value = td.getAttribute("data-competitor") || "";
      form.elements.note.value = td.getAttribute("data-note") || "";
      form.querySelector("button[type=submit]").disabled = false;
      var box = panelPart("error");
      var message = error || td.getAttribute("data-error") || "";
      box.textContent = message;
      box.hidden = !message;
    } else {
      var mark = td.querySelector(".os-csf");
      panelPart("csf").textContent = mark ? mark.title.replace(/^CSF: /, "") : "none";
      panelPart("competitor").textContent = td.getAttribute("data-competitor") || "none";
      panelPart("note").textContent = td.getAttribute("data-note") || "–";
    }
    var list = panelPart("opportunities");
    list.textContent = "";
    var linked = opportunities[td.getAttribute("data-id")] || [];
    linked.forEach(function (opportunity) {
      var item = document.createElement("li");
      var label = opportunity.title + " (" + opportunity.state + ")";
      if (opportunity.url) {
        var link = document.createElement("a");
        link.href = opportunity.url;
        link.textContent = label;
        item.appendChild(link);
      } else {
        item.textContent = label;
      }
      list.appendChild(item);
    });
    panelPart("no-opportunities").hidden = linked.length > 0;
    var create = document.getElementById("os-create-opportunity");
    if (create) {
      create.hidden = !td.classList.contains("is-open");
    }
  }

  var panelForm = document.getElementById("os-panel-form");
  if (panelForm) {
    panelForm.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!selected) {
        return;
      }
      var td = selected;
      var changes = {};
      ["success_factor", "competitor", "note"].forEach(function (field) {
        var value = panelForm.elements[field].value.trim();
        if (value !== valueOf(td, field)) {
          changes[field] = value;
        }
      });
      if (!Object.keys(changes).length) {
        panelPart("saved").textContent = "Nothing changed.";
        return;
      }
      panelPart("saved").textContent = "Saving…";
      saveCell(td, changes, { undoable: true }).then(function (ok) {
        panelPart("saved").textContent = ok ? "Saved." : "";
      });
    });
  }

  var createForm = document.getElementById("os-create-opportunity");
  if (createForm) {
    createForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var td = selected;
      if (!td) {
        return;
      }
      var go = function () {
        createForm.action = createForm
          .getAttribute("data-url-template")
          .replace(createForm.getAttribute("data-placeholder"), td.getAttribute("data-id"));
        createForm.submit();
      };
      if (td.getAttribute("data-id")) {
        go();
      } else {
        // The cell has no row yet: create it (no values change), then link the opportunity.
        saveCell(td, {}, { done: "Prepared" }).then(function (ok) {
          if (ok) {
            go();
          }
        });
      }
    });
  }

  // Suggested sales segments fill the "Add a row" form.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-suggest]");
    if (!button) {
      return;
    }
    var form = button.closest("form");
    var value = button.getAttribute("data-suggest");
    form.querySelector("input[name=row-name]").value = value;
    form.querySelector("input[name=row-sales_segment]").value = value;
    form.querySelector("input[name=row-name]").focus();
  });
})();
