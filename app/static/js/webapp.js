/* The installable web app, as progressive enhancement: registers the service worker (app/webapp/sw.js), shows
   the "Install the app" button only when the browser offers installing, shows the offline notice on a copy
   saved on this device, and tells the service worker to forget the private pages at logout. */
(function () {
  "use strict";

  var root = document.documentElement;

  // A saved copy (the service worker marks it when it keeps it): say so, with the time it was saved, and
  // switch off its forms (a saved copy carries no CSRF token, so they could not be sent anyway).
  var savedAt = root.getAttribute("data-saved-copy");
  var notice = document.getElementById("offline-notice");
  if (savedAt && notice) {
    var time = notice.querySelector("time");
    var when = new Date(savedAt);
    if (time && !isNaN(when.getTime())) {
      time.setAttribute("datetime", savedAt);
      time.textContent = when.toLocaleString(root.lang || undefined, { dateStyle: "medium", timeStyle: "short" });
    }
    notice.hidden = false;
    var buttons = document.querySelectorAll("form[method='post'] button, form[method='post'] input[type='submit']");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].disabled = true;
    }
  }

  if (!("serviceWorker" in navigator)) {
    return;
  }
  var script = document.currentScript;
  navigator.serviceWorker.register(script.getAttribute("data-worker"), { scope: "/" }).catch(function () {
    // No offline reading then (a private window, storage switched off): the site works as before.
  });

  // Logout: the private pages go now, not only when the next page arrives.
  var logoutPath = script.getAttribute("data-logout");
  document.addEventListener("submit", function (event) {
    // The attribute, not form.action: a form with a field named "action" (the moderators' forms) shadows it.
    var action = event.target.getAttribute("action");
    if (action && new URL(action, window.location.href).pathname === logoutPath &&
        navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "logout" });
    }
  });

  // "Install the app": only where the browser offers it, and gone once it is installed.
  var install = document.getElementById("install-app");
  var offer = null;
  if (!install) {
    return;
  }
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    offer = event;
    install.hidden = false;
  });
  install.querySelector("button").addEventListener("click", function () {
    if (!offer) {
      return;
    }
    offer.prompt();
    offer.userChoice.then(function () {
      offer = null;
      install.hidden = true;
    });
  });
  window.addEventListener("appinstalled", function () {
    install.hidden = true;
  });
})();
