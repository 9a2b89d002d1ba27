/* WeChat sandbox QR page: polls until the simulated phone confirmed, then goes back to the platform. */
(function () {
  var page = document.getElementById("qr-page");
  var state = page.getAttribute("data-state");
  var redirect = page.getAttribute("data-redirect") || "";
  var statusEl = document.getElementById("status");
  var started = Date.now();
  var LIFETIME = 5 * 60 * 1000;
  var timer = null;

  function say(text, isError) {
    statusEl.textContent = text;
    statusEl.className = "status" + (isError ? " err" : "");
  }
  function stop(text) {
    clearInterval(timer);
    document.getElementById("qr").classList.add("dim");
    say(text, true);
  }
  // Only go back to our own site (a relative path or an http(s) address).
  if (!/^(https?:\/\/|\/(?![\/\\]))/i.test(redirect)) { stop("回调地址无效，请返回平台重新获取二维码"); return; }

  function poll() {
    if (Date.now() - started > LIFETIME) { stop("二维码已过期，请返回平台重新获取"); return; }
    fetch("/sandbox/wechat/poll?state=" + encodeURIComponent(state), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (response.status === 404) { stop((data && data.message) || "二维码不存在或已失效，请返回平台重新获取"); return; }
          if (!response.ok) return;
          if (data.status && data.status !== "waiting") {
            stop("该二维码已使用，请返回平台重新获取");
          } else if (data.code) {
            clearInterval(timer);
            say("已在手机上确认，正在跳转…");
            location.assign(redirect + (redirect.indexOf("?") >= 0 ? "&" : "?") + "code=" +
              encodeURIComponent(data.code) + "&state=" + encodeURIComponent(state));
          }
        });
      })
      .catch(function () { say("网络异常，正在重试…", true); });
  }
  timer = setInterval(poll, 1500);
  poll();
})();
