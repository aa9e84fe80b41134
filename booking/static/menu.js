// The phone menu. Loaded in <head> without defer: it marks the page at once
// (class "menu-js" on <html>), so on a narrow screen the menu starts folded
// behind its "Menü" button instead of flashing open. Without this file the
// button stays hidden and the menu shows stacked (app.css). The button is a
// real <button aria-expanded aria-controls>; Escape closes the open menu and
// returns the focus to the button. Wide screens never see the button.
(function () {
  "use strict";
  document.documentElement.classList.add("menu-js");

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("button.menu-toggle[aria-controls]");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) { return; }
    var isOpen = function () { return button.getAttribute("aria-expanded") === "true"; };
    var shown = function () { return window.getComputedStyle(button).display !== "none"; };
    var set = function (open) { button.setAttribute("aria-expanded", open ? "true" : "false"); };
    button.addEventListener("click", function () { set(!isOpen()); });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || !isOpen() || !shown()) { return; }
      var inside = menu.contains(document.activeElement) || document.activeElement === button;
      set(false);
      if (inside || document.activeElement === document.body) { button.focus(); }
    });
  });
})();
