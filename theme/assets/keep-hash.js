/* Short-code redirect: go at once, keeping any #anchor of the printed link (meta refresh would drop it). */
(function () {
  var s = document.currentScript;
  location.replace(s.dataset.target + (location.hash || s.dataset.anchor || ""));
})();
