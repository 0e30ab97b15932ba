// Push messages in the service worker: show the notice, open its page on a tap. Appended to the site's service
// worker or loaded by it with importScripts("/static/js/push-sw.js") (same origin, so CSP script-src 'self').
// The payload is JSON from app.services.push_delivery: {title, body, url, tag, lang}, decrypted by the browser.
// (An icon can be added here once the manifest's icons exist: the PWA work knows their addresses.)
/* eslint-env serviceworker */
(function () {
  "use strict";
  self.addEventListener("push", function (event) {
    var data = {};
    try { data = event.data ? event.data.json() : {}; } catch (error) { data = { body: event.data.text() }; }
    var url = typeof data.url === "string" && data.url.charAt(0) === "/" && data.url.charAt(1) !== "/" ? data.url : "/";
    event.waitUntil(self.registration.showNotification(data.title || self.location.host, {
      body: data.body || "", tag: data.tag || undefined, renotify: Boolean(data.tag), data: { url: url },
      lang: data.lang || undefined
    }));
  });

  self.addEventListener("notificationclick", function (event) {
    event.notification.close();
    var target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
    event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
      for (var i = 0; i < windows.length; i += 1) {
        if (new URL(windows[i].url).origin === target.origin && "focus" in windows[i]) {
          return windows[i].navigate(target.href).then(function (client) { return (client || windows[i]).focus(); });
        }
      }
      return self.clients.openWindow(target.href);
    }));
  });
}());
