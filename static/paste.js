// Clipboard to Markdown for the position editor: HTML from Word or a web page through
// turndown (with its GFM tables), spreadsheet cells (tab-separated text) as a table.
// What a position cannot hold is dropped, as the renderer drops raw HTML: scripts,
// styles, images without a description, links that are not http(s) or mailto, and
// Word's own markup. Bounded: clipboards above MAX_HTML characters paste as plain text.
import TurndownService from "./vendor/editor/turndown.js";
import { gfm } from "./vendor/editor/turndown-plugin-gfm.js";

export const MAX_HTML = 2000000;

const DROPPED = "script, style, noscript, template, iframe, frame, frameset, object, embed, " +
  "link, meta, title, base, svg, math, canvas, form, input, button, select, textarea, " +
  "video, audio, source, track, map, area, head";
const SAFE_HREF = /^(https?:|mailto:)/i;
const KEPT_ATTRIBUTES = { A: ["href"], IMG: ["src", "alt"], OL: ["start"], SUP: ["data-footnote"] };
const WORD_NOTE = /^#_(ftn|edn)(ref)?(\d+)$/i;

function unwrap(element) {
  element.replaceWith(...element.childNodes);
}

function styleOf(element) {
  return (element.getAttribute("style") || "").toLowerCase();
}

// Word writes a list as paragraphs styled "mso-list: l0 level1 lfo1", the number or
// bullet in a span marked "mso-list: Ignore". Rebuild real, nested lists from them.
function wordLists(root) {
  const isItem = (node) => node && node.nodeType === 1 && node.nodeName === "P" &&
    /mso-list:\s*l\d+\s+level\d+/.test(styleOf(node));
  const nextElement = (node) => {
    let next = node.nextSibling;
    while (next && next.nodeType === 3 && !next.textContent.trim()) next = next.nextSibling;
    return next;
  };
  for (const first of Array.from(root.querySelectorAll("p"))) {
    if (!first.isConnected || !isItem(first)) continue; // gone: part of an earlier run
    const run = [];
    for (let node = first; isItem(node); node = nextElement(node)) run.push(node);
    const doc = root.ownerDocument;
    const stack = [];
    const tops = [];
    for (const para of run) {
      const level = Number((/level(\d+)/.exec(styleOf(para)) || [0, 1])[1]);
      const marker = para.querySelector('[style*="mso-list:ignore" i], [style*="mso-list: ignore" i]');
      const ordered = marker ? /^\(?([0-9]+|[a-z]{1,4})[.)]/i.test(marker.textContent.trim()) : false;
      if (marker) marker.remove();
      while (stack.length && stack[stack.length - 1].level > level) stack.pop();
      if (!stack.length || stack[stack.length - 1].level < level) {
        const list = doc.createElement(ordered ? "ol" : "ul");
        const parentItem = stack.length ? stack[stack.length - 1].list.lastElementChild : null;
        if (parentItem) parentItem.appendChild(list);
        else tops.push(list);
        stack.push({ level: level, list: list });
      }
      const item = doc.createElement("li");
      item.append(...para.childNodes);
      stack[stack.length - 1].list.appendChild(item);
    }
    first.replaceWith(...tops);
    run.slice(1).forEach((para) => para.remove());
  }
}

// Google Docs and some sites mark emphasis with styles, not elements.
function styledEmphasis(root) {
  for (const b of Array.from(root.querySelectorAll("b"))) {
    if (/font-weight:\s*(normal|400)/.test(styleOf(b))) unwrap(b);
  }
  for (const span of Array.from(root.querySelectorAll("span[style]"))) {
    const style = styleOf(span);
    let inner = null;
    if (/font-weight:\s*(bold|[6-9]00)/.test(style)) inner = "strong";
    if (/font-style:\s*italic/.test(style)) inner = inner ? "strong-em" : "em";
    if (!inner) continue;
    const doc = root.ownerDocument;
    const outer = doc.createElement(inner === "em" ? "em" : "strong");
    let target = outer;
    if (inner === "strong-em") { target = doc.createElement("em"); outer.appendChild(target); }
    target.append(...span.childNodes);
    span.replaceWith(outer);
  }
}

// Word's footnote and endnote links become Markdown footnotes: [^1] and "[^1]: text".
function wordNotes(root) {
  for (const a of Array.from(root.querySelectorAll("a[href]"))) {
    const match = WORD_NOTE.exec(a.getAttribute("href"));
    if (!match) continue;
    const label = (match[1].toLowerCase() === "edn" ? "end" : "") + match[3];
    const sup = root.ownerDocument.createElement("sup");
    sup.setAttribute("data-footnote", (match[2] ? "definition:" : "reference:") + label);
    sup.textContent = label; // an empty element would be dropped as blank
    a.replaceWith(sup);
  }
  for (const div of Array.from(root.querySelectorAll("div[style]"))) {
    if (/mso-element:\s*(footnote|endnote)-list/.test(styleOf(div))) {
      div.querySelectorAll("hr, br").forEach((rule) => rule.remove());
    }
  }
}

