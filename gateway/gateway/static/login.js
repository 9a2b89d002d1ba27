/* 会计人员登录 (/login): password login through the API, or WeChat QR login on its tab. */
(function () {
  var form = document.getElementById("login-form");
  var next = AUSM.safeNext(form.getAttribute("data-next"), "/");

  AUSM.bindForm(form, {
    url: "/api/v1/sessions",
    busyText: "登录中…",
    transform: function (data) { data.transport = "cookie"; return data; },
    onSuccess: function () {
      AUSM.showAlert(form, "登录成功，正在跳转…", "success");
      location.assign(next);
    }
  });

  var startButton = document.getElementById("wechat-start");
  var progress = document.getElementById("wechat-progress");
  var alertBox = document.getElementById("wechat-alert");
  var started = false;
  function startWechat() {
    if (started) return;
    started = true;
    AUSM.clearAlert(alertBox);
    progress.hidden = false;
    startButton.disabled = true;
    AUSM.api("POST", "/api/v1/wechat/tickets", { purpose: "login" }).then(function (r) {
      location.assign(r.qr_url);
    }, function (err) {
      started = false;
      progress.hidden = true;
      startButton.disabled = false;
      startButton.textContent = "重新获取二维码";
      AUSM.showAlert(alertBox, AUSM.errorText(err), "error");
    });
  }
  startButton.addEventListener("click", startWechat);

  var tabs = AUSM.tabs(document.getElementById("login-tabs"), function (tab) {
    if (tab.id === "tab-wechat") startWechat();
  });
  if (new URLSearchParams(location.search).get("tab") === "wechat") {
    tabs.select(document.getElementById("tab-wechat"), true);
  }
})();
