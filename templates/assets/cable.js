// Enhancements only: every page is complete without this file.
// 1. One citation widget for every paragraph: its link, its citation, copy buttons.
// 2. Note markers open the note in a popover instead of jumping to the list of notes.
// 3. On the original text, a link to a line (source.html#L60) shows that line: the text is one block, so
//    the line is found by its number beside it.
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  function copyButton(label, text) {
    var button = el("button", { type: "button", "class": "copy" }, label);
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(text).then(function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = label; }, 1500);
      });
    });
    return button;
  }

  // The cable's citation with the paragraph as its locator, made from the page's one citation.
  function paragraphCitation(whole, id, label, url) {
    return whole.replace("cable " + id + ",", "cable " + id + ", \u00b6" + label + ",")
      .replace(/\S+$/, url);
  }

  function setupCite() {
    var widget = document.getElementById("cite-widget");
    var whole = document.getElementById("cite-chicago");
    if (!widget || !whole) return;
    var opener = null;
    function close() {
      widget.hidden = true;
      if (opener) opener.focus();
    }
    widget.addEventListener("keydown", function (e) { if (e.key === "Escape") close(); });
    // The controls need this script, so this script adds them: without it, the Cite section gives the form.
    document.querySelectorAll(".para > .pm").forEach(function (pm) {
      var label = pm.closest(".para").id.slice(1);
      var link = el("button", { type: "button", "class": "pc", "aria-label": "Cite \u00b6" + label }, "cite");
      pm.append(" ", link);
      link.addEventListener("click", function (event) {
        var para = link.closest(".para");
        var label = para.id.slice(1);
        var url = new URL("#" + para.id, window.location.href).href;
        var text = paragraphCitation(whole.textContent.trim(), whole.dataset.id, label, url);
        event.preventDefault();
        opener = link;
        widget.replaceChildren();
        widget.append(el("p", { "class": "cite-title", id: "cite-widget-title" }, "Cite \u00b6" + label));
        widget.append(el("p", { "class": "citation" }, text));
        var row = el("p", {});
        if (navigator.clipboard) {
          row.append(copyButton("Copy citation", text), " ", copyButton("Copy link", url));
        }
        var shut = el("button", { type: "button", "class": "copy" }, "Close");
        shut.addEventListener("click", close);
        row.append(" ", shut);
        widget.append(row);
        widget.setAttribute("role", "region");
        widget.setAttribute("aria-labelledby", "cite-widget-title");
        para.after(widget);
        widget.hidden = false;
        widget.tabIndex = -1;
        widget.focus();
      });
    });
  }

  function setupNotes() {
    var pop = document.createElement("div");
    if (typeof pop.showPopover !== "function") return;
    pop.id = "note-popover";
    pop.className = "note-pop";
    pop.setAttribute("popover", "auto");
    pop.setAttribute("role", "dialog");
    pop.setAttribute("aria-label", "Note");
    document.body.appendChild(pop);
    document.querySelectorAll("a.nref").forEach(function (marker) {
      marker.addEventListener("click", function (event) {
        var note = document.getElementById(marker.getAttribute("href").slice(1));
        if (!note) return;
        event.preventDefault();
        pop.replaceChildren(el("p", { "class": "note-pop-title" }, "Note " + marker.textContent));
        Array.prototype.forEach.call(note.children, function (child) {
          if (!child.classList.contains("back")) pop.appendChild(child.cloneNode(true));
        });
        var more = el("p", {});
        var link = el("a", { href: "#" + note.id }, "Go to the list of notes");
        more.appendChild(link);
        pop.appendChild(more);
        var box = marker.getBoundingClientRect();
        pop.style.position = "fixed";
        pop.style.margin = "0";
        pop.style.left = Math.max(8, Math.min(box.left, window.innerWidth - 360)) + "px";
        pop.style.top = Math.min(box.bottom + 6, window.innerHeight - 120) + "px";
        pop.showPopover();
        link.focus();
      });
    });
  }

  function showLine() {
    var gutter = document.querySelector(".src .ln");
    var m = /^#L(\d+)$/.exec(location.hash);
    if (!gutter || !m) return;
    var items = gutter.children, first = parseInt(gutter.getAttribute("start") || "1", 10);
    Array.prototype.forEach.call(items, function (li) { li.style.background = ""; });
    var li = items[parseInt(m[1], 10) - first];
    if (!li) return;
    li.style.background = "var(--hl)";
    li.scrollIntoView({ block: "center" });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupCite();
    setupNotes();
    showLine();
    window.addEventListener("hashchange", showLine);
  });
})();
