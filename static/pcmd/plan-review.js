// Review screen of an imported plan: focusing or hovering an extracted item highlights the lines of the
// original document it came from (items carry data-lines="start-end"; document lines are <li id="L12">).
// On an item form, the "Từ dòng / Đến dòng" inputs drive the same highlight.
(function () {
  "use strict";

  function docPanel() { return document.getElementById("plan-doc"); }

  function clear() {
    document.querySelectorAll(".plan-doc li.is-source").forEach(function (li) { li.classList.remove("is-source"); });
  }

  function highlight(start, end, scroll) {
    clear();
    start = parseInt(start, 10);
    end = parseInt(end, 10) || start;
    if (!start) { return; }
    var first = null;
    for (var n = start; n <= end && n < start + 400; n++) {
      var li = document.getElementById("L" + n);
      if (li) { li.classList.add("is-source"); first = first || li; }
    }
    var panel = docPanel();
    // Scroll only the document panel, and only when it scrolls on its own (side by side, not stacked on a phone).
    if (scroll && first && panel && panel.scrollHeight > panel.clientHeight + 4 &&
        getComputedStyle(panel).overflowY !== "visible") {
      panel.scrollTop = first.offsetTop - panel.offsetTop - 40;
    }
  }

  function fromItem(item, scroll) {
    var range = (item.getAttribute("data-lines") || "").split("-");
    highlight(range[0], range[1], scroll);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".plan-item").forEach(function (item) {
      item.addEventListener("mouseenter", function () { fromItem(item, true); });
      item.addEventListener("focusin", function () { fromItem(item, true); });
      item.addEventListener("click", function () { fromItem(item, true); });
    });
    var startInput = document.getElementById("id_line_start");
    var endInput = document.getElementById("id_line_end");
    if (startInput && endInput) {
      var update = function () { highlight(startInput.value, endInput.value, true); };
      startInput.addEventListener("input", update);
      endInput.addEventListener("input", update);
      update();
    }
  });
})();
