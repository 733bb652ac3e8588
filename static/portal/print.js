// Buttons marked data-action="print" print the page (no inline handler: the
// Content-Security-Policy allows no inline script).
document.querySelectorAll("[data-action=print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
