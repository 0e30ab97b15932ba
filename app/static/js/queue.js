// The moderation queue: "All items on this page" ticks and unticks every item's box with it, and unticking one
// item unticks "all". Without this script the server still honours "all" (progressive enhancement).
(function () {
  "use strict";
  var all = document.querySelector("input[data-select-all]");
  if (!all) { return; }
  var items = function () { return document.querySelectorAll("input[data-queue-item]"); };
  all.addEventListener("change", function () {
    items().forEach(function (box) { box.checked = all.checked; });
  });
  document.addEventListener("change", function (event) {
    if (!event.target.matches("input[data-queue-item]")) { return; }
    var boxes = Array.prototype.slice.call(items());
    all.checked = boxes.length > 0 && boxes.every(function (box) { return box.checked; });
  });
})();
