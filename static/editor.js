// The position editor: formatting buttons, shortcuts, paste that keeps its shape,
// the live word count, and drafts kept in this browser until they are saved.
// Everything here edits the Markdown in the textarea, so what is stored stays plain
// Markdown; without this file the textarea and the Preview button work alone.
import "./vendor/editor/markdown-toolbar.js";
import { cellsToTable, htmlToMarkdown } from "./paste.js";

const DRAFTS = "tabled:draft:";
export const SAVING = "tabled:saving"; // read by app.js on the page a save lands on

const editor = document.getElementById("editor");
const body = document.getElementById("body");
const form = body && body.form;
if (editor && body && form) start();

// The same rule as server/rendering/authoring.py's word_count.
function wordCount(...texts) {
  let total = 0;
  for (const text of texts) {
    const plain = (text || "")
      .replace(/\]\([^)\s]*(?:\s+"[^"]*")?\)/g, "]")
      .replace(/\[\^[^\]\s]*\]:?/g, " ")
      .replace(/^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+/gm, "");
    for (const word of plain.split(/\s+/)) if (/[\p{L}\p{N}]/u.test(word)) total += 1;
  }
  return total;
}

// Insert text where the cursor is, through the browser's editing so Undo undoes it.
function insert(text, start = body.selectionStart, end = body.selectionEnd) {
  body.focus();
  body.setSelectionRange(start, end);
  if (!document.execCommand("insertText", false, text)) {
    body.setRangeText(text, start, end, "end");
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }
}

// Text that is a block of its own (a table, several paragraphs) gets blank lines around it.
function asBlock(text) {
  const before = body.value.slice(0, body.selectionStart);
  const after = body.value.slice(body.selectionEnd);
  const lead = !before || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
  const tail = !after || after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
  return lead + text + tail;
}

function insertTable() {
  const block = asBlock("| Column 1 | Column 2 |\n| --- | --- |\n| Text | Text |");
  const at = body.selectionStart + block.indexOf("Column 1");
  insert(block);
  body.setSelectionRange(at, at + "Column 1".length); // typing replaces the first heading
}

function insertFootnote() {
  const used = new Set(Array.from(body.value.matchAll(/\[\^(\d+)\]/g), (m) => Number(m[1])));
  let n = 1;
  while (used.has(n)) n += 1;
  const marker = "[^" + n + "]";
  const cursor = body.selectionEnd;
  // The note's text goes at the end; the marker where the cursor is. End first, so the
  // cursor's offset still holds.
  const end = body.value.length;
  const gap = body.value.endsWith("\n\n") ? "" : body.value.endsWith("\n") ? "\n" : "\n\n";
  insert(gap + marker + ": ", end, end);
  insert(marker, cursor, cursor);
  const close = body.value.length;
  body.setSelectionRange(close, close);
}

function setUpToolbar() {
  const tools = editor.querySelector("[data-editor-tools]");
  tools.hidden = false;
  const toolbar = tools.querySelector("markdown-toolbar");
  // One tab stop for the whole toolbar, the arrow keys inside it (the component's
  // roving tabindex takes over once the toolbar has had focus).
  toolbar.querySelectorAll("button").forEach((button) => button.setAttribute("tabindex", "-1"));
  toolbar.addEventListener("click", (event) => {
    const button = event.target.closest("[data-md-button]");
    if (!button) return;
    const kind = button.getAttribute("data-md-button");
    if (kind === "table") insertTable();
    if (kind === "footnote") insertFootnote();
  });
  const shortcuts = { b: "bold", i: "italic", k: "link" };
  body.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
    const kind = shortcuts[event.key.toLowerCase()];
    if (!kind) return;
    event.preventDefault();
    toolbar.querySelector('[data-md-button="' + kind + '"]').click();
  });
}

function setUpPaste() {
  body.addEventListener("paste", (event) => {
    const data = event.clipboardData;
    if (!data) return;
    const html = data.getData("text/html");
    let markdown = html ? htmlToMarkdown(html) : "";
    if (!markdown) markdown = cellsToTable(data.getData("text/plain"));
    if (!markdown) return; // plain text: the browser pastes it as it is
    event.preventDefault();
    insert(markdown.includes("\n") ? asBlock(markdown) : markdown);
  });
}

function setUpWordCount() {
  const heading = form.elements.namedItem("heading");
  const shown = document.querySelector("#body-words [data-words]");
  const unit = document.querySelector("#body-words [data-unit]");
  const update = () => {
    const n = wordCount(heading ? heading.value : "", body.value);
    shown.textContent = String(n);
    if (unit) unit.textContent = n === 1 ? "word" : "words";
  };
  body.addEventListener("input", update);
  if (heading) heading.addEventListener("input", update);
}

