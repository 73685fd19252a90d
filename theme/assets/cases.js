/* 你的情况: the questions of a matter with 办理情形. The build computed every case (build_tools/situations.py) and
   put them in the page: this script builds the key of the answers given, exactly as situations.key does, and
   looks the case up; it decides nothing else. Without it the page shows every case, each item labelled. */
(function (root, factory) {
  var api = factory();
  if (typeof module === "object" && module.exports) module.exports = api; else root.BkCases = api;
})(this, function () {
  "use strict";

  /* `when` holds when every question it names was answered with one of its options (situations.matches). */
  function matches(when, answers) {
    if (!when) return true;
    return Object.keys(when).every(function (q) {
      var chosen = answers[q] || [];
      return when[q].some(function (o) { return chosen.indexOf(o) >= 0; });
    });
  }

  /* The answers that count: each question asked (its ask_if met by the answers before it), with the options chosen
     in option order; `picked(question id)` says which options are ticked. */
  function answersOf(table, picked) {
    var answers = {}, asked = [];
    table.questions.forEach(function (q) {
      if (!matches(q.ask_if, answers)) return;
      asked.push(q.id);
      var chosen = picked(q.id);
      var ordered = q.options.filter(function (o) { return chosen.indexOf(o) >= 0; });
      if (!q.multiple) ordered = ordered.slice(0, 1);
      if (ordered.length) answers[q.id] = ordered;
    });
    return { answers: answers, asked: asked, complete: asked.every(function (q) { return answers[q]; }) };
  }

  function key(table, answers) {
    return table.questions.filter(function (q) { return answers[q.id]; })
      .map(function (q) { return q.id + "=" + answers[q.id].join("+"); }).join(";");
  }

  function parseKey(text) {
    var answers = {};
    (text || "").split(";").forEach(function (part) {
      var pair = part.split("=");
      if (pair.length === 2 && pair[0]) answers[pair[0]] = pair[1].split("+");
    });
    return answers;
  }

  /* The case of complete answers: [box, show] indices into the table, or null. */
  function lookup(table, answers) {
    return table.cases[key(table, answers)] || null;
  }

  return { matches: matches, answersOf: answersOf, key: key, parseKey: parseKey, lookup: lookup };
});

(function () {
  "use strict";
  if (typeof document === "undefined") return;
  var cases = window.BkCases;

  function setup() {
    var data = document.getElementById("bk-case-table");
    var form = document.getElementById("bk-case-form");
    if (!data || !form) return;
    var table = JSON.parse(data.textContent);
    var box = document.getElementById("bk-box");
    var status = document.getElementById("bk-case-status");
    var everyone = Array.prototype.map.call(box.children, function (row) { return row.cloneNode(true); });
    var varying = document.querySelectorAll("[data-case]");
    var steps = document.querySelectorAll(".bk-steps > .bk-step");
    var numbers = Array.prototype.map.call(steps, function (li) { return li.querySelector(".bk-step__num").textContent; });
    form.hidden = false;

    function picked(q) {
      return Array.prototype.filter.call(form.elements[q] instanceof RadioNodeList ? form.elements[q] : [form.elements[q]],
        function (input) { return input && input.checked; }).map(function (input) { return input.value; });
    }

    function setBox(rows) {
      box.replaceChildren.apply(box, rows);
    }

    function number(li, n) {
      li.querySelector(".bk-step__num").textContent = n;
      var said = li.querySelector(".bk-step__title .bk-sr");
      if (said && !li.classList.contains("bk-step--joined")) said.textContent = "第 " + n + " 步：";
    }

    function showAll() {
      setBox(everyone.map(function (row) { return row.cloneNode(true); }));
      Array.prototype.forEach.call(varying, function (el) { el.hidden = false; });
      Array.prototype.forEach.call(document.querySelectorAll(".bk-exempt"), function (list) { list.hidden = false; });
      Array.prototype.forEach.call(steps, function (li, i) { li.hidden = false; number(li, numbers[i]); });
    }

    function showCase(found) {
      var rows = table.boxes[found[0]].map(function (r) {
        return document.getElementById("bk-row-" + r).content.firstElementChild.cloneNode(true);
      });
      setBox(rows);
      var show = table.shows[found[1]];
      Array.prototype.forEach.call(varying, function (el) { el.hidden = show.items.charAt(+el.getAttribute("data-case")) !== "1"; });
      Array.prototype.forEach.call(document.querySelectorAll(".bk-exempt"), function (list) {
        list.hidden = !list.querySelector("span[id]:not([hidden])");
      });
      var nums = show.numbers.split(",");
      Array.prototype.forEach.call(steps, function (li, i) {
        if (nums[i] === "") { li.hidden = true; return; }
        li.hidden = false;
        number(li, nums[i]);
      });
    }

    function address(answers) {
      var query = Object.keys(answers).map(function (q) { return encodeURIComponent(q) + "=" + answers[q].map(encodeURIComponent).join(","); }).join("&");
      history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    }

    function update(announce) {
      var given = cases.answersOf(table, picked);
      Array.prototype.forEach.call(form.querySelectorAll("[data-question]"), function (fieldset) {
        fieldset.hidden = given.asked.indexOf(fieldset.getAttribute("data-question")) < 0;
      });
      address(given.answers);
      var found = given.complete ? cases.lookup(table, given.answers) : null;
      if (!found) {
        showAll();
        var left = given.asked.filter(function (q) { return !given.answers[q]; }).length;
        status.textContent = Object.keys(given.answers).length ? "还有 " + left + " 个问题没有回答；现在显示的是全部情形。" : "";
        return;
      }
      showCase(found);
      if (announce) {
        var bring = box.querySelectorAll("dd")[1];
        status.textContent = "已按你的情况列出。" + (bring ? "带什么：" + bring.textContent : "");
      }
    }

    function choose(answers) {
      Array.prototype.forEach.call(form.querySelectorAll("input"), function (input) {
        input.checked = (answers[input.name] || []).indexOf(input.value) >= 0;
      });
      update(true);
    }

    form.addEventListener("change", function () { update(true); });
    document.getElementById("bk-case-all").addEventListener("click", function () { choose({}); });
    Array.prototype.forEach.call(document.querySelectorAll("[data-situation]"), function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        choose(cases.parseKey(table.situations[link.getAttribute("data-situation")]));
        form.scrollIntoView({ block: "start" });
      });
    });

    var params = new URLSearchParams(location.search);
    var named = params.get("s");
    if (named && table.situations[named]) {
      choose(cases.parseKey(table.situations[named]));
    } else {
      var answers = {};
      table.questions.forEach(function (q) { if (params.get(q.id)) answers[q.id] = params.get(q.id).split(","); });
      choose(answers);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup); else setup();
})();
