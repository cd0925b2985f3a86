// Small progressive enhancements; every page works without this file.
document.addEventListener("htmx:responseError", function (event) {
  var target = event.detail.target;
  if (target && target.id === "preview") {
    target.textContent = "The preview could not be updated. Your text is safe; press Preview to try again.";
  }
});

// Comments. The page works without any of this: every comment link opens a page
// with its form, and every form posts and redirects. With it, forms open in place,
// a selection in a position's text fills that position's comment form, and the
// comment sections refresh themselves when someone else changes them.
(function () {
  function wordsAround(prose, range) {
    // A few words either side of the selection, to tell apart a passage that repeats.
    var before = document.createRange();
    before.setStart(prose, 0);
    before.setEnd(range.startContainer, range.startOffset);
    var after = document.createRange();
    after.setStart(range.endContainer, range.endOffset);
    after.setEnd(prose, prose.childNodes.length);
    return {
      prefix: before.toString().split(/\s+/).filter(Boolean).slice(-8).join(" "),
      suffix: after.toString().split(/\s+/).filter(Boolean).slice(0, 8).join(" ")
    };
  }

  function fillQuote(form, text, context) {
    form.querySelector(".tbl-field-quote").value = text;
    form.querySelector(".tbl-quote-prefix").value = context.prefix;
    form.querySelector(".tbl-quote-suffix").value = context.suffix;
    var body = form.querySelector(".tbl-field-body");
    if (body) body.focus();
  }

  function useSelection() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return;
    var range = selection.getRangeAt(0);
    var start = range.startContainer.nodeType === 1 ? range.startContainer : range.startContainer.parentElement;
    var prose = start && start.closest(".tbl-prose[data-position]");
    if (!prose || !prose.contains(range.endContainer)) return;
    if (start.closest(".tbl-para-comment")) return; // selecting inside a paragraph's form
    var text = selection.toString().replace(/\s+/g, " ").trim();
    if (!text || !window.htmx) return;
    var box = document.querySelector('.tbl-new-comment[data-position="' + prose.dataset.position + '"]');
    if (!box) return;
    var slot = box.querySelector(".tbl-slot");
    var context = wordsAround(prose, range);
    var form = slot.querySelector("form");
    if (form) { fillQuote(form, text, context); return; }
    var link = box.querySelector(".tbl-new-link");
    var url = link.getAttribute("href") + "&quote=" + encodeURIComponent(text) +
      "&prefix=" + encodeURIComponent(context.prefix) + "&suffix=" + encodeURIComponent(context.suffix);
    window.htmx.ajax("GET", url, { target: "#" + slot.id, swap: "innerHTML" });
  }

  document.addEventListener("mouseup", function () { window.setTimeout(useSelection, 0); });
  document.addEventListener("touchend", function () { window.setTimeout(useSelection, 0); });
  // A selection made by keyboard (Shift with the arrow keys, caret browsing, a screen
  // reader's select commands) is finished when Shift is let go: it opens the form as
  // a mouse selection does. Typing a capital letter in a form is not a selection.
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") return;
    var target = event.target;
    if (target && target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    window.setTimeout(useSelection, 0);
  });

  function busy(section) {
    // Never refresh a section someone has a form open in or is typing into.
    if (section.contains(document.activeElement)) return true;
    var slots = section.querySelectorAll(".tbl-slot");
    for (var i = 0; i < slots.length; i++) { if (slots[i].children.length) return true; }
    return false;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    var config = event.detail.requestConfig;
    if (config && config.verb !== "get") return;
    if (elt.classList && elt.classList.contains("tbl-comments") && busy(elt)) {
      event.preventDefault();
      return;
    }
    // A form already open in its slot keeps what was typed: go to it instead.
    var target = event.detail.target;
    if (target && target.classList && target.classList.contains("tbl-slot") && target.querySelector("form")) {
      event.preventDefault();
      var field = target.querySelector("textarea, input[type=text]");
      if (field) field.focus();
    }
  });

  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (elt.dataset && elt.dataset.etag && (elt.id === "comment-watch" || elt.classList.contains("tbl-comments"))) {
      event.detail.headers["If-None-Match"] = '"' + elt.dataset.etag + '"';
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    // 304: nothing changed, keep what is shown.
    if (event.detail.xhr && event.detail.xhr.status === 304) event.detail.shouldSwap = false;
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    if (elt.id === "comment-watch" && event.detail.xhr.status === 204) {
      var tag = event.detail.xhr.getResponseHeader("ETag");
      if (tag) elt.dataset.etag = tag.replace(/"/g, "");
    }
  });

  document.addEventListener("click", function (event) {
    var cancel = event.target.closest && event.target.closest("[data-cancel]");
    var slot = cancel && cancel.closest(".tbl-slot");
    if (!slot) return;
    event.preventDefault();
    var opener = slot.parentElement.querySelector("a");
    slot.innerHTML = "";
    if (opener) opener.focus();
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    // Take keyboard and screen-reader users to what happened: a notice, an error,
    // or the first field of a form that has just opened.
    var target = document.getElementById(event.detail.target.id) || event.detail.target;
    if (!target || !target.querySelector) return;
    var focus = target.querySelector("[data-focus]");
    if (!focus && target.classList.contains("tbl-slot")) {
      focus = target.querySelector(".tbl-field-body") || target.querySelector("textarea, input[type=text], button");
    }
    if (focus) focus.focus();
  });
})();

