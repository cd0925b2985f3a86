// Comments in the margin. The server already highlights each thread's passage
// (<mark data-threads>) and lists the threads under their position, which is how
// the page stays on a phone and without JavaScript. On a wide screen this script
// moves each position's threads into a column beside its text, each level with
// its passage, links the highlight and the thread both ways, and makes "Next open
// thread" go from one open thread to the next. It only arranges what is there:
// no text, link or form exists only because of it.
const WIDE = window.matchMedia("(min-width: 64em)");
const ON = "tbl-margin-on";
const GAP = 12; // pixels between two threads pushed together
let current = ""; // id of the thread last brought forward

function threadsOf(section) {
  return Array.from(section.children).filter((el) => el.classList.contains("tbl-thread"));
}

function markOf(thread) {
  const id = thread.dataset.mark;
  return id ? document.getElementById(id) : null;
}

function inDocumentOrder(a, b) {
  if (a === b) return 0;
  return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
}

// Threads read in the order of their passages; those without one (the whole
// position, or a passage no longer there) after them, oldest first as served.
function arrange(section, wide) {
  const threads = threadsOf(section);
  threads.forEach((t, i) => { if (!t.dataset.order) t.dataset.order = String(i); });
  const served = (a, b) => Number(a.dataset.order) - Number(b.dataset.order);
  let wanted = threads.slice().sort(served);
  if (wide) {
    const placed = wanted.filter((t) => markOf(t));
    placed.sort((a, b) => inDocumentOrder(markOf(a), markOf(b)));
    wanted = placed.concat(wanted.filter((t) => !markOf(t)));
  }
  if (wanted.every((t, i) => t === threads[i])) return;
  if (section.contains(document.activeElement)) return; // never move what someone is using
  const after = threads[threads.length - 1].nextSibling;
  wanted.forEach((t) => section.insertBefore(t, after));
}

// Each thread level with its passage, pushed down only as far as the one above
// it needs: one pass reading the layout, one writing it.
function place(position, wide) {
  const section = position.querySelector(":scope > .tbl-comments");
  if (!section) return;
  const threads = threadsOf(section);
  threads.forEach((t) => { t.style.marginTop = ""; });
  position.style.minHeight = "";
  arrange(section, wide);
  if (!wide) return;
  const ordered = threadsOf(section);
  const top = section.getBoundingClientRect().top;
  const seen = ordered.map((t) => {
    const mark = markOf(t);
    return { t, at: t.getBoundingClientRect().top - top, want: mark ? mark.getBoundingClientRect().top - top : null };
  });
  let shift = 0;
  seen.forEach(({ t, at, want }, i) => {
    const natural = at + shift + (i ? GAP : 0);
    const push = want === null ? 0 : Math.max(0, want - natural);
    if (push || i) t.style.marginTop = `${push + (i ? GAP : 0)}px`;
    shift += push + (i ? GAP : 0);
  });
  // The position (the section's offset parent) grows to hold its column.
  const style = window.getComputedStyle(position);
  const frame = style.boxSizing === "border-box" ? 0 : ["paddingTop", "paddingBottom", "borderTopWidth", "borderBottomWidth"]
    .reduce((sum, name) => sum + parseFloat(style[name]), 0);
  position.style.minHeight = `${section.offsetTop + section.offsetHeight - frame}px`;
}

let queued = false;
function layout() {
  if (queued) return;
  queued = true;
  window.requestAnimationFrame(() => {
    queued = false;
    const wide = WIDE.matches;
    document.documentElement.classList.toggle(ON, wide);
    document.querySelectorAll(".tbl-positions > .tbl-position").forEach((p) => place(p, wide));
  });
}

function marksOf(id) {
  return document.querySelectorAll(`mark.tbl-mark[data-threads~="${CSS.escape(id)}"]`);
}

