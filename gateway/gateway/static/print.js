/* 打印 on a printable page: the button opens the browser's print dialog (print.css hides the page chrome). */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
