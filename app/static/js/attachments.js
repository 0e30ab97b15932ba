/* Photos and files in the post, comment and event forms: a progressive enhancement.
   Without this script the form works in two steps (choose files, submit, describe, submit).
   With it, files chosen, dropped onto the box or pasted into the form upload at once, with progress;
   each photo gets "Insert into the text" and "Move up" buttons. No inline script, no other host. */
(function () {
  "use strict";

  function button(label, className) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "link-button " + className;
    element.textContent = label;
    return element;
  }

  function enhanceItem(fieldset, item) {
    if (item.querySelector(".item-tools")) { return; }
    var tools = document.createElement("p");
    tools.className = "item-tools";
    if (item.querySelector("img.thumb")) { tools.appendChild(button(fieldset.dataset.labelInsert, "insert")); }
    tools.appendChild(button(fieldset.dataset.labelUp, "move-up"));
    item.appendChild(tools);
  }

  function insertIntoText(form, item) {
    var text = form.querySelector("textarea");
    var alt = item.querySelector('input[name^="alt-"]');
    if (!text) { return; }
    var description = (alt && alt.value.trim()) || "";
    var snippet = "\n![" + description.replace(/[\[\]]/g, "") + "](upload:" + item.dataset.id + ")\n";
    var at = text.selectionStart || text.value.length;
    text.value = text.value.slice(0, at) + snippet + text.value.slice(text.selectionEnd || at);
    text.focus();
  }

  function setUp(fieldset) {
    if (fieldset.dataset.enhanced) { return; }  // the script may be included once per form on a page
    fieldset.dataset.enhanced = "yes";
    var form = fieldset.closest("form");
    var input = fieldset.querySelector('input[type="file"][name="files"]');
    var list = fieldset.querySelector(".attachment-list");
    var token = form && form.querySelector('input[name="csrf_token"]');
    if (!form || !input || !list || !token || !window.FormData) { return; }
    var status = document.createElement("p");
    status.className = "upload-status";
    status.setAttribute("role", "status");
    fieldset.insertBefore(status, list);
    var hint = document.createElement("p");
    hint.className = "hint drop-hint";
    hint.textContent = fieldset.dataset.labelDrop;
    fieldset.insertBefore(hint, list);
    Array.prototype.forEach.call(list.children, function (item) { enhanceItem(fieldset, item); });

    function send(files) {
      if (!files.length) { return; }
      var data = new FormData();
      files.forEach(function (file) { data.append("files", file, file.name || "pasted-image.png"); });
      data.append("csrf_token", token.value);
      data.append("already", String(list.children.length));
      var request = new XMLHttpRequest();
      request.open("POST", fieldset.dataset.uploadUrl);
      request.setRequestHeader("Accept", "application/json");
      request.upload.onprogress = function (event) {
        if (event.lengthComputable) {
          status.textContent = fieldset.dataset.labelUploading + " " + Math.round(event.loaded * 100 / event.total) + " %";
        }
      };
      request.onload = function () {
        var answer = null;
        try { answer = JSON.parse(request.responseText); } catch (error) { answer = null; }
        if (!answer) { status.textContent = fieldset.dataset.labelFailed; return; }
        (answer.items || []).forEach(function (item) {
          list.insertAdjacentHTML("beforeend", item.html);
          enhanceItem(fieldset, list.lastElementChild);
        });
        status.textContent = answer.error || fieldset.dataset.labelDone;
        var first = list.querySelector('input[name^="alt-"]:placeholder-shown, input[name^="alt-"][value=""]');
        if (first && !answer.error) { first.focus(); }
      };
      request.onerror = function () { status.textContent = fieldset.dataset.labelFailed; };
      status.textContent = fieldset.dataset.labelUploading;
      request.send(data);
    }

    input.addEventListener("change", function () {
      send(Array.prototype.slice.call(input.files));
      input.value = "";
    });
    fieldset.addEventListener("dragover", function (event) {
      event.preventDefault();
      fieldset.classList.add("dragging");
    });
    fieldset.addEventListener("dragleave", function () { fieldset.classList.remove("dragging"); });
    fieldset.addEventListener("drop", function (event) {
      event.preventDefault();
      fieldset.classList.remove("dragging");
      send(Array.prototype.slice.call(event.dataTransfer.files || []));
    });
    form.addEventListener("paste", function (event) {
      var files = Array.prototype.slice.call((event.clipboardData && event.clipboardData.files) || []);
      if (files.length) {
        event.preventDefault();
        send(files);
      }
    });
    list.addEventListener("click", function (event) {
      var item = event.target.closest("li.attachment-edit");
      if (!item) { return; }
      if (event.target.classList.contains("insert")) { insertIntoText(form, item); }
      if (event.target.classList.contains("move-up") && item.previousElementSibling) {
        list.insertBefore(item, item.previousElementSibling);
        event.target.focus();
      }
    });
  }

  document.querySelectorAll("fieldset.attachments[data-upload-url]").forEach(setUp);
}());
