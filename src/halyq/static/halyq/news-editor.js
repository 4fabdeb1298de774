/* The newsroom's text editor: a formatting toolbar over a plain textarea.
 *
 * The textarea holds HTML; each button wraps the selection in the tag it names. Nothing
 * here is trusted: the server sanitises the HTML with an allow-list when it is saved or
 * previewed. Without JavaScript the toolbar stays hidden and the textarea still works.
 * Keyboard: Ctrl/Cmd+B bold, Ctrl/Cmd+I italic; the toolbar's buttons are reachable with Tab.
 */
(function () {
  "use strict";

  function escapeAttribute(value) {
    return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }

  function replaceSelection(area, before, after, transform) {
    var start = area.selectionStart;
    var end = area.selectionEnd;
    var selected = area.value.slice(start, end);
    var inner = transform ? transform(selected) : selected;
    var text = before + inner + after;
    area.setRangeText(text, start, end, "end");
    if (!selected) {
      var caret = start + before.length;
      area.setSelectionRange(caret, caret);
    }
    area.focus();
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function toList(selected) {
    var lines = selected.split(/\n+/).map(function (line) { return line.trim(); })
      .filter(function (line) { return line.length > 0; });
    if (!lines.length) { lines = [""]; }
    return "\n" + lines.map(function (line) { return "  <li>" + line + "</li>"; }).join("\n") + "\n";
  }

  function act(button, area) {
    if (button.dataset.wrap) {
      replaceSelection(area, "<" + button.dataset.wrap + ">", "</" + button.dataset.wrap + ">");
    } else if (button.dataset.block) {
      replaceSelection(area, "<" + button.dataset.block + ">", "</" + button.dataset.block + ">\n");
    } else if (button.dataset.action === "list") {
      replaceSelection(area, "<ul>", "</ul>\n", toList);
    } else if (button.dataset.action === "link") {
      var address = window.prompt(button.dataset.prompt || "https://", "https://");
      if (!address) { area.focus(); return; }
      if (!/^(https?:\/\/|mailto:|\/)/i.test(address)) { address = "https://" + address; }
      replaceSelection(area, '<a href="' + escapeAttribute(address) + '">', "</a>");
    }
  }

  function setUp(toolbar) {
    var area = document.getElementById(toolbar.dataset.target);
    if (!area) { return; }
    toolbar.hidden = false;
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (button && toolbar.contains(button)) { act(button, area); }
    });
    area.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey)) { return; }
      var key = event.key.toLowerCase();
      if (key === "b" || key === "i") {
        event.preventDefault();
        replaceSelection(area, key === "b" ? "<strong>" : "<em>", key === "b" ? "</strong>" : "</em>");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".news-toolbar"), setUp);
  });
})();
