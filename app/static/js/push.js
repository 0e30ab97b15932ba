// Push notifications on this device (notification settings). The browser asks for permission only after the
// click on "Enable on this device". Without this script, or without Push API support, the page says so and
// everything else on it works as plain forms (progressive enhancement).
(function () {
  "use strict";
  var box = document.querySelector(".push-device[data-push-key]");
  if (!box) { return; }
  var status = box.querySelector(".push-status");
  var enable = box.querySelector(".push-enable");
  var disable = box.querySelector(".push-disable");
  var STORED = "push-device-id";

  function say(name, reason) {
    var text = box.getAttribute("data-msg-" + name) || "";
    status.textContent = text.replace("{reason}", reason || "");
  }
  function show(on) {
    enable.hidden = on;
    disable.hidden = !on;
    say(on ? "on" : "ready");
  }
  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": box.getAttribute("data-csrf") },
      body: body ? JSON.stringify(body) : "{}"
    });
  }
  // The site's service worker (registered by every page); none yet: the page cannot subscribe.
  function registration() {
    return navigator.serviceWorker.getRegistration().then(function (found) {
      if (!found) { throw new Error("no-worker"); }
      return found;
    });
  }

  function turnOn() {
    enable.disabled = true;
    say("asking");
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { throw new Error("denied"); }
      return registration();
    }).then(function (found) {
      return found.pushManager.subscribe({ userVisibleOnly: true,
                                           applicationServerKey: keyBytes(box.getAttribute("data-push-key")) });
    }).then(function (subscription) {
      say("saving");
      return post(box.getAttribute("data-subscribe-url"), subscription.toJSON());
    }).then(function (response) {
      if (!response.ok) { throw new Error("server " + response.status); }
      return response.json();
    }).then(function (device) {
      window.localStorage.setItem(STORED, String(device.id));
      window.location.reload();  // the list of devices now shows this one
    }).catch(function (error) {
      enable.disabled = false;
      var reason = error && error.message;
      if (reason === "denied" || reason === "no-worker") { say(reason === "denied" ? "denied" : "no-worker"); }
      else { say("failed", (error && error.name && error.name !== "Error" ? error.name + ": " : "") + reason); }
    });
  }

  function turnOff() {
    disable.disabled = true;
    registration().then(function (found) {
      return found.pushManager.getSubscription();
    }).then(function (subscription) {
      return subscription ? subscription.unsubscribe() : true;
    }).then(function () {
      var id = window.localStorage.getItem(STORED);
      window.localStorage.removeItem(STORED);
      // Without the id the push service answers "gone" at the next notice and the device is removed then.
      return id ? post(box.getAttribute("data-remove-url").replace("/0/", "/" + id + "/")) : null;
    }).then(function () {
      window.location.reload();
    }).catch(function () {
      disable.disabled = false;
      show(true);
    });
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say("unsupported");
    return;
  }
  enable.addEventListener("click", turnOn);
  disable.addEventListener("click", turnOff);
  if (Notification.permission === "denied") { show(false); say("denied"); return; }
  navigator.serviceWorker.getRegistration().then(function (found) {
    return found ? found.pushManager.getSubscription() : null;
  }).then(function (subscription) {
    // Subscribed in this browser and one of this person's devices (after a logout it is nobody's until enabled).
    var listed = subscription && Array.prototype.some.call(document.querySelectorAll(".push-devices li"),
      function (item) { return item.getAttribute("data-endpoint") === subscription.endpoint; });
    show(Boolean(listed));
  }).catch(function () { show(false); });
}());
