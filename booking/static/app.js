// Progressive enhancement only: every page works without this file.
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
