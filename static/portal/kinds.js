// Choose-from-a-list answers and today's autosave (static/portal/autosave.js), which
// saves one value per [data-field] control: the ticked options are kept in one hidden
// control (data-field="chosen", the codes joined by commas) that autosave sends like
// any text. A tick adds its code and an untick removes only its own, so options ticked
// on another laptop and merged in by the server are never dropped; the boxes follow
// the hidden value (after a merge, or a copy offered back from this browser).
(function () {
  "use strict";
  if (window.portalChoiceLists) return;  // included once per list question
  window.portalChoiceLists = true;

  function codes(hidden) {
    return hidden.value ? hidden.value.split(",").filter(Boolean) : [];
  }

  function bind(list) {
    var hidden = list.querySelector("[data-role=chosen-list]");
    if (!hidden) return;
    var boxes = Array.prototype.slice.call(list.querySelectorAll("[data-role=choice]"));
    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        var now = codes(hidden);
        if (box.type === "radio") now = box.checked ? [box.value] : now;
        else if (box.checked && now.indexOf(box.value) < 0) now.push(box.value);
        else if (!box.checked) now = now.filter(function (code) { return code !== box.value; });
        hidden.value = now.join(",");
        hidden.dispatchEvent(new Event("input", { bubbles: true }));
      });
    });
    setInterval(function () {
      var now = codes(hidden);
      boxes.forEach(function (box) { box.checked = now.indexOf(box.value) >= 0; });
    }, 400);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-kind=choice]"), bind);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
