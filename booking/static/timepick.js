// Choosing a start and a length on the time axis (the room week, the center
// day). Progressive enhancement only: without this file every free gap is a
// plain link to the request form with the gap's start and end.
//
// Each free gap (a.tl-pick) carries its minutes (data-from, data-to: minutes
// after midnight), the room's shortest and longest booking (data-min,
// data-max) and the step a choice moves by (data-step). A choice stays inside
// the gap and within those lengths; the link's address follows it, so Enter
// or a click opens the form with the chosen start and end.
//
// Mouse and touch: drag across a gap (pointer events); a plain click or tap
// takes the pointed start and an hour (or the room's minimum). Keyboard: the
// arrows move the start by one step, Shift with the arrows changes the length.
// The live region says each choice in words ("Salı 14:00–16:00 seçildi").
(function () {
  "use strict";
  var live = null;
  var dragging = null;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(minutes) { return pad(Math.floor(minutes / 60)) + ":" + pad(minutes % 60); }

  function limits(link) {
    var d = link.dataset;
    return { from: +d.from, to: +d.to, min: +d.min, max: +d.max, step: +d.step || 15 };
  }

  function defaultLength(g) { return Math.min(Math.max(60, g.min), g.max, g.to - g.from); }

  // Keep a choice inside its gap, no shorter than the minimum, no longer than the maximum.
  function fit(g, start, end, keep) {
    start = Math.max(g.from, Math.min(start, g.to - g.min));
    if (keep === "start") {
      end = Math.min(g.to, Math.max(end, start + g.min), start + g.max);
    } else {
      end = Math.min(g.to, end);
      start = Math.max(start, end - g.max, g.from);
      if (end - start < g.min) { end = Math.min(g.to, start + g.min); }
    }
    return { start: start, end: end };
  }

  function overlay(link, choice) {
    var track = link.closest(".tl-track");
    if (!track) { return; }
    var block = link.parentElement;
    var g = limits(link);
    var mark = block.querySelector(".tl-selection");
    if (!mark) {
      mark = document.createElement("span");
      mark.className = "tl-selection";
      mark.setAttribute("aria-hidden", "true");
      block.appendChild(mark);
    }
    // Styles set from script are allowed by the page's CSP; style attributes are not.
    mark.style.top = ((choice.start - g.from) / (g.to - g.from) * 100) + "%";
    mark.style.height = ((choice.end - choice.start) / (g.to - g.from) * 100) + "%";
    block.classList.add("tl-picking");
  }

  function choose(link, choice, announce) {
    link.tlChoice = choice;
    var url = new URL(link.href, document.baseURI);
    url.searchParams.set("start_time", clock(choice.start));
    url.searchParams.set("end_time", clock(Math.min(choice.end, 23 * 60 + 59)));
    link.href = url.pathname + url.search;
    overlay(link, choice);
    if (announce && live) {
      live.textContent = live.getAttribute("data-pattern")
        .replace("{when}", link.dataset.when)
        .replace("{start}", clock(choice.start))
        .replace("{end}", clock(choice.end));
    }
  }

  function current(link) {
    var g = limits(link);
    return link.tlChoice || fit(g, g.from, g.from + defaultLength(g), "start");
  }

  function onKey(event) {
    var link = event.target.closest && event.target.closest("a.tl-pick");
    if (!link || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) { return; }
    event.preventDefault();
    var g = limits(link);
    var c = current(link);
    var down = event.key === "ArrowDown";
    if (event.shiftKey) {
      var end = down ? Math.floor(c.end / g.step) * g.step + g.step
        : Math.ceil(c.end / g.step) * g.step - g.step;
      end = Math.max(c.start + g.min, Math.min(end, g.to, c.start + g.max));
      choose(link, { start: c.start, end: end }, true);
      return;
    }
    var length = c.end - c.start;
    var start = down ? Math.floor(c.start / g.step) * g.step + g.step
      : Math.ceil(c.start / g.step) * g.step - g.step;
    start = Math.max(g.from, Math.min(start, g.to - length));
    choose(link, { start: start, end: start + length }, true);
  }

  function minuteAt(link, y, round) {
    var g = limits(link);
    var box = link.parentElement.getBoundingClientRect();
    var minute = g.from + (y - box.top) / box.height * (g.to - g.from);
    var snapped = (round ? Math.round(minute / g.step) : Math.floor(minute / g.step)) * g.step;
    return Math.max(g.from, Math.min(g.to, snapped));
  }

  function onDown(event) {
    var link = event.target.closest && event.target.closest(".tl-track a.tl-pick");
    if (!link || event.button !== 0) { return; }
    event.preventDefault();  // no text selection while dragging; the focus is given below
    dragging = { link: link, anchor: minuteAt(link, event.clientY, false), moved: false };
    link.focus({ preventScroll: true });
    link.setPointerCapture(event.pointerId);
  }

  function onMove(event) {
    if (!dragging) { return; }
    var g = limits(dragging.link);
    var at = minuteAt(dragging.link, event.clientY, true);
    if (Math.abs(at - dragging.anchor) < g.step && !dragging.moved) { return; }
    dragging.moved = true;
    var choice = at >= dragging.anchor
      ? fit(g, dragging.anchor, Math.max(at, dragging.anchor + g.step), "start")
      : fit(g, at, dragging.anchor, "end");
    choose(dragging.link, choice, false);
  }

  function onUp() {
    if (!dragging) { return; }
    var link = dragging.link;
    var g = limits(link);
    var choice = dragging.moved ? current(link)
      : fit(g, dragging.anchor, dragging.anchor + defaultLength(g), "start");
    dragging = null;
    choose(link, choice, true);  // the click that follows opens the form with it
  }

  function onFocus(event) {
    var link = event.target.closest && event.target.closest("a.tl-pick");
    if (link && !dragging) { choose(link, current(link), true); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    live = document.getElementById("tl-live");
    var hint = document.getElementById("tl-hint");
    if (!live || !hint) { return; }
    hint.hidden = false;
    document.querySelectorAll("a.tl-pick").forEach(function (link) {
      link.setAttribute("aria-describedby", "tl-hint");
    });
    document.addEventListener("keydown", onKey);
    document.addEventListener("focusin", onFocus);
    document.addEventListener("pointerdown", onDown);
    document.addEventListener("pointermove", onMove);
    document.addEventListener("pointerup", onUp);
    document.addEventListener("pointercancel", function () { dragging = null; });
  });
}());
