/*
 * KAM Workspace: the little JavaScript the layout needs.
 *
 * - Theme toggle: switch the page at once, remember the choice on the server
 *   (cookie kam_theme, see kam/ui/views.py). Without JavaScript the same form
 *   posts normally and the server redirects back.
 * - Keyboard shortcuts, listed in the dialog of templates/layout/_shortcuts.html:
 *   "g" then h/a/p/r to go to a section, "/" to focus the page's search box,
 *   "t" to toggle the theme, "?" to show the list.
 * Everything else is server-rendered HTML and htmx.
 */
(function () {
  "use strict";

  // Label of the toggle button, by the theme it would switch *to* (kam/ui/themes.py).
  var THEME_LABELS = { light: "Standard view", projector: "Projector view" };
  var GO_TIMEOUT_MS = 1500;
  var GO_TARGETS = { h: "home", a: "my-accounts", p: "portfolio", r: "reviews" };

  function otherTheme(theme) {
    return theme === "projector" ? "light" : "projector";
  }

  function applyTheme(form, theme) {
    document.documentElement.setAttribute("data-theme", theme);
    var next = otherTheme(theme);
    form.querySelector("input[name=theme]").value = next;
    var button = form.querySelector("button");
    button.textContent = THEME_LABELS[next];
    button.setAttribute("aria-pressed", theme === "projector" ? "true" : "false");
  }

  function switchTheme(form) {
    var chosen = form.querySelector("input[name=theme]").value;
    var previous = document.documentElement.getAttribute("data-theme") || "light";
    var body = new FormData(form); // before applyTheme() flips the hidden field
    applyTheme(form, chosen);
    return fetch(form.action, {
      method: "POST",
      body: body,
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    }).then(function (response) {
      if (!response.ok) {
        applyTheme(form, previous);
      }
    }).catch(function () {
      applyTheme(form, previous);
    });
  }

  function themeForm() {
    return document.querySelector("form[data-theme-toggle]");
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-theme-toggle")) {
      event.preventDefault();
      switchTheme(form);
    }
  });

  function isTyping(target) {
    if (!(target instanceof HTMLElement)) {
      return false;
    }
    if (target.isContentEditable) {
      return true;
    }
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function navLink(key) {
    return document.querySelector('.site-nav a[data-nav="' + key + '"]');
  }

  var goPending = false;
  var goTimer = null;

  function openShortcuts() {
    var dialog = document.getElementById("shortcuts-dialog");
    if (dialog && !dialog.open && typeof dialog.showModal === "function") {
      dialog.showModal();
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    if (isTyping(event.target)) {
      return;
    }
    var dialog = document.getElementById("shortcuts-dialog");
    if (dialog && dialog.open) {
      return; // the dialog handles Esc itself
    }
    var key = event.key;

    if (goPending) {
      goPending = false;
      clearTimeout(goTimer);
      var link = GO_TARGETS[key] && navLink(GO_TARGETS[key]);
      if (link) {
        event.preventDefault();
        window.location.assign(link.href);
      }
      return;
    }

    if (key === "g") {
      goPending = true;
      goTimer = setTimeout(function () {
        goPending = false;
      }, GO_TIMEOUT_MS);
    } else if (key === "?") {
      event.preventDefault();
      openShortcuts();
    } else if (key === "/") {
      var search = document.querySelector("[data-search], input[type=search]");
      if (search) {
        event.preventDefault();
        search.focus();
      }
    } else if (key === "t") {
      var form = themeForm();
      if (form) {
        event.preventDefault();
        switchTheme(form);
      }
    }
  });
})();
