/* Behaviour every page shares (keystage.core): loaded once by core/base.html.
 *
 * - One submit per click: a form being sent has its submit buttons disabled until the
 *   answer arrives (the server also refuses a repeat of the same submission key).
 * - After a failed submit, focus moves to the first field in error (or the alert).
 * - Keystage.shortDate: the one date format of the UI ("22 Feb 27"), the same as the
 *   templates' ``short_date`` filter (keystage.core.templatetags.ks_format).
 */
(function () {
  "use strict";

  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  /** "2027-02-22" (or a Date) → "22 Feb 27". */
  function shortDate(value) {
    let y, m, d;
    if (value instanceof Date) {
      y = value.getUTCFullYear(); m = value.getUTCMonth() + 1; d = value.getUTCDate();
    } else {
      [y, m, d] = String(value).slice(0, 10).split("-").map(Number);
    }
    if (!y || !m || !d) return String(value);
    return d + " " + MONTHS[m - 1] + " " + String(y % 100).padStart(2, "0");
  }

  window.Keystage = Object.assign(window.Keystage || {}, { shortDate: shortDate });

  // ------------------------------------------------------- one submit per click

  function buttons(form) {
    return form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]");
  }

  function release(form) {
    delete form.dataset.sending;
    buttons(form).forEach(function (b) {
      if (b.dataset.ksDisabled) { b.disabled = false; delete b.dataset.ksDisabled; }
    });
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || (form.getAttribute("method") || "").toLowerCase() !== "post") return;
    if (form.dataset.sending) {  // a second click while the first is on its way
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    // After this event: the browser (or htmx) has read the clicked button's name and value.
    setTimeout(function () {
      if (event.defaultPrevented && !form.hasAttribute("hx-post")) return;
      form.dataset.sending = "1";
      buttons(form).forEach(function (b) {
        if (!b.disabled) { b.disabled = true; b.dataset.ksDisabled = "1"; }
      });
    }, 0);
  }, true);

  document.addEventListener("htmx:afterRequest", function (event) {
    const form = event.target && event.target.closest ? event.target.closest("form") : null;
    if (form) release(form);
  });
  // Back / forward from the page cache brings the form back as it was left.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending]").forEach(release);
  });

  // ----------------------------------------------------- focus the first error

  function focusFirstError(root) {
    const scope = root || document;
    const field = scope.querySelector(".has-error input, .has-error select, .has-error textarea");
    const target = field || scope.querySelector("form .alert, .editor .alert");
    if (!target) return;
    if (!field && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: false });
  }

  document.addEventListener("DOMContentLoaded", function () { focusFirstError(); });
  document.addEventListener("htmx:afterSwap", function (event) {
    const status = event.detail && event.detail.xhr ? event.detail.xhr.status : 0;
    if (status >= 400) focusFirstError(event.detail.target || event.target);
  });
})();
