// Long discussions: "Show more comments" loads the next slice in place instead of opening a new page.
// Without this script the link simply opens that slice (progressive enhancement).
(function () {
  "use strict";
  function loadMore(link) {
    var holder = link.closest(".thread-more");
    link.setAttribute("aria-busy", "true");
    fetch(link.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var thread = document.getElementById("thread");
        var next = page.getElementById("thread");
        if (!thread || !next) { window.location.href = link.href; return; }
        var first = next.firstElementChild;
        while (next.firstChild) { thread.appendChild(next.firstChild); }
        var more = page.querySelector(".thread-more");
        if (more) { holder.replaceWith(document.importNode(more, true)); } else { holder.remove(); }
        if (first) {
          first.setAttribute("tabindex", "-1");
          first.focus();  // keyboard and screen reader users continue at the first new comment
        }
      })
      .catch(function () { window.location.href = link.href; });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-thread-more]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    event.preventDefault();
    loadMore(link);
  });
}());
