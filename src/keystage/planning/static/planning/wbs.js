/* The plan table: a keyboard grid in the manner of MS Project's task sheet.
 *
 * One cell has the focus (roving tabindex). Arrows, Tab, Home/End and PageUp/PageDown move it;
 * Enter, F2, a click or typing opens the cell's editor; Enter saves, Esc cancels, Tab saves and
 * moves on. Every write is an htmx POST that answers with the re-rendered table body (the plan
 * is rescheduled, so many rows change); the focus then returns to the edited cell, or to the
 * cell the server names (a new task), or reopens the editor of a refused entry.
 */
(() => {
  "use strict";
  const table = document.getElementById("wbs-table");
  if (!table || typeof htmx === "undefined") return;
  const canEdit = table.dataset.canEdit === "true";
  const toolbar = document.getElementById("wbs-toolbar");
  const selected = document.getElementById("wbs-selected");
  const statusBox = document.getElementById("wbs-status");
  const options = document.getElementById("constraint-options");
  const PAGE_ROWS = 15;
  const LABELS = {
    name: "Task name", duration: "Duration", work: "Work", predecessors: "Predecessors",
    constraint: "Constraint", deadline: "Deadline",
  };

  let focus = { task: null, field: "name", index: 0 };
  let editor = null; // { td, inputs, kind, original, saving }
  let busy = false;
  let clicked = null; // a cell clicked while a save was under way
  const folded = new Set();

  const body = () => document.getElementById("wbs-body");
  const rows = () => Array.from(body().querySelectorAll("tr[data-task]")).filter((r) => !r.hidden);
  const cellsOf = (tr) => Array.from(tr.querySelectorAll(":scope > td[data-field]"));
  const clamp = (n, lo, hi) => Math.max(lo, Math.min(hi, n));
  const taskUrl = (tr, rest) => `${table.dataset.taskUrl}${tr.dataset.task}/${rest}`;

  function say(text, kind) {
    statusBox.replaceChildren();
    if (!text) return;
    const p = document.createElement("p");
    p.className = `st ${kind || "ok"}`;
    p.textContent = text;
    statusBox.append(p);
  }

  function findCell(task, field) {
    if (!task) return null;
    const tr = body().querySelector(`tr[data-task="${CSS.escape(task)}"]`);
    if (!tr || tr.hidden) return null;
    return tr.querySelector(`:scope > td[data-field="${field}"]`) || cellsOf(tr)[0];
  }

  function currentCell() {
    const active = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest("td[data-field]") : null;
    if (active && table.contains(active)) return active;
    return findCell(focus.task, focus.field);
  }

  function currentRow() {
    const td = currentCell();
    return td ? td.parentElement : null;
  }

  /* ------------------------------------------------------------------ focus */

  function prepare() {
    const b = body();
    b.querySelectorAll("td[data-field]").forEach((td) => { td.tabIndex = -1; });
    b.querySelectorAll("td[data-edit]").forEach((td) => {
      td.setAttribute("aria-description", "editable: Enter or F2");
    });
    if (folded.size) applyFolds();
  }

  function setFocus(td, scroll = true) {
    if (!td) return;
    const tr = td.parentElement;
    const previous = table.querySelector("td[tabindex='0']");
    if (previous && previous !== td) previous.tabIndex = -1;
    td.tabIndex = 0;
    table.querySelectorAll("tr.selected").forEach((r) => { if (r !== tr) r.classList.remove("selected"); });
    tr.classList.add("selected");
    if (focus.task !== tr.dataset.task) {
      // Notes of an earlier refusal go once the user moves on to another row.
      body().querySelectorAll("tr.noted").forEach((r) => {
        if (r !== tr) r.querySelectorAll(".cell-note").forEach((n) => n.remove());
      });
    }
    focus = { task: tr.dataset.task, field: td.dataset.field, index: rows().indexOf(tr) };
    td.focus({ preventScroll: true });
    if (scroll) td.scrollIntoView({ block: "nearest", inline: "nearest" });
    showSelection(tr);
  }

  function showSelection(tr) {
    if (!toolbar) return;
    toolbar.querySelectorAll("button[data-command]").forEach((b) => {
      b.disabled = busy || (!tr && b.dataset.command !== "insert");
    });
    if (selected) selected.textContent = tr ? `Row ${tr.dataset.row}: ${tr.dataset.name}` : "";
  }

  function move(dRow, dCol) {
    const td = currentCell();
    const list = rows();
    if (!list.length) return;
    if (!td) { setFocus(cellsOf(list[0])[0]); return; }
    const r = clamp(list.indexOf(td.parentElement) + dRow, 0, list.length - 1);
    const cells = cellsOf(list[r]);
    const c = clamp(cellsOf(td.parentElement).indexOf(td) + dCol, 0, cells.length - 1);
    setFocus(cells[c]);
  }

  function moveTo(rowIndex, colIndex) {
    const list = rows();
    if (!list.length) return;
    const cells = cellsOf(list[clamp(rowIndex, 0, list.length - 1)]);
    setFocus(cells[clamp(colIndex, 0, cells.length - 1)]);
  }

  /* Tab order: next cell in the row, then the first cell of the next row; false at the ends. */
  function tab(back) {
    const td = currentCell();
    if (!td) return false;
    const list = rows();
    const r = list.indexOf(td.parentElement);
    const cells = cellsOf(td.parentElement);
    const c = cells.indexOf(td) + (back ? -1 : 1);
    if (c >= 0 && c < cells.length) { setFocus(cells[c]); return true; }
    const next = r + (back ? -1 : 1);
    if (next < 0 || next >= list.length) return false;
    const nextCells = cellsOf(list[next]);
    setFocus(back ? nextCells[nextCells.length - 1] : nextCells[0]);
    return true;
  }

  /* ------------------------------------------------------------------ editing */

  function startEdit(td, typed, reopened) {
    if (!canEdit || !td || !td.dataset.edit || busy) return;
    if (editor) cancelEdit();
    const kind = td.dataset.edit;
    const tr = td.parentElement;
    if (reopened === undefined) td.querySelectorAll(".cell-note").forEach((n) => n.remove());
    const wrap = document.createElement("div");
    wrap.className = "cell-editor";
    const label = `${LABELS[td.dataset.field] || td.dataset.field}, row ${tr.dataset.row}`;
    let inputs;
    if (kind === "constraint") {
      const select = document.createElement("select");
      select.append(options.content.cloneNode(true));
      const date = document.createElement("input");
      date.type = "date";
      const [type, day] = reopened !== undefined ? reopened.split(" ") : [td.dataset.value, td.dataset.date];
      select.value = type || "ASAP";
      date.value = day || "";
      const sync = () => { date.disabled = ["ASAP", "ALAP"].includes(select.value); };
      select.addEventListener("change", sync);
      sync();
      select.setAttribute("aria-label", `${label}: type`);
      date.setAttribute("aria-label", `${label}: date`);
      inputs = [select, date];
    } else {
      const input = document.createElement("input");
      input.type = kind === "date" ? "date" : "text";
      input.autocomplete = "off";
      input.spellcheck = false;
      input.value = reopened !== undefined ? reopened : typed !== undefined ? typed : td.dataset.value || "";
      input.setAttribute("aria-label", label);
      inputs = [input];
    }
    const note = td.querySelector(".cell-note");
    inputs.forEach((el) => {
      el.addEventListener("keydown", onEditorKey);
      if (note) { el.setAttribute("aria-invalid", "true"); el.setAttribute("aria-describedby", note.id); }
    });
    wrap.append(...inputs);
    wrap.addEventListener("focusout", (e) => {
      if (editor && editor.wrap === wrap && !wrap.contains(e.relatedTarget)) commitOnLeave();
    });
    td.classList.add("editing");
    td.append(wrap);
    editor = { td, wrap, inputs, kind, original: stored(td), saving: false };
    if (reopened !== undefined) editor.original = { value: null }; // a refused entry is "changed"
    const first = inputs[0];
    first.focus();
    if (first.type === "text") {
      if (typed !== undefined || reopened !== undefined) first.setSelectionRange(first.value.length, first.value.length);
      else first.select();
    }
  }

  /* The cell's saved value, in the shape values() reads from the editor. */
  function stored(td) {
    if (td.dataset.edit === "constraint") {
      const type = td.dataset.value || "ASAP";
      return { value: type, constraint_date: ["ASAP", "ALAP"].includes(type) ? "" : td.dataset.date || "" };
    }
    return { value: td.dataset.value || "" };
  }

  function values(kind, inputs) {
    if (kind === "constraint") {
      return { value: inputs[0].value, constraint_date: inputs[1].disabled ? "" : inputs[1].value };
    }
    return { value: inputs[0].value };
  }

  function unchanged(ed, now) {
    return Object.keys(now).every((k) => (ed.original[k] ?? "") === (now[k] ?? ""))
      && ed.original.value !== null;
  }

  function closeEditor() {
    if (!editor) return;
    const { td, wrap } = editor;
    editor = null;
    wrap.remove();
    td.classList.remove("editing");
  }

  function cancelEdit() {
    if (!editor) return;
    const td = editor.td;
    closeEditor();
    td.querySelectorAll(".cell-note").forEach((n) => n.remove());
    setFocus(td, false);
  }

  function commitOnLeave() {
    if (!editor || editor.saving) return;
    const now = values(editor.kind, editor.inputs);
    if (unchanged(editor, now)) closeEditor();
    else save();
  }

  function save(then) {
    const ed = editor;
    if (!ed || ed.saving) return;
    const now = values(ed.kind, ed.inputs);
    if (unchanged(ed, now)) {
      cancelEdit();
      if (then) then();
      return;
    }
    ed.saving = true;
    const tr = ed.td.parentElement;
    post(
      taskUrl(tr, "cell/"),
      { field: ed.td.dataset.field, version: tr.dataset.version, ...now },
      { task: tr.dataset.task, field: ed.td.dataset.field, index: focus.index, then },
    );
  }

  function onEditorKey(e) {
    const ed = editor;
    if (!ed) return;
    e.stopPropagation();
    if (e.key === "Enter") {
      e.preventDefault();
      save();
    } else if (e.key === "Escape") {
      e.preventDefault();
      cancelEdit();
    } else if (e.key === "Tab") {
      const i = ed.inputs.indexOf(e.target);
      const inside = e.shiftKey ? i > 0 : i < ed.inputs.length - 1;
      if (inside && !ed.inputs[i + (e.shiftKey ? -1 : 1)].disabled) return; // select → date
      e.preventDefault();
      const back = e.shiftKey;
      save(() => tab(back));
    } else if ((e.key === "ArrowUp" || e.key === "ArrowDown") && ed.kind === "text") {
      e.preventDefault(); // as in MS Project: commit and move to the next row
      const step = e.key === "ArrowUp" ? -1 : 1;
      save(() => move(step, 0));
    }
  }

  /* ------------------------------------------------------------------ requests */

  function post(url, data, after) {
    if (busy) return;
    busy = true;
    showSelection(currentRow());
    table.setAttribute("aria-busy", "true");
    const before = body();
    htmx.ajax("POST", url, { source: table, target: "#wbs-body", swap: "outerHTML", values: data })
      .then(() => finish(before, after), () => finish(before, after));
  }

  function finish(before, after) {
    const wanted = clicked;
    clicked = null;
    busy = false;
    table.removeAttribute("aria-busy");
    if (body() === before) {
      // Not swapped (refused outright or the network failed): the status line says why.
      if (editor) { editor.saving = false; editor.inputs[0].focus(); }
      showSelection(currentRow());
      return;
    }
    editor = null;
    prepare();
    const b = body();
    if (b.dataset.focusTask) {
      reveal(b.dataset.focusTask);
      const td = findCell(b.dataset.focusTask, b.dataset.focusField || "name");
      setFocus(td);
      if (td && b.dataset.focusEdit) startEdit(td);
      return;
    }
    const reopen = b.querySelector("td[data-reopen]");
    if (reopen) {
      setFocus(reopen);
      startEdit(reopen, undefined, reopen.dataset.reopen);
      return;
    }
    let td = findCell(after.task, after.field);
    if (!td) {
      const list = rows();
      if (!list.length) { showSelection(null); return; }
      const tr = list[clamp(after.index, 0, list.length - 1)];
      td = tr.querySelector(`:scope > td[data-field="${after.field}"]`) || cellsOf(tr)[0];
    }
    const noted = b.querySelector("tr.noted td .cell-note");
    const target = wanted && !noted ? findCell(wanted.task, wanted.field) : null;
    setFocus(noted ? noted.closest("td") : target || td);
    if (target && target.dataset.edit) startEdit(target);
    else if (after.then && !noted) after.then();
  }

  function command(name) {
    if (!canEdit || busy) return;
    if (editor) {
      // A pending entry is saved first, then the command runs on the refreshed table.
      if (!editor.saving && !unchanged(editor, values(editor.kind, editor.inputs))) {
        save(() => command(name));
        return;
      }
      closeEditor();
    }
    const tr = currentRow();
    const keep = { task: tr ? tr.dataset.task : null, field: focus.field, index: focus.index };
    if (name === "insert") {
      post(table.dataset.createUrl, tr ? { after: tr.dataset.task } : {}, keep);
      return;
    }
    if (!tr) { say("Select a row first (click it or move to it with the arrow keys).", "err"); return; }
    if (name === "delete") {
      const level = Number(tr.dataset.level);
      let below = 0;
      for (let n = tr.nextElementSibling; n && Number(n.dataset.level) > level; n = n.nextElementSibling) below += 1;
      const what = `row ${tr.dataset.row} '${tr.dataset.name}'${below ? ` and its ${below} sub-task(s)` : ""}`;
      if (!window.confirm(`Delete ${what}? Its links go with it.`)) { setFocus(currentCell()); return; }
      post(taskUrl(tr, "delete/"), { version: tr.dataset.version }, { ...keep, task: null });
      return;
    }
    post(taskUrl(tr, "move/"), { action: name, version: tr.dataset.version }, keep);
  }

  /* ------------------------------------------------------------------ folding */

  function applyFolds() {
    let hideBelow = null;
    body().querySelectorAll("tr[data-task]").forEach((tr) => {
      const level = Number(tr.dataset.level);
      if (hideBelow !== null && level > hideBelow) { tr.hidden = true; return; }
      hideBelow = null;
      tr.hidden = false;
      const isFolded = folded.has(tr.dataset.task);
      tr.classList.toggle("folded", isFolded);
      if (isFolded) hideBelow = level;
    });
  }

  /* Unfold the summaries above a row (a task inserted into a folded summary). */
  function reveal(task) {
    const tr = body().querySelector(`tr[data-task="${CSS.escape(task)}"]`);
    if (!tr || !tr.hidden) return;
    let level = Number(tr.dataset.level);
    for (let p = tr.previousElementSibling; p && level > 1; p = p.previousElementSibling) {
      if (Number(p.dataset.level) < level) { folded.delete(p.dataset.task); level = Number(p.dataset.level); }
    }
    applyFolds();
  }

  function toggleFold(tr) {
    if (folded.has(tr.dataset.task)) folded.delete(tr.dataset.task);
    else folded.add(tr.dataset.task);
    applyFolds();
  }

  /* ------------------------------------------------------------------ events */

  const OUTLINE = { ArrowRight: "indent", ArrowLeft: "outdent", ArrowUp: "up", ArrowDown: "down" };

  table.addEventListener("keydown", (e) => {
    if (editor) return;
    const td = e.target.closest ? e.target.closest("td[data-field]") : null;
    if (!td) return;
    if (e.altKey && e.shiftKey && OUTLINE[e.key]) {
      e.preventDefault();
      command(OUTLINE[e.key]);
      return;
    }
    if (e.altKey || e.metaKey) return;
    const list = rows();
    const rowIndex = list.indexOf(td.parentElement);
    const colIndex = cellsOf(td.parentElement).indexOf(td);
    switch (e.key) {
      case "ArrowUp": move(-1, 0); break;
      case "ArrowDown": move(1, 0); break;
      case "ArrowLeft": move(0, -1); break;
      case "ArrowRight": move(0, 1); break;
      case "PageUp": move(-PAGE_ROWS, 0); break;
      case "PageDown": move(PAGE_ROWS, 0); break;
      case "Home": if (e.ctrlKey) moveTo(0, colIndex); else moveTo(rowIndex, 0); break;
      case "End": if (e.ctrlKey) moveTo(list.length - 1, colIndex); else moveTo(rowIndex, 99); break;
      case "Tab": if (!tab(e.shiftKey)) return; break;
      case "Enter": case "F2": startEdit(td); break;
      case "Insert": command("insert"); break;
      case "Delete": command("delete"); break;
      default:
        if (e.key.length !== 1 || e.ctrlKey || !canEdit || td.dataset.edit !== "text") return;
        startEdit(td, e.key); // typing replaces the value, as in a spreadsheet
    }
    e.preventDefault();
  });

  table.addEventListener("click", (e) => {
    const fold = e.target.closest(".fold");
    if (fold) { toggleFold(fold.closest("tr")); setFocus(fold.closest("td")); return; }
    const td = e.target.closest("td[data-field]");
    if (!td || td.classList.contains("editing")) return;
    if (busy) {
      // A click that ended an edit: go there once the saved table is back.
      clicked = { task: td.parentElement.dataset.task, field: td.dataset.field };
      return;
    }
    setFocus(td, false);
    if (canEdit && td.dataset.edit) startEdit(td);
  });

  table.addEventListener("focusin", (e) => {
    const td = e.target.closest("td[data-field]");
    if (td && !editor && td.tabIndex !== 0) setFocus(td, false);
  });

  if (toolbar) {
    toolbar.hidden = false;
    toolbar.addEventListener("mousedown", (e) => { if (e.target.closest("button")) e.preventDefault(); });
    toolbar.addEventListener("click", (e) => {
      const button = e.target.closest("button[data-command]");
      if (button) command(button.dataset.command);
    });
  }

  document.body.addEventListener("htmx:responseError", (e) => {
    const xhr = e.detail.xhr;
    const text = xhr.status === 403
      ? "Your role does not allow changing the plan."
      : xhr.status === 404 ? "That task no longer exists; reload the page."
        : `The server could not save this (${xhr.status}); reload the page and try again.`;
    say(text, "err");
  });
  document.body.addEventListener("htmx:sendError", () => {
    say("The server could not be reached; nothing was saved.", "err");
  });

  prepare();
  const first = rows()[0];
  if (first) {
    const start = cellsOf(first).find((td) => td.dataset.field === "name") || cellsOf(first)[0];
    start.tabIndex = 0;
    focus = { task: first.dataset.task, field: start.dataset.field, index: 0 };
  }
  showSelection(null);
})();
