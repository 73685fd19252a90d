/* Search page: Pagefind's UI, started with the ?q= from the home page's search box. */
(function () {
  var ui = new PagefindUI({ element: "#bk-search", showSubResults: true, showImages: false, resetStyles: false,
    translations: { placeholder: "例如：开公司、上户口、社保卡", zero_results: "没有找到与“[SEARCH_TERM]”有关的事项。换个说法试试，或拨打 12345 咨询。" } });
  var q = new URLSearchParams(location.search).get("q");
  if (q) ui.triggerSearch(q);
})();
