// Enhancements only: every page is complete without this file.
// 1. A choice of citation style, and one citation widget for every paragraph: its link, its citation, copy
//    buttons.
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

  var STYLE_KEY = "cite-style";

  // The page gives one style's citations; the others come from the cable's .cite.json, and a radio group
  // picks the style the section shows and the paragraph widget gives, kept for the next page.
  function fragment(html) {
    var out = document.createDocumentFragment();
    var body = new DOMParser().parseFromString("<body>" + html, "text/html").body;
    while (body.firstChild) out.append(body.firstChild);
    return out;
  }

  function styleSection(style) {
    var section = el("section", { "class": "cite-style", "data-style": style.key, "aria-label": style.name });
    if (style.in_text) section.setAttribute("data-in-text", "");
    var list = el("dl", {});
    section.append(el("h3", {}, style.name), list);
    [["whole", style.cite_label], ["para", style.cite_label + " of paragraph "], ["entry", style.entry_label]]
      .forEach(function (row) {
        var term = el("dt", {}, row[1]);
        if (row[0] === "para") term.append(el("var", {}, "N"));
        var value = el("dd", { "data-cite": row[0] });
        value.append(fragment(style[row[0]]));
        list.append(term, value);
      });
    return section;
  }

  function setupStyles(box) {
    var source = box.getAttribute("data-styles");
    if (!source || !window.fetch || !window.DOMParser) return;
    fetch(source).then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); }).then(function (got) {
      var shown = box.querySelector(".cite-style").getAttribute("data-style");
      got.styles.forEach(function (style) { if (style.key !== shown) box.append(styleSection(style)); });
      var styles = Array.prototype.slice.call(box.querySelectorAll(".cite-style"));
      var keys = styles.map(function (s) { return s.getAttribute("data-style"); });
      var group = el("fieldset", { "class": "cite-pick" });
      group.append(el("legend", {}, "Citation style"));
      function show(key) {
        styles.forEach(function (s) { s.hidden = s.getAttribute("data-style") !== key; });
        group.querySelectorAll("input").forEach(function (i) { i.checked = i.value === key; });
      }
      styles.forEach(function (s, k) {
        var input = el("input", { type: "radio", name: "cite-pick", id: "cite-pick-" + keys[k], value: keys[k] });
        input.addEventListener("change", function () {
          show(keys[k]);
          try { localStorage.setItem(STYLE_KEY, keys[k]); } catch (e) { /* no storage: the choice lasts the page */ }
        });
        group.append(input, " ", el("label", { "for": input.id }, s.getAttribute("aria-label")), " ");
      });
      var saved = null;
      try { saved = localStorage.getItem(STYLE_KEY); } catch (e) { saved = null; }
      box.prepend(group);
      show(keys.indexOf(saved) >= 0 ? saved : keys[0]);
    }).catch(function () { /* offline or opened as a file: the page's own citation stays */ });
  }

  // The paragraph's citation in the chosen style: the page's template with the number and address filled in.
  function paragraphCitation(box, label, url) {
    var template = box.querySelector(".cite-style:not([hidden]) [data-cite=para]");
    var out = el("p", { "class": "citation" });
    Array.prototype.forEach.call(template.childNodes, function (n) { out.append(n.cloneNode(true)); });
    out.querySelectorAll(".loc").forEach(function (n) { n.replaceWith(label); });
    out.querySelectorAll(".u").forEach(function (n) { n.replaceWith(url); });
    out.normalize();
    return out;
  }

  function setupCite() {
    var widget = document.getElementById("cite-widget");
    var box = document.getElementById("cite-styles");
    if (!widget || !box) return;
    setupStyles(box);
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
        var citation = paragraphCitation(box, label, url);
        var text = citation.textContent;
        event.preventDefault();
        opener = link;
        widget.replaceChildren();
        widget.append(el("p", { "class": "cite-title", id: "cite-widget-title" }, "Cite \u00b6" + label));
        widget.append(citation);
        // An in-text citation needs its entry in the list of works: the style's entry goes with it.
        var style = box.querySelector(".cite-style:not([hidden])");
        if (style.hasAttribute("data-in-text")) {
          var entry = el("p", { "class": "citation" }, style.querySelector("dt:last-of-type").textContent + ": ");
          Array.prototype.forEach.call(style.querySelector("[data-cite=entry]").childNodes, function (n) {
            entry.append(n.cloneNode(true));
          });
          widget.append(entry);
        }
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
