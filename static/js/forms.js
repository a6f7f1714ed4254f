// A page that comes back with form errors opens on their summary: focus moves to it, so a
// screen reader reads it and a keyboard starts from it. Each link in it puts the cursor in its
// field with the field's label in view (the browser alone would hide the label above the top).
(function () {
  "use strict";

  function labelFor(field) {
    if (field.id) {
      const label = document.querySelector('label[for="' + CSS.escape(field.id) + '"]');
      if (label) return label;
    }
    const fieldset = field.closest("fieldset");
    return fieldset ? fieldset.querySelector("legend") : null;
  }

  function onLinkClick(event) {
    const link = event.target.closest('a[href^="#"]');
    if (!link) return;
    const field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) return;
    event.preventDefault();
    (labelFor(field) || field).scrollIntoView();
    field.focus({ preventScroll: true });
  }

  function start() {
    const summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.addEventListener("click", onLinkClick);
    summary.focus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
