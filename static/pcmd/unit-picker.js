// The unit and agency search boxes (core.pickers.UnitSearchInput, AgencySearchInput): the server renders a text input holding the unit's code,
// which works without JavaScript. Here the code input is hidden and a box searches by name instead, with the
// suggestions of /don-vi/goi-y/ (only units the user's pickers may offer). No inline script (CSP).
(function () {
  "use strict";

  function setup(input) {
    if (input.dataset.unitPickerReady) { return; }
    input.dataset.unitPickerReady = "1";
    var wrapper = input.closest(".unit-picker");
    var nameLine = wrapper.querySelector("[data-unit-picker-name]");
    var box = document.createElement("input");
    box.type = "search";
    box.className = input.className.replace("is-invalid", "").trim() + (input.classList.contains("is-invalid") ? " is-invalid" : "");
    box.id = input.id;
    input.id = input.id + "_ma";
    box.placeholder = input.dataset.placeholder || "Gõ tên xã, phường, tỉnh…";
    box.autocomplete = "off";
    box.setAttribute("role", "combobox");
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-expanded", "false");
    box.disabled = input.disabled;
    box.required = input.required;
    box.value = input.dataset.label || input.value;
    var list = document.createElement("div");
    list.className = "list-group unit-picker-list shadow-sm";
    list.id = box.id + "_goi_y";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    box.setAttribute("aria-controls", list.id);
    input.type = "hidden";
    input.required = false;
    input.after(box, list);

    var timer = null;
    var active = -1;
    var lastQuery = "";
    var controller = null;

    function items() { return list.querySelectorAll("[data-code]"); }

    function close() { list.hidden = true; box.setAttribute("aria-expanded", "false"); active = -1; }

    function highlight(index) {
      var all = items();
      if (!all.length) { return; }
      active = (index + all.length) % all.length;
      all.forEach(function (el, i) { el.classList.toggle("active", i === active); el.setAttribute("aria-selected", i === active ? "true" : "false"); });
      all[active].scrollIntoView({ block: "nearest" });
    }

    function choose(el) {
      input.value = el.dataset.code;
      box.value = el.dataset.label;
      if (nameLine) { nameLine.textContent = input.dataset.empty ? el.dataset.label : el.dataset.label + " (mã " + el.dataset.code + ")"; }
      box.classList.remove("is-invalid");
      close();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function message(text) {
      list.replaceChildren();
      var el = document.createElement("div");
      el.className = "list-group-item small text-muted";
      el.textContent = text;
      list.append(el);
      list.hidden = false;
    }

    function show(data) {
      list.replaceChildren();
      if (!data.results.length) { message(input.dataset.empty || "Không có đơn vị nào phù hợp trong phạm vi của bạn."); return; }
      data.results.forEach(function (unit) {
        var el = document.createElement("button");
        el.type = "button";
        el.className = "list-group-item list-group-item-action";
        el.setAttribute("role", "option");
        el.dataset.code = unit.code;
        el.dataset.label = unit.label;
        el.textContent = unit.label;
        list.append(el);
      });
      if (data.more) {
        var more = document.createElement("div");
        more.className = "list-group-item small text-muted";
        more.textContent = "Còn nữa: gõ thêm để thu hẹp.";
        list.append(more);
      }
      list.hidden = false;
      box.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function fetchSuggestions() {
      var query = box.value.trim();
      if (query === lastQuery) { return; }
      lastQuery = query;
      if (query.length < 2) { close(); return; }
      if (controller) { controller.abort(); }
      controller = new AbortController();
      var url = input.dataset.unitPicker + "&q=" + encodeURIComponent(query);
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin", signal: controller.signal })
        .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
        .then(show)
        .catch(function (error) { if (error.name !== "AbortError") { message("Không tải được gợi ý; hãy thử lại."); } });
    }

    box.addEventListener("input", function () {
      // What is typed but not chosen is posted as is: the server then says the unit was not found.
      input.value = box.value.trim();
      if (nameLine) { nameLine.textContent = ""; }
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 250);
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); if (list.hidden) { lastQuery = ""; fetchSuggestions(); } else { highlight(active + 1); } }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter" && !list.hidden) {
        var all = items();
        if (all.length) { event.preventDefault(); choose(all[active >= 0 ? active : 0]); }
      } else if (event.key === "Escape") { close(); }
    });
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep the focus in the box
    list.addEventListener("click", function (event) {
      var el = event.target.closest("[data-code]");
      if (el) { choose(el); box.focus(); }
    });
    box.addEventListener("blur", function () { setTimeout(close, 150); });
    // The box itself has no name: only a chosen suggestion (the "change" dispatched on the code input) tells a
    // filter form that refreshes on change (htmx) to reload; half-typed text waits for the "Lọc" button.
    box.addEventListener("change", function (event) { event.stopPropagation(); });
  }

  function setupAll(root) {
    (root || document).querySelectorAll("input[data-unit-picker]").forEach(setup);
  }

  document.addEventListener("DOMContentLoaded", function () { setupAll(document); });
  document.addEventListener("htmx:load", function (event) { setupAll(event.detail.elt); });
})();
