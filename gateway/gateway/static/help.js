/* 帮助中心 (/help): filter the questions as the person types (?q= fills the box). */
(function () {
  var input = document.getElementById("faq-search");
  var items = Array.prototype.slice.call(document.querySelectorAll("#faq-list details"));
  var count = document.getElementById("faq-count");
  var empty = document.getElementById("faq-empty");
  var total = items.length;
  function filter() {
    var words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (item) {
      var text = item.textContent.toLowerCase();
      var match = words.every(function (w) { return text.indexOf(w) >= 0; });
      item.hidden = !match;
      if (match) shown++;
      item.open = !!words.length && match;
    });
    empty.hidden = shown > 0;
    count.textContent = words.length ? "找到 " + shown + " 个相关问题" : "共 " + total + " 个常见问题";
  }
  input.addEventListener("input", filter);
  var q = new URLSearchParams(location.search).get("q");
  if (q) { input.value = q; filter(); }
})();
