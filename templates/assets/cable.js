// Enhancements only: every page is complete without this file.
// 1. "Copy link" buttons beside paragraph numbers.
// 2. Note markers open the note in a popover instead of jumping to the list of notes.
(function () {
  "use strict";

  function absolute(link) {
    try {
      return new URL(link, window.location.href).href;
    } catch (e) {
      return link;
    }
  }

  function copy(button, text) {
    navigator.clipboard.writeText(text).then(function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1500);
    });
  }

  function setupCopy() {
    if (!navigator.clipboard) return;
    document.querySelectorAll("button.copy[data-link]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var anchor = button.closest(".para");
        copy(button, anchor ? absolute("#" + anchor.id) : absolute(button.dataset.link));
      });
    });
  }

  function setupCopyText() {
    if (!navigator.clipboard) return;
    document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
      var source = document.getElementById(button.dataset.copy);
      if (!source) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        copy(button, source.textContent.trim() + "\n");
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
    document.querySelectorAll("a.nref[data-note]").forEach(function (marker) {
      marker.addEventListener("click", function (event) {
        var note = document.getElementById(marker.dataset.note);
        if (!note) return;
        event.preventDefault();
        pop.replaceChildren();
        var heading = document.createElement("p");
        heading.className = "note-pop-title";
        heading.textContent = "Note " + marker.textContent;
        pop.appendChild(heading);
        Array.prototype.forEach.call(note.children, function (child) {
          if (!child.classList.contains("back")) pop.appendChild(child.cloneNode(true));
        });
        var more = document.createElement("p");
        var link = document.createElement("a");
        link.href = "#" + note.id;
        link.textContent = "Go to the list of notes";
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

  document.addEventListener("DOMContentLoaded", function () {
    setupCopy();
    setupCopyText();
    setupNotes();
  });
})();
