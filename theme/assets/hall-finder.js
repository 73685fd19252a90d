/* 按街道找大厅: for a matter taken only at the street hall of one's hukou or residence, narrow the hall list to
   one street. Without JavaScript the list shows every hall, each named by its street. */
(function () {
  function setup() {
    var select = document.querySelector("[data-bk-finder]");
    if (!select) return;
    var halls = document.querySelectorAll(".bk-halls > li");
    var status = document.querySelector("[data-bk-finder-count]");
    select.parentNode.hidden = false;
    select.addEventListener("change", function () {
      var shown = 0;
      Array.prototype.forEach.call(halls, function (li) {
        li.hidden = select.value !== "" && li.getAttribute("data-street") !== select.value;
        if (!li.hidden) shown += 1;
      });
      status.textContent = select.value ? "找到 " + shown + " 个大厅" : "";
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
