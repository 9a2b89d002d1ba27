/* WeChat sandbox "phone": remembers the openid used last, so binding and later logins agree. */
(function () {
  var KEY = "ausm_sandbox_wechat";
  var openid = document.getElementById("openid");
  var nickname = document.getElementById("nickname");
  try {
    var saved = JSON.parse(localStorage.getItem(KEY) || "null");
    if (saved && saved.openid) { openid.value = saved.openid; nickname.value = saved.nickname || nickname.value; }
  } catch (e) { /* storage unavailable: keep the defaults */ }
  document.getElementById("scan-form").addEventListener("submit", function () {
    try { localStorage.setItem(KEY, JSON.stringify({ openid: openid.value.trim(), nickname: nickname.value.trim() })); } catch (e) {}
    var b = document.getElementById("confirm");
    setTimeout(function () { b.disabled = true; b.textContent = "确认中…"; }, 0);
  });
})();
