/* Citizen search page: a small form over the compact index build_tools/search/compact.py writes from the model
 * (the budget is 150 KB for the first query at 5,000 matters).
 *
 * Nothing is downloaded until the citizen types or submits a search. The query is then treated the way the
 * build treated the pages (build_tools/search/citizen.py writes search/lexicon.json for this):
 *  - folded: full-width → half-width, lower case, traditional → simplified;
 *  - stop words dropped (请问、怎么、需要 …), so a question finds the same pages as its keywords;
 *  - cut into the two-character words the index knows (a Bloom filter of them), because the browser's own word
 *    breaker splits 注销 into 注 / 销 and the index holds character pairs;
 *  - every word looked up on its own and the results merged (pages matching more words first), so one word that
 *    is mistyped or missing from a page does not empty the list; synonyms are added when few pages match.
 * A word's pages and scores are in one small key file (k/<FNV-1a hash mod buckets>.json), a result's title and
 * summary in d/<page / docs>.json (a few results a file), a filter value's pages in f/<filter>/<n>.json: each
 * fetched once, when needed.
 */
(function () {
  "use strict";
  var form = document.getElementById("bk-search");
  if (!form) return;
  var input = form.elements.q;
  var status = document.getElementById("bk-status");
  var list = document.getElementById("bk-results");
  var more = document.getElementById("bk-more");
  var FILTERS = ["department", "hall", "audience"];
  var PAGE = 5;
  var HAN = /[\u3400-\u9fff]/;
  var engine = null;
  var ranked = [];
  var index = null;
  var shownUrls = {};
  var generation = 0;
  /* Score share kept when a two-character word is not in the index and its first character stands in for it. */
  var FALLBACK = 0.5;

  function absolute(path) { return new URL(path, location.href); }

  /* The lexicon says where this build's index is; it is revalidated so that a new build is never mixed with an old
   * one (the index lives in a folder named after its contents). */
  function load() {
    if (!engine) {
      var url = absolute(form.dataset.lexicon);
      engine = fetch(url.href, { cache: "no-cache" }).then(function (r) {
        if (!r.ok) throw new Error("lexicon " + r.status);
        return r.json();
      }).then(function (raw) {
        return { lexicon: prepare(raw), index: { base: new URL(raw.index.path, url), buckets: raw.index.buckets,
                                                 filters: raw.index.filters, docs: raw.index.docs, files: {} } };
      });
      engine.catch(function () { engine = null; });
    }
    return engine;
  }

  function file(index, rel) {
    if (!index.files[rel]) {
      index.files[rel] = fetch(new URL(rel, index.base).href).then(function (r) {
        if (!r.ok) throw new Error(rel + " " + r.status);
        return r.json();
      });
      index.files[rel].catch(function () { delete index.files[rel]; });
    }
    return index.files[rel];
  }

  /* page → score of one word: the word's entry in its key file ([page, score, page gap, score, …]); a
   * two-character word missing from the index stands for its first character, at a lower score. */
  function postings(index, word) {
    return file(index, "k/" + fnv(word, 2166136261) % index.buckets + ".json").then(function (bucket) {
      var list = bucket[word];
      if (!list && word.length === 2 && HAN.test(word)) {
        return postings(index, word.charAt(0)).then(function (pages) {
          pages.forEach(function (score, page) { pages.set(page, score * FALLBACK); });
          return pages;
        });
      }
      var pages = new Map(), page = 0;
      for (var i = 0; list && i + 1 < list.length; i += 2) { page += list[i]; pages.set(page, list[i + 1]); }
      return pages;
    });
  }

  /* The pages every chosen filter value allows (null: no filter chosen). */
  function allowed(index, filters) {
    var names = Object.keys(filters);
    if (!names.length) return Promise.resolve(null);
    return Promise.all(names.map(function (name) {
      var n = (index.filters[name] || []).indexOf(filters[name]);
      if (n < 0) return Promise.resolve(new Set());
      return file(index, "f/" + name + "/" + n + ".json").then(function (gaps) {
        var pages = new Set(), page = 0;
        gaps.forEach(function (gap) { page += gap; pages.add(page); });
        return pages;
      });
    })).then(function (sets) {
      return sets.reduce(function (a, b) { return new Set(Array.from(a).filter(function (p) { return b.has(p); })); });
    });
  }

  function prepare(raw) {
    var t2s = {};
    for (var i = 0; i + 1 < raw.t2s.length; i += 2) t2s[raw.t2s[i]] = raw.t2s[i + 1];
    var synonyms = {};
    raw.synonyms.forEach(function (group) {
      group.forEach(function (w) { synonyms[w] = (synonyms[w] || []).concat(group.filter(function (x) { return x !== w; })); });
    });
    var bits = Uint8Array.from(atob(raw.words.bits), function (c) { return c.charCodeAt(0); });
    return { t2s: t2s, stop: new Set(raw.stop), synonyms: synonyms, bets: raw.bets,
             words: { bits: bits, size: bits.length * 8, k: raw.words.k } };
  }

  /* Same hash as build_tools/search/citizen.py: FNV-1a over UTF-16 code units, two seeds, double hashing. */
  function fnv(text, seed) {
    var h = seed >>> 0;
    for (var i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
    return h;
  }
  function known(words, text) {
    var a = fnv(text, 2166136261), b = fnv(text, 0x9747b28c) | 1;
    for (var i = 0; i < words.k; i++) {
      var bit = (a + Math.imul(i, b)) >>> 0;
      bit %= words.size;
      if (!(words.bits[bit >> 3] & (1 << (bit & 7)))) return false;
    }
    return true;
  }

  function fold(lex, text) {
    return Array.from(text.normalize("NFKC").toLowerCase(), function (c) { return lex.t2s[c] || c; }).join("");
  }

  /* Runs of query text between stop words of two or more characters (怎么, 请问: the browser's word breaker finds
   * these reliably), spaces and punctuation. One-character stop words are dropped after cut(), since the word
   * breaker also splits real words into single characters (补办 → 补 / 办). */
  function runs(lex, text) {
    var pieces = [];
    if (typeof Intl !== "undefined" && Intl.Segmenter) {
      for (var s of new Intl.Segmenter("zh", { granularity: "word" }).segment(text)) {
        pieces.push(s.segment.length > 1 && lex.stop.has(s.segment) ? " " : s.segment);
      }
    } else {
      pieces.push(text);
    }
    return pieces.join("").split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }

  /* Cut a run into the most characters covered by known two-character words; the rest stays single characters. */
  function cut(lex, run) {
    if (!HAN.test(run) || run.length < 2) return [run];
    var best = [0], step = [0];
    for (var i = 1; i <= run.length; i++) {
      best[i] = best[i - 1];
      step[i] = 1;
      if (i >= 2 && best[i - 2] + 2 > best[i] && known(lex.words, run.slice(i - 2, i))) { best[i] = best[i - 2] + 2; step[i] = 2; }
    }
    var out = [];
    for (var j = run.length; j > 0; j -= step[j]) out.unshift(run.slice(j - step[j], j));
    return out.filter(function (w) { return !lex.stop.has(w); });
  }

  /* The words of a query, longest first in importance: words of two characters, then single characters. */
  function terms(lex, text) {
    var out = [];
    runs(lex, text).forEach(function (run) { cut(lex, run).forEach(function (w) { if (out.indexOf(w) < 0) out.push(w); }); });
    return out;
  }

  function synonymTerms(lex, text, have) {
    var extra = [];
    runs(lex, text).forEach(function (run) {
      Object.keys(lex.synonyms).forEach(function (w) {
        if (run.indexOf(w) < 0) return;
        lex.synonyms[w].forEach(function (syn) {
          terms(lex, syn).forEach(function (t) { if (have.indexOf(t) < 0 && extra.indexOf(t) < 0) extra.push(t); });
        });
      });
    });
    return extra;
  }

  /* Look every word up on its own; a page's score is its summed score times the share of the query (by
   * characters) it matched, squared: pages with all the words come first. */
  function merged(index, words, filters) {
    return Promise.all([allowed(index, filters)].concat(words.map(function (w) { return postings(index, w); }))).then(function (all) {
      var pass = all[0], answers = all.slice(1);
      var total = words.reduce(function (n, w) { return n + w.length; }, 0);
      var pages = new Map();
      answers.forEach(function (answer, i) {
        answer.forEach(function (score, page) {
          if (pass && !pass.has(page)) return;
          var p = pages.get(page) || { page: page, score: 0, matched: 0 };
          p.score += score;
          p.matched += words[i].length;
          pages.set(page, p);
        });
      });
      return Array.from(pages.values()).map(function (p) {
        var share = p.matched / total;
        return { page: p.page, score: p.score * share * share };
      }).sort(function (a, b) { return b.score - a.score || a.page - b.page; });
    });
  }

  function filterValues() {
    var filters = {};
    FILTERS.forEach(function (name) { if (form.elements[name] && form.elements[name].value) filters[name] = form.elements[name].value; });
    return filters;
  }

  function run(query) {
    var mine = ++generation;
    var filters = filterValues();
    list.replaceChildren();
    list.removeAttribute("data-state");
    more.hidden = true;
    shownUrls = {};
    if (!query.trim()) { status.textContent = "请输入要办的事，例如：开公司、上户口、社保卡丢了。"; return; }
    status.textContent = "正在搜索…";
    load().then(function (e) {
      var lex = e.lexicon, folded = fold(lex, query), words = terms(lex, folded);
      var long = words.filter(function (w) { return w.length > 1; });
      if (!words.length) { finish(mine, query, 0, "请写出要办的事，例如：营业执照、上户口。"); return null; }
      /* First the words of two characters only: a single character is in too many pages to say much (and its key
       * file is among the largest). When that finds few pages, every word and
       * the synonyms of the query's words join in. */
      var first = long.length ? long : words;
      return merged(e.index, first, filters).then(function (found) {
        if (found.length >= 3) return found;
        var wider = words.concat(synonymTerms(lex, folded, words));
        return wider.length > first.length ? merged(e.index, wider, filters) : found;
      }).then(function (found) {
        if (mine !== generation) return null;
        ranked = found.slice();
        index = e.index;
        var bets = bestBets(lex, folded, filters);
        bets.forEach(function (b) { shownUrls[b.url] = true; list.appendChild(item(b.url, b.title, null, "推荐")); });
        return showMore(mine).then(function () { finish(mine, query, found.length + bets.length); });
      });
    }).catch(function () {
      engine = null;  /* the next search reads the lexicon again: a new build may have replaced the index */
      if (mine === generation) finish(mine, query, 0, "搜索暂时用不了，请稍后再试，或拨打 12345 咨询。");
    });
  }

  function bestBets(lex, folded, filters) {
    if (Object.keys(filters).length) return [];
    var out = [];
    Object.keys(lex.bets).forEach(function (phrase) {
      if (folded.indexOf(phrase) >= 0) lex.bets[phrase].forEach(function (b) { if (!out.some(function (o) { return o.url === b.url; })) out.push(b); });
    });
    return out.map(function (b) { return { url: absolute(form.dataset.root + b.url.replace(/^\//, "")).pathname, title: b.title }; });
  }

  /* Titles and summaries are fetched only for the results being shown, PAGE at a time. */
  function showMore(mine) {
    var next = ranked.splice(0, PAGE);
    return Promise.all(next.map(function (r) {
      return file(index, "d/" + Math.floor(r.page / index.docs) + ".json").then(function (docs) { return docs[r.page % index.docs]; });
    })).then(function (docs) {
      if (mine !== generation) return;
      docs.forEach(function (d) {
        var found = absolute(form.dataset.root + d.u.replace(/^\//, "")), url = found.pathname + found.search;  /* ?s= opens a situation */
        if (shownUrls[url]) return;
        shownUrls[url] = true;
        list.appendChild(item(url, d.t, d.s, d.d));
      });
      more.hidden = ranked.length === 0;
    });
  }

  function item(url, title, excerpt, note) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.className = "bk-results__title";
    a.href = url;
    a.textContent = title;
    li.appendChild(a);
    if (note) {
      var meta = document.createElement("p");
      meta.className = "bk-results__meta";
      meta.textContent = note;
      li.appendChild(meta);
    }
    if (excerpt) li.appendChild(excerptNode(excerpt));
    return li;
  }

  /* A matter's one-line summary or the opening words of another page (plain text; any <mark> is kept as a mark,
   * any other markup as its text). */
  function excerptNode(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var p = document.createElement("p");
    template.content.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        p.appendChild(mark);
      } else {
        p.appendChild(document.createTextNode(node.textContent));
      }
    });
    return p;
  }

  function finish(mine, query, count, message) {
    if (mine !== generation) return;
    status.textContent = message || (count ? "找到 " + count + " 个相关页面。" :
      "没有找到与“" + query + "”有关的事项。换个说法试试，或拨打 12345 咨询。");
    list.dataset.query = query;
    list.dataset.state = "done";
  }

  function remember(query) {
    var params = new URLSearchParams();
    params.set("q", query);
    FILTERS.forEach(function (name) { if (form.elements[name].value) params.set(name, form.elements[name].value); });
    history.replaceState(null, "", "?" + params.toString());
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    remember(input.value);
    run(input.value);
  });
  input.addEventListener("input", function () { load(); }, { once: true });
  more.addEventListener("click", function () { showMore(generation); });
  FILTERS.forEach(function (name) {
    form.elements[name].addEventListener("change", function () { if (input.value.trim()) { remember(input.value); run(input.value); } });
  });

  var params = new URLSearchParams(location.search);
  FILTERS.forEach(function (name) { if (params.get(name)) form.elements[name].value = params.get(name); });
  if (params.get("q")) {
    input.value = params.get("q");
    run(input.value);
  }
})();
