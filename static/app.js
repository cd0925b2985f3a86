// Small progressive enhancements; every page works without this file.
document.addEventListener("htmx:responseError", function (event) {
  var target = event.detail.target;
  if (target && target.id === "preview") {
    target.textContent = "The preview could not be updated. Your text is safe; press Preview to try again.";
  }
});

// Comments. The page works without any of this: quotes can be typed or pasted, and
// every form posts and redirects. With it, a selection in a position fills that
// position's comment form, and the comment sections refresh themselves.
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

  function useSelection() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return;
    var range = selection.getRangeAt(0);
    var start = range.startContainer.nodeType === 1 ? range.startContainer : range.startContainer.parentElement;
    var prose = start && start.closest(".tbl-prose[data-position]");
    if (!prose || !prose.contains(range.endContainer)) return;
    if (start.closest("details.tbl-para-comment")) return; // typing in a paragraph form
    var text = selection.toString().replace(/\s+/g, " ").trim();
    if (!text) return;
    var box = document.querySelector('.tbl-new-comment[data-position="' + prose.dataset.position + '"]');
    if (!box) return;
    var quote = box.querySelector(".tbl-quote-field");
    var context = wordsAround(prose, range);
    quote.value = text;
    box.querySelector(".tbl-quote-prefix").value = context.prefix;
    box.querySelector(".tbl-quote-suffix").value = context.suffix;
    box.open = true;
  }

  document.addEventListener("mouseup", function () { window.setTimeout(useSelection, 0); });
  document.addEventListener("touchend", function () { window.setTimeout(useSelection, 0); });

  function busy(section) {
    // Never refresh a section someone is reading a form in or typing into.
    if (section.contains(document.activeElement)) return true;
    if (section.querySelector("details[open]")) return true;
    var fields = section.querySelectorAll("textarea, input[type=text]");
    for (var i = 0; i < fields.length; i++) { if (fields[i].value && !fields[i].readOnly) return true; }
    return false;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (elt.classList && elt.classList.contains("tbl-comments") && event.detail.requestConfig && event.detail.requestConfig.verb === "get" && busy(elt)) {
      event.preventDefault();
    }
  });

  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (elt.classList && elt.classList.contains("tbl-comments") && elt.dataset.etag) {
      event.detail.headers["If-None-Match"] = '"' + elt.dataset.etag + '"';
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form.classList || !form.classList.contains("tbl-comment-form") || !event.detail.successful) return;
    var details = form.closest("details.tbl-para-comment");
    if (details) { form.reset(); details.open = false; }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    // After a post, take keyboard and screen-reader users to what happened.
    var target = document.getElementById(event.detail.target.id) || event.detail.target;
    var focus = target && target.querySelector && target.querySelector("[data-focus]");
    if (focus) focus.focus();
  });
})();
