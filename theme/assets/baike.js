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
    /* Phone/tablet menu: Material's ☰ is a <label>, which Tab skips and which may not carry a button role. Put a real
       <button> in its place (same look and icon) that opens the drawer, says whether it is open and closes it
       with Escape. The closed drawer is hidden from Tab in baike.css, so focus never lands on links off screen. */
    var drawer = document.getElementById("__drawer");
    var burger = document.querySelector('label.md-header__button[for="__drawer"]');
    if (drawer && burger) {
      var menu = document.createElement("button");
      menu.type = "button";
      menu.className = burger.className + " bk-menu";
      menu.setAttribute("aria-label", "导航菜单");
      menu.innerHTML = burger.innerHTML;
      burger.replaceWith(menu);
      var sync = function () { menu.setAttribute("aria-expanded", drawer.checked ? "true" : "false"); };
      sync();
      drawer.addEventListener("change", sync);
      menu.addEventListener("click", function () { drawer.click(); });
      document.addEventListener("keydown", function (e) {
        if (e.key === "Escape" && drawer.checked) { drawer.click(); menu.focus(); }
      });
    }
    /* Steps: expanded without JS; printed expanded whatever the screen state. */
    window.addEventListener("beforeprint", function () {
      document.querySelectorAll(".bk-steps details, .bk-faq").forEach(function (d) { d.setAttribute("open", ""); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup); else setup();
})();
