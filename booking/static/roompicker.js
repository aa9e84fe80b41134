// The room picker of the booking form (progressive enhancement: without this
// file the select, grouped by center, works alone and stays the form's field).
// A search box above the select keeps the rooms whose option text or center
// contains every word typed, compared by Turkish case rules (İ/i, I/ı), and an
// aria-live line says how many match. In the box, the arrow keys move the
// choice among the matching rooms and Enter picks one (the first match when
// none is chosen) without sending the form. The option chosen always stays in
// the list, so nothing is swapped silently.
(function () {
  "use strict";

  var fold = window.bookingFold;  // app.js, loaded first by every page

  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  function setUp(select) {
    var blank = select.querySelector("option[value='']");
    var groups = Array.prototype.map.call(select.querySelectorAll("optgroup"), function (group) {
      return {
        element: group,
        options: Array.prototype.map.call(group.querySelectorAll("option"), function (option) {
          return { element: option, text: fold(group.label + " " + option.textContent) };
        })
      };
    });
    var input = document.createElement("input");
    input.type = "search";
    input.id = select.id + "-search";
    input.autocomplete = "off";
    input.setAttribute("aria-controls", select.id);
    var label = document.createElement("label");
    label.htmlFor = input.id;
    label.textContent = select.getAttribute("data-room-picker");
    var hint = document.createElement("p");
    hint.className = "hint";
    hint.id = input.id + "-hint";
    hint.textContent = select.getAttribute("data-picker-hint");
    var status = document.createElement("p");
    status.className = "hint room-picker-status";
    status.id = input.id + "-status";
    status.setAttribute("aria-live", "polite");
    input.setAttribute("aria-describedby", hint.id + " " + status.id);
    var box = document.createElement("div");
    box.className = "room-picker";
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(hint);
    box.appendChild(status);
    select.parentNode.insertBefore(box, select);

    var matches = [];

    function filter() {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var chosen = select.value;
      matches = [];
      while (select.firstChild) { select.removeChild(select.firstChild); }
      if (blank) { select.appendChild(blank); }
      groups.forEach(function (group) {
        while (group.element.firstChild) { group.element.removeChild(group.element.firstChild); }
        group.options.forEach(function (item) {
          var found = words.every(function (word) { return item.text.indexOf(word) !== -1; });
          if (found || item.element.value === chosen) { group.element.appendChild(item.element); }
          if (found) { matches.push(item.element); }
        });
        if (group.element.firstChild) { select.appendChild(group.element); }
      });
      select.value = chosen;
      if (!words.length) { status.textContent = ""; return; }
      var count = matches.length;
      status.textContent = count === 0 ? select.getAttribute("data-picker-none")
        : count === 1 ? select.getAttribute("data-picker-one")
          : say(select.getAttribute("data-picker-many"), { shown: count });
    }

    function pick(option) {
      select.value = option.value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      status.textContent = say(select.getAttribute("data-picker-picked"),
        { room: option.parentNode.label + " — " + option.textContent });
    }

    function step(by) {
      if (!matches.length) { return; }
      var at = matches.indexOf(select.options[select.selectedIndex]);
      var next = at === -1 ? (by > 0 ? 0 : matches.length - 1)
        : Math.min(Math.max(at + by, 0), matches.length - 1);
      pick(matches[next]);
    }

    input.addEventListener("input", filter);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        step(event.key === "ArrowDown" ? 1 : -1);
      } else if (event.key === "Enter") {
        // Enter picks a room here; the form is sent by its own button.
        event.preventDefault();
        var current = select.options[select.selectedIndex];
        if (current && current.value && matches.indexOf(current) !== -1) {
          pick(current);
        } else if (matches.length) {
          pick(matches[0]);
        }
      }
    });
    matches = groups.reduce(function (all, group) {
      return all.concat(group.options.map(function (item) { return item.element; }));
    }, []);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-room-picker]").forEach(setUp);
  });
})();
