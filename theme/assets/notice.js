/* 一次性告知单 on staff matter pages: tick what the applicant lacks, choose the hall, print the sheet alone.
   Without this file the page still prints the full checklist (see partials/notice.md.j2). */
(function () {
  var HALL_KEY = "bk-notice-hall";
  function setup() {
    var notice = document.querySelector(".bk-notice");
    if (!notice) return;
    var root = document.documentElement;
    var boxes = notice.querySelectorAll(".bk-notice__item input[type=checkbox]");
    var count = notice.querySelector(".bk-notice__count");
    var choice = notice.querySelector(".bk-notice__hall-choice");
    var extraInput = notice.querySelector(".bk-notice__extra-input");
    var extra = notice.querySelector(".bk-notice__extra");
    var today = new Date();
    var date = notice.querySelector(".bk-notice__date");
    date.textContent = today.getFullYear() + "年" + (today.getMonth() + 1) + "月" + today.getDate() + "日";
    date.setAttribute("datetime", today.getFullYear() + "-" + ("0" + (today.getMonth() + 1)).slice(-2) + "-" + ("0" + today.getDate()).slice(-2));

    function update() {
      var picked = 0;
      notice.querySelectorAll(".bk-notice__group").forEach(function (group) {
        var n = group.querySelectorAll("input:checked").length;
        group.classList.toggle("bk-notice__group--none", n === 0);
        picked += n;
      });
      boxes.forEach(function (box) { box.closest(".bk-notice__item").classList.toggle("bk-notice__item--picked", box.checked); });
      notice.classList.toggle("bk-notice--picked", picked > 0);
      count.textContent = picked ? "已勾选 " + picked + " 项，只打印勾选的项目" : "未勾选：打印完整清单";
    }
    function showHall() {
      notice.querySelectorAll(".bk-notice__hall").forEach(function (h) { h.hidden = h.getAttribute("data-hall") !== choice.value; });
    }
    boxes.forEach(function (box) { box.addEventListener("change", update); });
    if (choice) {
      var saved = null;
      try { saved = localStorage.getItem(HALL_KEY); } catch (e) {}
      if (saved && choice.querySelector('option[value="' + saved + '"]')) choice.value = saved;
      choice.addEventListener("change", function () {
        try { localStorage.setItem(HALL_KEY, choice.value); } catch (e) {}
        showHall();
      });
      showHall();
    }
    var situation = notice.querySelector(".bk-notice__situation");
    if (situation) situation.addEventListener("change", function () {
      /* A situation's materials, as the build computed its case (data-materials): ticked, everything else not. */
      var option = situation.options[situation.selectedIndex];
      var wanted = (option.getAttribute("data-materials") || "").split(" ");
      boxes.forEach(function (box) { box.checked = situation.value !== "" && wanted.indexOf(box.value) >= 0; });
      update();
    });
    extraInput.addEventListener("input", function () {
      extra.textContent = "补充说明：" + extraInput.value.trim();
      extra.hidden = !extraInput.value.trim();
    });
    notice.querySelector(".bk-notice__clear").addEventListener("click", function () {
      boxes.forEach(function (box) { box.checked = false; });
      update();
    });
    notice.querySelector(".bk-notice__print").addEventListener("click", function () {
      root.classList.add("bk-notice-printing");
      window.print();
    });
    window.addEventListener("afterprint", function () { root.classList.remove("bk-notice-printing"); });
    notice.querySelector(".bk-notice__controls").hidden = false;
    notice.classList.add("bk-notice--js");
    update();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup); else setup();
})();
