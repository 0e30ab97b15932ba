// Every page: the phone menu and the Share button, both progressive enhancements.
// The menu is a <details> disclosure that opens and closes without this script; the script adds what people
// expect of a menu: Escape closes it (focus back on its button), a tap elsewhere closes it.
// The Share button opens the phone's own share sheet (Web Share API, so every messenger the person has, Signal
// included); it stays hidden where the browser has none. "Copy link" likewise stays hidden without a clipboard.
(function () {
  "use strict";
  var menu = document.querySelector("[data-site-menu]");
  if (menu) {
    var toggle = menu.querySelector("summary");
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        toggle.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.contains(event.target)) { menu.open = false; }
    });
  }

  function flash(button, text) {
    var status = button.parentNode.querySelector("[data-share-status]");
    if (status) { status.textContent = text; }
  }

  document.querySelectorAll("[data-share-url]").forEach(function (button) {
    var url = button.getAttribute("data-share-url");
    var title = button.getAttribute("data-share-title");  // absent for members-only pages: the link only
    var data = title ? { title: title, url: url } : { url: url };
    if (!navigator.share || (navigator.canShare && !navigator.canShare(data))) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.share(data).catch(function () { /* the person closed the share sheet */ });
    });
  });

  document.querySelectorAll("[data-copy-url]").forEach(function (button) {
    if (!navigator.clipboard || !window.isSecureContext) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy-url")).then(function () {
        flash(button, button.getAttribute("data-copied"));
      }, function () {
        flash(button, button.getAttribute("data-copy-failed"));
      });
    });
  });
})();
