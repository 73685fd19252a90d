/* 适老化 large-text mode, applied before the page paints so it does not flicker; the toggle is in baike.js. */
try { if (localStorage.getItem("bk-large") === "1") document.documentElement.classList.add("bk-large"); } catch (e) {}
