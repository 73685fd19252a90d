/* Progressive enhancement only: every page works without this file. */
(function () {
  var root = document.documentElement;
  function setup() {
    var large = document.querySelector(".bk-large-toggle");
    if (large) {
      large.hidden = false;
      large.setAttribute("aria-pressed", root.classList.contains("bk-large") ? "true" : "false");
      large.addEventListener("click", function () {
        var on = root.classList.toggle("bk-large");
        large.setAttribute("aria-pressed", on ? "true" : "false");
        try { localStorage.setItem("bk-large", on ? "1" : "0"); } catch (e) {}
      });
    }
    var print = document.querySelector(".bk-print");
    if (print) {
      print.hidden = false;
      print.addEventListener("click", function () { window.print(); });
    }
    /* Steps: expanded without JS; printed expanded whatever the screen state. */
    window.addEventListener("beforeprint", function () {
      document.querySelectorAll(".bk-steps details, .bk-faq").forEach(function (d) { d.setAttribute("open", ""); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup); else setup();
})();
