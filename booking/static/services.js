// The booking form's services (progressive enhancement: without this file
// every bookable center's catalogue shows, grouped by center, and the service
// refuses another center's item with a clear error). Once a room is chosen,
// only its center's catalogue shows; the others are hidden and their inputs
// disabled, so they are not sent. With no room chosen, all show.
(function () {
  "use strict";

  var part = document.querySelector(".booking-services");
  var select = document.getElementById("room_id");
  if (!part || !select) { return; }
  var groups = Array.prototype.slice.call(part.querySelectorAll(".service-center"));

  function show() {
    var option = select.options[select.selectedIndex];
    var parent = option && option.value ? option.parentNode : null;
    var center = parent && parent.tagName === "OPTGROUP" ? parent.label : null;
    groups.forEach(function (group) {
      var on = center === null || group.getAttribute("data-center-name") === center;
      group.hidden = !on;
      Array.prototype.forEach.call(group.querySelectorAll("input"), function (input) {
        input.disabled = !on;
      });
    });
  }

  select.addEventListener("change", show);
  show();
}());