function dropUnsafe(root) {
  root.querySelectorAll(DROPPED).forEach((element) => element.remove());
  for (const img of Array.from(root.querySelectorAll("img"))) {
    const alt = (img.getAttribute("alt") || "").trim();
    if (!alt || !/^https?:/i.test(img.getAttribute("src") || "")) img.remove();
  }
  for (const a of Array.from(root.querySelectorAll("a"))) {
    if (!SAFE_HREF.test((a.getAttribute("href") || "").replace(/\s/g, ""))) unwrap(a);
  }
  // Word's o:p, v:shape and the like, and <font>: keep the text, lose the tag.
  for (const element of Array.from(root.querySelectorAll("*"))) {
    if (element.nodeName.includes(":") || element.nodeName === "FONT") unwrap(element);
  }
  const walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_COMMENT);
  const comments = [];
  while (walker.nextNode()) comments.push(walker.currentNode);
  comments.forEach((comment) => comment.remove());
  for (const element of Array.from(root.querySelectorAll("*"))) {
    const kept = KEPT_ATTRIBUTES[element.nodeName] || [];
    for (const name of element.getAttributeNames()) {
      if (!kept.includes(name)) element.removeAttribute(name);
    }
  }
}

// GFM tables need a heading row; Word's and spreadsheets' tables rarely mark one,
// so their first row is taken as the heading.
function headingRows(root) {
  for (const table of Array.from(root.querySelectorAll("table"))) {
    // A heading cell is bold already; Word's <b> in it would only add asterisks.
    table.querySelectorAll("th b, th strong").forEach(unwrap);
    if (table.querySelector("th") || !table.rows.length) continue;
    for (const cell of Array.from(table.rows[0].cells)) {
      const th = root.ownerDocument.createElement("th");
      th.append(...cell.childNodes);
      cell.replaceWith(th);
      th.querySelectorAll("b, strong").forEach(unwrap);
    }
  }
}

function makeService() {
  const service = new TurndownService({
    headingStyle: "atx",
    bulletListMarker: "-",
    codeBlockStyle: "fenced",
    emDelimiter: "_",
    strongDelimiter: "**",
    hr: "---",
    br: "\\", // a backslash hard break, so trailing spaces can be trimmed safely
  });
  service.use(gfm);
  // Rules added later win. A position sits under a level-2 heading in a draft file,
  // so its own headings start at level 3.
  service.addRule("positionHeading", {
    filter: ["h1", "h2", "h3", "h4", "h5", "h6"],
    replacement: (content, node) => {
      const level = Math.min(6, Number(node.nodeName.charAt(1)) + 2);
      const text = content.replace(/\s+/g, " ").trim();
      return text ? "\n\n" + "#".repeat(level) + " " + text + "\n\n" : "";
    },
  });
  service.addRule("shortListItem", {
    filter: "li",
    replacement: (content, node) => {
      const parent = node.parentNode;
      let prefix = "- ";
      if (parent.nodeName === "OL") {
        const start = Number(parent.getAttribute("start") || 1);
        prefix = (start + Array.prototype.indexOf.call(parent.children, node)) + ". ";
      }
      const body = content.replace(/^\n+/, "").replace(/\n+$/, "\n").replace(/\n(?=.)/g, "\n" + " ".repeat(prefix.length));
      return prefix + body.trimEnd() + (node.nextSibling ? "\n" : "");
    },
  });
  service.addRule("flatTableCell", {
    // A Markdown table cell is one line: paragraphs inside a cell run together.
    filter: ["th", "td"],
    replacement: (content, node) => {
      const text = content.replace(/\s*\n+\s*/g, " ").replace(/\|/g, "\\|").trim();
      return (node.cellIndex === 0 ? "| " : " ") + (text || " ") + " |";
    },
  });
  service.addRule("footnote", {
    filter: (node) => node.nodeName === "SUP" && node.hasAttribute("data-footnote"),
    replacement: (content, node) => {
      const [kind, label] = node.getAttribute("data-footnote").split(":");
      return kind === "definition" ? "[^" + label + "]:" : "[^" + label + "]";
    },
  });
  return service;
}

let service = null;

export function htmlToMarkdown(html) {
  if (!html || html.length > MAX_HTML) return "";
  // DOMParser's document is inert: nothing in it runs or loads.
  const doc = new DOMParser().parseFromString(html, "text/html");
  const root = doc.body;
  wordLists(root);
  styledEmphasis(root);
  wordNotes(root);
  dropUnsafe(root);
  headingRows(root);
  service = service || makeService();
  return service.turndown(root).replace(/[ \t\u00a0]+$/gm, "").replace(/\n{3,}/g, "\n\n").trim();
}

// Cells copied from a spreadsheet arrive as lines of tab-separated text.
export function cellsToTable(text) {
  if (!text || text.length > MAX_HTML || !text.includes("\t")) return "";
  const lines = text.replace(/\r\n?/g, "\n").replace(/\n+$/, "").split("\n");
  if (!lines.every((line) => line.includes("\t"))) return "";
  const rows = lines.map((line) => line.split("\t").map((cell) => cell.trim().replace(/\|/g, "\\|")));
  const width = Math.max(...rows.map((row) => row.length));
  const line = (cells) => "| " + Array.from({ length: width }, (_, i) => cells[i] || " ").join(" | ") + " |";
  const out = [line(rows[0]), line(Array(width).fill("---"))];
  rows.slice(1).forEach((row) => out.push(line(row)));
  return out.join("\n");
}
