/* 个人中心 (/me): profile, phone change, WeChat binding, login history. */
(function () {
  var esc = AUSM.esc;
  var profileBody = document.getElementById("profile-body");
  var wechatBody = document.getElementById("wechat-body");
  var wechatAlert = document.getElementById("wechat-alert");

  function loadError(target, err) {
    target.innerHTML = '<div class="alert alert-error">' + esc(AUSM.errorText(err)) +
      (err.status === 401 ? ' <a href="/login?next=/me">重新登录</a>' : "") + "</div>";
  }

  function realnameBadge(a) {
    var cls = { verified: "badge-ok", pending: "badge-warn" }[a.realname_status] || "badge-err";
    var text = AUSM.REALNAME_LABELS[a.realname_status] || a.realname_status;
    if (a.realname_status === "verified" && a.realname_method) text += "（" + (AUSM.METHOD_LABELS[a.realname_method] || a.realname_method) + "）";
    var link = a.realname_status === "verified" ? "" : ' <a href="/realname">' + (a.realname_status === "pending" ? "查看进度" : "去认证") + "</a>";
    return '<span class="badge ' + cls + '" data-testid="me-realname">' + esc(text) + "</span>" + link;
  }

  function renderProfile(a) {
    var rows = [
      ["证件类型", a.id_type_label, "me-id-type"], ["证件号码", a.id_number, "me-id-number"],
      ["姓名", a.name, "me-name"], ["性别", AUSM.genderLabel(a.gender), "me-gender"],
      ["出生日期", a.birth_date || "—", "me-birth-date"], ["手机号码", a.phone, "me-phone"]
    ];
    var html = '<dl class="kv two">';
    rows.forEach(function (r) { html += "<dt>" + r[0] + '</dt><dd data-testid="' + r[2] + '">' + esc(r[1]) + "</dd>"; });
    html += "<dt>实名认证</dt><dd>" + realnameBadge(a) + "</dd>";
    html += "<dt>注册时间</dt><dd>" + esc(AUSM.fmtTime(a.created_at)) + "</dd></dl>";
    profileBody.innerHTML = html;
    document.getElementById("current-phone").textContent = a.phone;
    document.querySelectorAll("[data-current-phone]").forEach(function (el) { el.textContent = a.phone; });
    renderWechat(a);
  }

  function renderWechat(a) {
    if (a.wechat_bound) {
      wechatBody.innerHTML = '<div class="row" data-testid="wechat-bound">' +
        '<span class="badge badge-ok">已绑定</span><span>微信昵称：<strong data-testid="wechat-nickname">' +
        esc(a.wechat_nickname || "微信用户") + "</strong></span>" +
        '<span class="spacer"></span><button type="button" class="btn btn-danger" id="wechat-unbind" data-testid="wechat-unbind">解绑</button></div>' +
        '<p class="muted small mt-10">已绑定微信，可使用微信扫码快捷登录，接收平台公众号消息。解绑后将无法使用微信扫码登录，不再接收公众号消息。</p>';
      document.getElementById("wechat-unbind").addEventListener("click", unbind);
    } else {
      wechatBody.innerHTML = '<div class="row" data-testid="wechat-unbound">' +
        '<span class="badge">未绑定</span><span>尚未绑定微信，无法进行微信扫码登录，接收公众号消息</span>' +
        '<span class="spacer"></span><button type="button" class="btn btn-wechat" id="wechat-bind" data-testid="wechat-bind">绑定</button></div>';
      document.getElementById("wechat-bind").addEventListener("click", bind);
    }
  }

  function bind(event) {
    var button = event.currentTarget;
    AUSM.clearAlert(wechatAlert);
    AUSM.setBusy(button, true, "正在生成二维码…");
    AUSM.api("POST", "/api/v1/wechat/tickets", { purpose: "bind" }).then(function (r) {
      location.assign(r.qr_url);
    }, function (err) {
      AUSM.setBusy(button, false);
      AUSM.showAlert(wechatAlert, AUSM.errorText(err), "error");
    });
  }

  function unbind(event) {
    var button = event.currentTarget;
    AUSM.confirm("解绑后将无法使用微信扫码登录，也不再接收公众号消息。确定解除微信绑定吗？", "确认解绑", true).then(function (yes) {
      if (!yes) return;
      AUSM.clearAlert(wechatAlert);
      AUSM.setBusy(button, true, "解绑中…");
      AUSM.api("DELETE", "/api/v1/me/wechat").then(function (account) {
        document.getElementById("wechat-bound-notice").hidden = true;
        renderProfile(account);
        AUSM.showAlert(wechatAlert, "已解除微信绑定", "success");
      }, function (err) {
        AUSM.setBusy(button, false);
        AUSM.showAlert(wechatAlert, AUSM.errorText(err), "error");
      });
    });
  }

  function loadLogins() {
    var body = document.getElementById("logins-body");
    AUSM.api("GET", "/api/v1/me/logins").then(function (rows) {
      if (!rows.length) { body.innerHTML = '<tr><td colspan="5" class="empty">暂无登录记录</td></tr>'; return; }
      body.innerHTML = rows.map(function (r) {
        return '<tr data-testid="login-row"><td>' + esc(AUSM.fmtTime(r.at)) + "</td><td>" + esc(r.client || "—") +
          "</td><td>" + esc(AUSM.METHOD_LABELS[r.method] || r.method) + "</td><td>" +
          (r.success ? '<span class="badge badge-ok">成功</span>' : '<span class="badge badge-err">失败</span>') +
          '</td><td class="small muted" title="' + esc(r.user_agent || "") + '">' + esc(shortAgent(r.user_agent)) + "</td></tr>";
      }).join("");
    }, function (err) {
      body.innerHTML = '<tr><td colspan="5" class="empty">' + esc(AUSM.errorText(err)) + "</td></tr>";
    });
  }

  function shortAgent(ua) {
    if (!ua) return "—";
    var m = ua.match(/(Edg|OPR|Firefox|Chrome|Chromium|Safari|MicroMessenger)\/([\d.]+)/);
    var os = /Windows/.test(ua) ? "Windows" : /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" :
      /Mac OS X/.test(ua) ? "macOS" : /Linux/.test(ua) ? "Linux" : "";
    return m ? (m[1] === "Edg" ? "Edge" : m[1]) + " " + m[2].split(".")[0] + (os ? " · " + os : "") : ua.slice(0, 40);
  }

  // Phone change
  var phoneForm = document.getElementById("phone-form");
  AUSM.bindForm(phoneForm, {
    url: "/api/v1/me/phone",
    method: "PUT",
    transform: function (data) { data.phone = data.phone.replace(/[\s-]/g, ""); return data; },
    onSuccess: function (account) {
      phoneForm.reset();
      renderProfile(account);
      AUSM.showAlert(phoneForm, "手机号修改成功，新手机号码：" + account.phone, "success");
    }
  });

  // Password change: the current password, the new one, the code sent to the registered phone.
  var passwordForm = document.getElementById("password-form");
  AUSM.bindForm(passwordForm, {
    url: "/api/v1/me/password",
    method: "PUT",
    busyText: "保存中…",
    onSuccess: function (r) {
      passwordForm.reset();
      var done = document.getElementById("password-changed");
      done.textContent = "密码已修改，其他设备上的登录已全部退出；已短信告知手机号 " + (r.phone || "") + "。下次登录请使用新密码。";
      done.hidden = false;
      loadLogins();
    }
  });

  if (new URLSearchParams(location.search).get("wechat") === "bound") {
    document.getElementById("wechat-bound-notice").hidden = false;
  }

  AUSM.api("GET", "/api/v1/me").then(renderProfile, function (err) {
    loadError(profileBody, err);
    loadError(wechatBody, err);
  });
  loadLogins();
})();