// Drafts: one per response, position and the revision the form started from, so a
// restored draft is saved against the revision it was written on and the stale-save
// check (base_revision) still catches a colleague's newer save.
function setUpDrafts() {
  const heading = form.elements.namedItem("heading");
  const base = form.elements.namedItem("base_revision");
  const prefix = DRAFTS + editor.dataset.response + ":" + editor.dataset.position + ":";
  const themes = () => Array.from(form.querySelectorAll('input[name="themes"]:checked'), (box) => box.value);
  const current = () => ({ heading: heading ? heading.value : "", body: body.value, themes: themes() });
  const saved = { ...current(), base: base.value };
  const same = (a, b) => a.heading === b.heading && a.body === b.body && a.themes.join() === b.themes.join();
  sessionStorage.removeItem(SAVING); // a save that came back here did not succeed

  function storedDrafts() {
    const found = [];
    for (let i = 0; i < localStorage.length; i += 1) {
      const key = localStorage.key(i);
      if (!key || !key.startsWith(prefix)) continue;
      try { found.push({ key: key, ...JSON.parse(localStorage.getItem(key)) }); } catch (error) { localStorage.removeItem(key); }
    }
    return found.sort((a, b) => (b.at || 0) - (a.at || 0));
  }

  function forget() {
    storedDrafts().forEach((draft) => localStorage.removeItem(draft.key));
  }

  let timer = null;
  function keep() {
    window.clearTimeout(timer);
    timer = null;
    const now = current();
    forget();
    if (same(now, saved) && base.value === saved.base) return;
    try {
      localStorage.setItem(prefix + base.value, JSON.stringify({ ...now, base: base.value, at: Date.now() }));
    } catch (error) { /* storage full or refused: the form still holds the text */ }
  }
  const soon = () => { if (!timer) timer = window.setTimeout(keep, 300); };
  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
  window.addEventListener("pagehide", () => { if (timer) keep(); });
  form.addEventListener("submit", (event) => {
    if (timer) keep();
    const button = event.submitter;
    if (button && button.value === "save") {
      sessionStorage.setItem(SAVING, JSON.stringify({ prefix: prefix, page: "/responses/" + editor.dataset.response, at: Date.now() }));
    }
  });

  const draft = storedDrafts()[0];
  if (!draft) return;
  if (same({ heading: draft.heading || "", body: draft.body || "", themes: draft.themes || [] }, saved)) { forget(); return; }
  // After htmx has set up the live preview, so that it sees the restored text change.
  afterLoad(() => restore(draft));
}

function afterLoad(callback) {
  const later = () => window.setTimeout(callback, 0);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", later);
  else later();
}

function restore(draft) {
  const heading = form.elements.namedItem("heading");
  const base = form.elements.namedItem("base_revision");
  const before = { heading: heading ? heading.value : "", body: body.value, base: base.value,
    themes: Array.from(form.querySelectorAll('input[name="themes"]'), (box) => box.checked) };
  const apply = (values) => {
    if (heading) heading.value = values.heading;
    body.value = values.body;
    base.value = values.base;
    form.querySelectorAll('input[name="themes"]').forEach((box, i) => {
      box.checked = values.themesChecked ? values.themesChecked[i] : (values.themes || []).includes(box.value);
    });
    body.dispatchEvent(new Event("input", { bubbles: true })); // preview and word count
  };
  apply({ heading: draft.heading || "", body: draft.body || "", base: draft.base || base.value, themes: draft.themes });

  const when = new Date(draft.at || Date.now()).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
  const notice = document.createElement("div");
  notice.className = "govuk-inset-text tbl-draft-notice";
  notice.id = "draft-notice";
  notice.setAttribute("role", "status");
  const text = document.createElement("p");
  text.className = "govuk-body";
  text.textContent = "Restored the text you had not saved, from " + when + ". It is kept in this browser until you save it.";
  const discard = document.createElement("button");
  discard.type = "button";
  discard.className = "govuk-button govuk-button--secondary";
  discard.textContent = "Discard it and show the saved text";
  discard.addEventListener("click", () => {
    apply({ ...before, themesChecked: before.themes });
    text.textContent = "Discarded. The form shows the saved text again.";
    discard.remove();
    body.focus();
  });
  notice.append(text, discard);
  editor.parentNode.insertBefore(notice, editor);
}

function start() {
  setUpToolbar();
  setUpPaste();
  setUpWordCount();
  setUpDrafts();
}
