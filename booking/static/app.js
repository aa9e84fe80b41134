// Progressive enhancement only: every page works without this file.

// Text compared by Turkish case rules (İ/i, I/ı): the one folding of the list
// filters here and of the room picker (roompicker.js, loaded after this file).
window.bookingFold = function (text) { return (text || "").toLocaleLowerCase("tr"); };

document.addEventListener("click", function (event) {
  var copy = event.target.closest("[data-copy]");
  if (copy) {
    var input = document.getElementById(copy.getAttribute("data-copy"));
    var status = copy.parentElement.querySelector(".copy-status");
    input.select();
    var done = function () { if (status) { status.textContent = status.getAttribute("data-copied"); } };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
    return;
  }
  // A link of the error summary: focus its field with the field's label in view.
  var fix = event.target.closest(".alert-error a[href^='#']");
  var field = fix ? document.getElementById(decodeURIComponent(fix.hash.slice(1))) : null;
  if (field) {
    event.preventDefault();
    (field.closest(".field") || field.closest("td, li") || field).scrollIntoView();
    field.focus({ preventScroll: true });
    return;
  }
  var confirmButton = event.target.closest("[data-confirm]");
  if (confirmButton && !window.confirm(confirmButton.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});

// Show the recurrence details only when a repetition is chosen.
document.addEventListener("DOMContentLoaded", function () {
  var freq = document.getElementById("freq");
  var details = document.getElementById("recurrence-details");
  if (!freq || !details) { return; }
  var sync = function () { details.hidden = !freq.value; };
  freq.addEventListener("change", sync);
  sync();
});

// Long lists (the organisation pickers): a search box above the list keeps
// only the options containing every word typed, compared by Turkish case
// rules; the chosen option always stays, so nothing is swapped silently.
document.addEventListener("DOMContentLoaded", function () {
  var fold = window.bookingFold;
  document.querySelectorAll("select[data-filter]").forEach(function (select) {
    var options = Array.prototype.slice.call(select.options);
    var input = document.createElement("input");
    input.type = "search";
    input.id = select.id + "-filter";
    input.autocomplete = "off";
    input.setAttribute("aria-controls", select.id);
    var label = document.createElement("label");
    label.htmlFor = input.id;
    label.textContent = select.getAttribute("data-filter");
    var status = document.createElement("p");
    status.className = "hint";
    status.id = select.id + "-filter-status";
    status.setAttribute("aria-live", "polite");
    input.setAttribute("aria-describedby", status.id);
    var box = document.createElement("div");
    box.className = "select-filter";
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(status);
    select.parentNode.insertBefore(box, select);
    input.addEventListener("input", function () {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var chosen = select.value;
      var shown = 0;
      while (select.options.length) { select.remove(0); }
      options.forEach(function (option) {
        var text = fold(option.textContent);
        var found = words.every(function (word) { return text.indexOf(word) !== -1; });
        if (found || option.value === chosen) {
          select.add(option);
          if (found) { shown += 1; }
        }
      });
      select.value = chosen;
      status.textContent = words.length ? select.getAttribute("data-filter-status")
        .replace("{shown}", shown).replace("{total}", options.length) : "";
    });
  });
});

// After a form is sent the next page opens with the focus where the user's
// attention belongs, so the keyboard continues from there and a screen reader
// reads it out (a message present at load is not announced by itself):
// the error summary above a form; else, when the address points into the page
// (/staff/attendance#booking-12), that element, described by the messages;
// else the first message. Pages without a message keep the usual start.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".alert-error[role=alert]");
  var flashes = document.querySelectorAll(".flash");
  var target = summary;
  if (!target && flashes.length) {
    var id = window.location.hash.slice(1);
    var pointed = id ? document.getElementById(decodeURIComponent(id)) : null;
    if (pointed) {
      var ids = [];
      flashes.forEach(function (flash, index) {
        flash.id = flash.id || "flash-" + index;
        ids.push(flash.id);
      });
      var described = pointed.getAttribute("aria-describedby");
      pointed.setAttribute("aria-describedby", (described ? described + " " : "") + ids.join(" "));
      target = pointed;
    } else {
      target = flashes[0];
    }
  }
  if (!target) { return; }
  if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
  target.classList.add("focus-target");
  target.focus();
});