function bringForward(id) {
  current = id;
  document.querySelectorAll(".tbl-current").forEach((el) => el.classList.remove("tbl-current"));
  const thread = document.getElementById(`comment-${id}`);
  if (!thread) return null;
  thread.classList.add("tbl-current");
  marksOf(id).forEach((m) => m.classList.add("tbl-current"));
  return thread;
}

function focusThread(id) {
  const thread = bringForward(id);
  if (!thread) return;
  thread.focus({ preventScroll: true });
  thread.scrollIntoView({ block: "nearest" });
  const mark = markOf(thread);
  if (mark && WIDE.matches) mark.scrollIntoView({ block: "nearest" });
}

function openThreads() {
  return Array.from(document.querySelectorAll(".tbl-thread:not(.tbl-thread--closed)"));
}

function threadId(thread) {
  return thread.id.replace(/^comment-/, "");
}

function where(thread) {
  const open = openThreads();
  const position = thread.closest(".tbl-position");
  const number = position && position.querySelector(".tbl-number");
  const on = number ? `on position ${number.textContent.replace(".", "").trim()}` : "on the whole response";
  return `Open thread ${open.indexOf(thread) + 1} of ${open.length}, ${on}.`;
}

// A click on highlighted words brings their thread forward; clicking again where
// threads overlap goes on to the next thread on those words.
document.addEventListener("click", (event) => {
  const mark = event.target.closest && event.target.closest("mark.tbl-mark[data-threads]");
  if (mark) {
    const selection = window.getSelection();
    if (selection && !selection.isCollapsed) return; // selecting words, not clicking
    const ids = mark.dataset.threads.split(" ");
    focusThread(ids[(ids.indexOf(current) + 1) % ids.length]);
    return;
  }
  const show = event.target.closest && event.target.closest("a.tbl-mark-link");
  if (show) {
    const target = document.getElementById(show.getAttribute("href").slice(1));
    const thread = show.closest(".tbl-thread");
    if (!target || !thread) return;
    event.preventDefault();
    bringForward(threadId(thread));
    target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "center" });
    return;
  }
  const next = event.target.closest && event.target.closest("#next-open-thread");
  if (next) {
    const open = openThreads();
    if (!open.length) return;
    event.preventDefault();
    const from = open.findIndex((t) => threadId(t) === current || t.contains(document.activeElement));
    const thread = open[(from + 1) % open.length];
    focusThread(threadId(thread));
    const status = document.getElementById("thread-nav-where");
    if (status) status.textContent = where(thread);
    const after = open[(from + 2) % open.length];
    next.setAttribute("href", `#${after.id}`);
  }
});

// Reaching a thread by keyboard shows its passage too.
document.addEventListener("focusin", (event) => {
  const thread = event.target.closest && event.target.closest(".tbl-thread");
  if (thread && threadId(thread) !== current) bringForward(threadId(thread));
});

// A refreshed section comes with its position's text, so new passages are
// highlighted too; a text with a paragraph's form open keeps what was typed.
document.addEventListener("htmx:oobBeforeSwap", (event) => {
  const target = event.detail.target;
  if (!target || !target.classList || !target.classList.contains("tbl-prose")) return;
  const busy = Array.from(target.querySelectorAll(".tbl-slot")).some((slot) => slot.children.length);
  if (busy || target.contains(document.activeElement)) event.detail.shouldSwap = false;
});

WIDE.addEventListener("change", layout);
window.addEventListener("resize", layout);
window.addEventListener("load", layout);
document.addEventListener("htmx:afterSettle", layout);
if (document.fonts) document.fonts.ready.then(layout);
if (window.ResizeObserver) {
  const watch = new ResizeObserver(layout);
  const watched = ".tbl-positions > .tbl-position > .tbl-prose, .tbl-positions > .tbl-position > .tbl-comments";
  document.querySelectorAll(watched).forEach((el) => watch.observe(el));
  // A section or text refreshed by htmx is a new element: watch it too.
  document.addEventListener("htmx:afterSettle", () => {
    document.querySelectorAll(watched).forEach((el) => watch.observe(el));
  });
}
layout();