// The position editor keeps unsaved text in this browser (static/editor.js). A save
// that lands on its response page succeeded: the kept draft can go. A save that came
// back to the form (an error, a newer revision) keeps it; so does any other page.
(function () {
  var flag;
  try { flag = JSON.parse(sessionStorage.getItem("tabled:saving") || "null"); } catch (error) { flag = null; }
  if (!flag || document.getElementById("editor")) return;
  sessionStorage.removeItem("tabled:saving");
  if (location.pathname !== flag.page || Date.now() - flag.at > 120000) return;
  for (var i = localStorage.length - 1; i >= 0; i--) {
    var key = localStorage.key(i);
    if (key && key.indexOf(flag.prefix) === 0) localStorage.removeItem(key);
  }
})();

// Live counts: the open-thread counts and the summary beside the decision refresh
// with the threads; when the count of comments grows through someone else's work,
// a polite live region says so once. One's own comment arrives with the section it
// was posted in (an out-of-band swap), so it is never announced as news.
(function () {
  var known = null;
  function total() {
    var counts = document.getElementById("comment-counts");
    return counts ? parseInt(counts.dataset.comments || "0", 10) : null;
  }
  document.addEventListener("DOMContentLoaded", function () { known = total(); });

  document.addEventListener("htmx:beforeRequest", function (event) {
    // A refresh never pulls a link out from under the keyboard.
    var elt = event.detail.elt;
    if (elt.classList && elt.classList.contains("tbl-live") && elt.contains(document.activeElement)) {
      event.preventDefault();
    }
  });

  document.addEventListener("htmx:oobAfterSwap", function () { known = total(); });

  document.addEventListener("htmx:afterSwap", function () {
    var now = total();
    if (now === null) return;
    if (known !== null && now > known) {
      var news = document.getElementById("comment-news");
      var more = now - known;
      if (news) news.textContent = more + (more === 1 ? " new comment" : " new comments") + " on this response.";
    }
    known = now;
  });
})();

// The decision's note boxes: each revealed when its choice is chosen. Done here, not
// by GOV.UK Frontend's conditional radios, which also set aria-expanded, an attribute
// a radio button may not carry. Without JavaScript every box is shown, and the server
// takes the chosen one's.
window.addEventListener("load", function () {
  var inputs = document.querySelectorAll(".tbl-decision .govuk-radios__input[data-tbl-controls]");
  if (!inputs.length) return;
  function sync() {
    for (var i = 0; i < inputs.length; i++) {
      var box = document.getElementById(inputs[i].getAttribute("aria-controls"));
      if (!box) continue;
      box.classList.toggle("tbl-conditional-hidden", !inputs[i].checked);
    }
  }
  for (var i = 0; i < inputs.length; i++) {
    inputs[i].setAttribute("aria-controls", inputs[i].getAttribute("data-tbl-controls"));
    inputs[i].removeAttribute("data-tbl-controls");
    inputs[i].addEventListener("change", sync);
  }
  sync();
});
