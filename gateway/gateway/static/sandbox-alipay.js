/* Alipay sandbox: the authorize button shows it is working. */
document.getElementById("alipay-form").addEventListener("submit", function () {
  var b = document.getElementById("authorize");
  setTimeout(function () { b.disabled = true; b.textContent = "正在验证…"; }, 0);
});
