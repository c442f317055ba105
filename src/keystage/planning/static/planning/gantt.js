/* The Gantt page (keystage.planning).
 *
 * Everyone: the WBS table and the time scale stay in view while the chart scrolls
 * (their SVG groups slide with the scroll), and the baseline menu applies on change.
 * Editors: drag a bar to move its task (PATCH constraint_type SNET + constraint_date,
 * If-Match its version, as MS Project does); drag a task bar's right end to change its
 * duration in working days. Milestones move, summaries do not. After a save the chart
 * is fetched again, since the schedule moves the successors, and the message shows once
 * it is in; a 409 reloads the chart too. No drag starts while a save or redraw runs.
 *
 * One listener per event type on the chart's wrapper (event delegation): nothing is
 * attached per task, so 2,000 rows cost no more script than ten.
 */
(function () {
  "use strict";

  const wrap = document.getElementById("gantt-chart");
  const status = document.getElementById("gantt-status");
  if (!wrap) return;

  const DAY_MS = 86400000;
  const EDGE_PX = 6;
  const MIN_HIT_PX = 16;

  // ------------------------------------------------------------ helpers

  function box() { return wrap.querySelector(".gantt-scroll"); }

  function say(message, kind) {
    if (!status) return;
    status.textContent = message;
    status.className = "gantt-status" + (kind ? " " + kind : "");
  }

  function readJson(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function parseDay(iso) {
    const [y, m, d] = iso.split("-").map(Number);
    return Date.UTC(y, m - 1, d);
  }

  function isoDay(ms) { return new Date(ms).toISOString().slice(0, 10); }

  function addDays(iso, days) { return isoDay(parseDay(iso) + days * DAY_MS); }

  // The UI's date format ("22 Feb 27"), shared with the templates (core/static/keystage/app.js).
  function shown(iso) { return window.Keystage ? window.Keystage.shortDate(iso) : iso; }

  // ------------------------------------------------ pinned table and scale

  let pinned = null;
  let frame = 0;

  function groups() {
    const svg = box() && box().querySelector("svg");
    if (!svg) return null;
    return {
      table: svg.querySelector("g.ks-table"),
      header: svg.querySelector("g.ks-header"),
      corner: svg.querySelector("g.ks-corner"),
    };
  }

  function pin() {
    frame = 0;
    const el = box();
    if (!el) return;
    if (!pinned) pinned = groups();
    if (!pinned) return;
    const x = el.scrollLeft;
    const y = el.scrollTop;
    if (pinned.table) pinned.table.setAttribute("transform", "translate(" + x + " 0)");
    if (pinned.header) pinned.header.setAttribute("transform", "translate(0 " + y + ")");
    if (pinned.corner) pinned.corner.setAttribute("transform", "translate(" + x + " " + y + ")");
    if (pinned.header) keepPeriodLabels(pinned.header, x + parseFloat(el.dataset.tableWidth));
  }

  // A month (or year) cut by the table's edge keeps its label in view, sliding along
  // until the period ends, as a timescale does in a desktop planner.
  // Each label's range is measured once per drawn chart, not on every scroll frame.
  function keepPeriodLabels(header, left) {
    header.querySelectorAll("text.ks-period").forEach(function (label) {
      if (!label.dataset.x0) {
        label.dataset.x0 = label.getAttribute("x");
        label.dataset.last = parseFloat(label.dataset.end) - label.getComputedTextLength() - 6;
      }
      const x0 = parseFloat(label.dataset.x0);
      const x = Math.max(x0, Math.min(left + 6, parseFloat(label.dataset.last)));
      label.setAttribute("x", String(x));
    });
  }

  // Scroll events do not bubble; catch the wrapper's child scrolling in the capture phase.
  wrap.addEventListener("scroll", function () {
    if (!frame) frame = requestAnimationFrame(pin);
  }, true);

  // The baseline menu applies as soon as it changes (the button serves without script).
  document.addEventListener("change", function (ev) {
    const select = ev.target.closest && ev.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.requestSubmit();
  });

  // ------------------------------------------------------------- redraw

  // Fetch the chart again and swap it in, keeping the scroll position. Resolves to
  // whether it worked; the caller says what happened once the new chart is there.
  function refresh() {
    const el = box();
    if (!el || !el.dataset.refresh) return Promise.resolve(false);
    const left = el.scrollLeft;
    const top = el.scrollTop;
    el.classList.add("busy");
    return fetch(el.dataset.refresh, {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.text();
      })
      .then(function (html) {
        wrap.innerHTML = html;
        pinned = null;
        const fresh = box();
        if (fresh) {
          fresh.scrollLeft = left;
          fresh.scrollTop = top;
        }
        pin();
        wrap.dispatchEvent(new CustomEvent("gantt:redrawn", { bubbles: true }));
        return true;
      })
      .catch(function () {
        const stale = box();
        if (stale) stale.classList.remove("busy");
        return false;
      });
  }

  function refreshThenSay(message, kind) {
    return refresh().then(function (ok) {
      if (ok) say(message, kind);
      else say(message + " The chart could not be redrawn; reload the page.", "error");
    });
  }

  // --------------------------------------------------------- working days

  function workingDays(fromIso, toIso, calendar) {
    // Working days in (from, to] — negative when ``to`` is before ``from``.
    const holidays = new Set(calendar.holidays);
    const weekdays = calendar.weekdays;
    const step = parseDay(toIso) >= parseDay(fromIso) ? 1 : -1;
    let count = 0;
    let day = parseDay(fromIso);
    const end = parseDay(toIso);
    while (day !== end) {
      const probe = step > 0 ? day + DAY_MS : day;
      const iso = isoDay(probe);
      const weekday = ((new Date(probe).getUTCDay() + 6) % 7) + 1; // Monday = 1
      if (weekdays.indexOf(String(weekday)) >= 0 && !holidays.has(iso)) count += step;
      day += step * DAY_MS;
    }
    return count;
  }

  // --------------------------------------------------------------- drag

  let drag = null;
  let tasks = null;

  function meta(id) {
    if (!tasks) tasks = readJson("gantt-tasks") || {};
    return tasks[id];
  }

  wrap.addEventListener("gantt:redrawn", function () { tasks = null; picked = null; });

  function scale(el) {
    const ctm = el.ownerSVGElement && el.ownerSVGElement.getScreenCTM();
    return ctm && ctm.a ? ctm.a : 1;
  }

  function atRightEdge(el, ev) {
    if (!el.classList.contains("ks-bar")) return false;
    const r = el.getBoundingClientRect();
    return ev.clientX >= r.right - Math.min(EDGE_PX, r.width / 3);
  }

  function target(ev) {
    const el = box();
    if (!el || el.dataset.editable !== "true" || !ev.target.closest) return null;
    const shape =
      ev.target.closest(".ks-bar[data-task-id], .ks-milestone[data-task-id]") || near(el, ev);
    if (!shape || !el.contains(shape)) return null;
    const info = meta(shape.getAttribute("data-task-id"));
    if (!info || info[1] === "s") return null; // summaries follow their sub-tasks
    return { shape: shape, info: info };
  }

  // A short bar keeps its true width but is grabbed as if it were MIN_HIT_PX wide: the
  // pointer's row gives the bar (one per row, in order), then the widened box is tested.
  function near(el, ev) {
    if (ev.target.closest("g.ks-table, g.ks-header, g.ks-corner")) return null;
    const svg = el.querySelector("svg");
    const bars = svg ? svg.querySelectorAll("g.ks-bars [data-task-id]") : [];
    if (!bars.length) return null;
    const s = scale(bars[0]);
    const y = (ev.clientY - svg.getBoundingClientRect().top) / s - parseFloat(el.dataset.headerHeight);
    const bar = bars[Math.floor(y / parseFloat(el.dataset.rowHeight))];
    if (!bar || !bar.matches(".ks-bar, .ks-milestone")) return null;
    const r = bar.getBoundingClientRect();
    const half = Math.max(r.width, MIN_HIT_PX) / 2;
    return Math.abs(ev.clientX - (r.left + r.right) / 2) <= half ? bar : null;
  }

  function tip(ev, text) {
    const el = document.getElementById("gantt-tip");
    if (!el) return;
    el.hidden = !text;
    el.textContent = text || "";
    el.style.left = ev.clientX + 14 + "px";
    el.style.top = ev.clientY + 16 + "px";
  }

  wrap.addEventListener("pointerdown", function (ev) {
    if (ev.button !== 0 || drag) return;
    const hit = target(ev);
    if (!hit) return;
    const el = box();
    if (el.classList.contains("busy")) return; // a save or a redraw is under way
    const mode = hit.info[1] === "t" && atRightEdge(hit.shape, ev) ? "resize" : "move";
    drag = {
      shape: hit.shape,
      id: hit.shape.getAttribute("data-task-id"),
      wbs: hit.shape.getAttribute("data-wbs") || "",
      info: hit.info,
      mode: mode,
      x0: ev.clientX,
      width: parseFloat(hit.shape.getAttribute("width") || "0"),
      pxPerDay: parseFloat(el.dataset.pxPerDay) * scale(hit.shape),
      unit: parseFloat(el.dataset.pxPerDay),
      days: 0,
    };
    hit.shape.setPointerCapture(ev.pointerId);
    el.classList.add(mode === "move" ? "dragging" : "resizing");
    ev.preventDefault();
  });

  wrap.addEventListener("pointermove", function (ev) {
    if (!drag) {
      const hit = target(ev);
      if (hit) hit.shape.classList.toggle("at-edge", hit.info[1] === "t" && atRightEdge(hit.shape, ev));
      return;
    }
    const days = Math.round((ev.clientX - drag.x0) / drag.pxPerDay);
    if (days === drag.days) return;
    drag.days = days;
    if (drag.mode === "move") {
      drag.shape.setAttribute("transform", "translate(" + days * drag.unit + " 0)");
      tip(ev, days ? "Start no earlier than " + shown(addDays(drag.info[2], days)) : "");
    } else {
      const width = Math.max(drag.width + days * drag.unit, Math.min(drag.width, drag.unit / 2));
      drag.shape.setAttribute("width", String(width));
      tip(ev, days ? "Finish " + shown(addDays(drag.info[3], days)) : "");
    }
  });

  function endDrag() {
    const el = box();
    if (el) el.classList.remove("dragging", "resizing");
    tip({ clientX: 0, clientY: 0 }, "");
    const done = drag;
    drag = null;
    return done;
  }

  function undo(done) {
    done.shape.removeAttribute("transform");
    done.shape.setAttribute("width", String(done.width));
  }

  wrap.addEventListener("pointercancel", function () {
    const done = endDrag();
    if (done) undo(done);
  });

  wrap.addEventListener("pointerup", function () {
    const done = endDrag();
    if (!done) return;
    if (!done.days) {
      undo(done);
      select(done.shape);  // a click selects the task for the keyboard
      return;
    }
    commit(done);
  });

  // Save a move (start no earlier than) or a resize (duration in working days).
  function commit(done) {
    const version = done.info[0];
    let body;
    let summary;
    if (done.mode === "move") {
      const day = addDays(done.info[2], done.days);
      body = { constraint_type: "SNET", constraint_date: day };
      summary = "Task " + done.wbs + " now starts no earlier than " + shown(day) + ".";
    } else {
      const calendar = readJson("gantt-calendar");
      const perDay = calendar.minutes_per_day;
      const delta = workingDays(done.info[3], addDays(done.info[3], done.days), calendar);
      const minutes = Math.max(done.info[4] + delta * perDay, Math.min(done.info[4], perDay));
      if (minutes === done.info[4]) {
        undo(done);
        return;
      }
      body = { duration_minutes: minutes };
      summary = "Task " + done.wbs + " now lasts " + +(minutes / perDay).toFixed(2) + " working days.";
    }
    save(done, version, body, summary);
  }

  // ------------------------------------------------------------- keyboard

  // The chart takes focus; Up / Down select a task, Left / Right move it a day,
  // Shift + Left / Right change its finish, Enter saves, Escape puts it back.
  let picked = null;

  function editableBars() {
    const el = box();
    if (!el || el.dataset.editable !== "true") return [];
    return Array.prototype.filter.call(
      el.querySelectorAll("g.ks-bars .ks-bar[data-task-id], g.ks-bars .ks-milestone[data-task-id]"),
      function (b) { const i = meta(b.getAttribute("data-task-id")); return i && i[1] !== "s"; }
    );
  }

  function select(shape) {
    if (picked) { undo(picked); picked.shape.classList.remove("ks-selected"); }
    const info = shape && meta(shape.getAttribute("data-task-id"));
    picked = !info ? null : {
      shape: shape, id: shape.getAttribute("data-task-id"), wbs: shape.getAttribute("data-wbs") || "",
      info: info, mode: "move", days: 0, width: parseFloat(shape.getAttribute("width") || "0"),
      unit: parseFloat(box().dataset.pxPerDay),
    };
    if (!picked) return;
    shape.classList.add("ks-selected");
    say("Task " + picked.wbs + " selected: ← → move it a day, Shift + ← → change its finish, " +
        "Enter saves, Escape cancels.", "");
  }

  function preview(p) {
    p.shape.removeAttribute("transform");
    p.shape.setAttribute("width", String(p.width));
    if (p.mode === "move") {
      p.shape.setAttribute("transform", "translate(" + p.days * p.unit + " 0)");
      say("Task " + p.wbs + ": start no earlier than " + shown(addDays(p.info[2], p.days)) +
          " — Enter to save, Escape to cancel.", "");
    } else {
      p.shape.setAttribute("width", String(Math.max(p.width + p.days * p.unit, Math.min(p.width, p.unit / 2))));
      say("Task " + p.wbs + ": finish " + shown(addDays(p.info[3], p.days)) +
          " — Enter to save, Escape to cancel.", "");
    }
  }

  if (box() && box().dataset.editable === "true") {
    wrap.tabIndex = 0;
    wrap.setAttribute("aria-label", "Gantt chart: Up and Down select a task, arrows move it, Enter saves");
  }

  wrap.addEventListener("keydown", function (ev) {
    const el = box();
    if (!el || el.dataset.editable !== "true" || el.classList.contains("busy")) return;
    if (ev.target !== wrap) return;
    const bars = editableBars();
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      const at = picked ? bars.indexOf(picked.shape) : -1;
      const next = bars[Math.min(Math.max(at + (ev.key === "ArrowDown" ? 1 : -1), 0), bars.length - 1)];
      if (next) { select(next); scrollToX(el, next.getBBox().x, 24); }
    } else if ((ev.key === "ArrowLeft" || ev.key === "ArrowRight") && picked) {
      const mode = ev.shiftKey && picked.info[1] === "t" ? "resize" : "move";
      if (mode !== picked.mode) { picked.days = 0; picked.mode = mode; }
      picked.days += ev.key === "ArrowRight" ? 1 : -1;
      preview(picked);
    } else if (ev.key === "Enter" && picked && picked.days) {
      const done = picked;
      picked = null;
      done.shape.classList.remove("ks-selected");
      commit(done);
    } else if (ev.key === "Escape" && picked) {
      select(null);
      say("", "");
    } else {
      return;
    }
    ev.preventDefault();
  });

  function firstError(payload) {
    if (payload && payload.errors) {
      for (const field of Object.keys(payload.errors)) {
        const messages = payload.errors[field];
        const text = Array.isArray(messages) ? messages.join(" ") : String(messages);
        return field === "non_field_errors" ? text : field.replace(/_/g, " ") + ": " + text;
      }
    }
    return (payload && payload.detail) || "The change was refused.";
  }

  function save(done, version, body, summary) {
    const el = box();
    el.classList.add("busy");
    say("Saving…", "");
    fetch(el.dataset.api + encodeURIComponent(done.id) + "/", {
      method: "PATCH",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "If-Match": String(version),
        "X-CSRFToken": el.dataset.csrf,
      },
      body: JSON.stringify(body),
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (payload) {
          if (response.ok) return refreshThenSay(summary, "ok");
          if (response.status === 409) {
            return refreshThenSay(
              "This task was changed by someone else — reloaded. Try again on the fresh chart.",
              "warn"
            );
          }
          undo(done);
          if (response.status === 400) {
            el.classList.remove("busy");
            say(firstError(payload), "error");
            return null;
          }
          return refreshThenSay(firstError(payload), "error");
        });
      })
      .catch(function () {
        undo(done);
        el.classList.remove("busy");
        say("The server could not be reached; nothing was changed.", "error");
      });
  }

  // ------------------------------------------------------------- scrolling to a day

  // Scroll so that chart x ``x`` sits ``margin`` pixels right of the table (which stays
  // pinned over the chart's left edge).
  function scrollToX(el, x, margin) {
    el.scrollLeft = Math.max(0, x - parseFloat(el.dataset.tableWidth) - margin);
    pin();
  }

  // The plan's first day just right of the table, with the first rows; or today's line
  // a little further in (so that the last days' work and the data date's label stay in
  // view beside it), with the first unfinished task one row below the time scale.
  function scrollToDay(el, which) {
    if (which === "today") {
      const row = parseInt(el.dataset.todayRow, 10) || 0;
      el.scrollTop = Math.max(0, row - 1) * parseFloat(el.dataset.rowHeight);
      scrollToX(el, parseFloat(el.dataset.todayX), 160);
    } else {
      el.scrollTop = 0;
      scrollToX(el, parseFloat(el.dataset.startX), 24);
    }
  }

  // "Plan start" and "Today" buttons (shown only with script: they only scroll).
  const goto = document.getElementById("gantt-goto");
  if (goto) {
    goto.hidden = false;
    goto.addEventListener("click", function (ev) {
      const button = ev.target.closest("button[data-goto]");
      const el = box();
      if (button && el) scrollToDay(el, button.dataset.goto);
    });
  }

  // A click on a row of the table scrolls the chart to that row's bar ("Scroll to Task").
  wrap.addEventListener("click", function (ev) {
    const table = ev.target.closest && ev.target.closest("g.ks-table");
    const el = box();
    const svg = el && el.querySelector("svg");
    if (!table || !svg) return;
    const y = ev.clientY - svg.getBoundingClientRect().top - parseFloat(el.dataset.headerHeight);
    const row = Math.floor(y / parseFloat(el.dataset.rowHeight));
    const bars = svg.querySelectorAll("g.ks-bars [data-task-id]");  // one per row, in order
    if (row >= 0 && row < bars.length) scrollToX(el, bars[row].getBBox().x, 24);
  });

  // Open on today's line when the plan is under way, else on its first day (the page
  // says which: today may lie well before a plan that has not started).
  (function openWhereTheWorkIs() {
    const el = box();
    if (el && el.scrollLeft === 0) scrollToDay(el, el.dataset.opensAt);
    else pin();
  })();
})();
