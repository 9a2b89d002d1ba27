/* 实名认证 (/realname): the person's status, Alipay certification, and the online form (its photos are checked
 * and previewed by static/uploads.js). Vanilla JS on top of static/app.js (AUSM.*). */
(function () {
  var statusCard = document.getElementById("status-card");
  var methods = document.getElementById("methods");
  var esc = AUSM.esc;

  function box(kind, icon, html, testid) {
    return '<div class="status-box status-' + kind + '" data-testid="' + testid + '">' +
      '<div class="dot" aria-hidden="true">' + icon + '</div><div>' + html + "</div></div>";
  }

  function render(st) {
    var latest = st.latest || null;
    var html;
    if (st.status === "verified") {
      html = box("ok", "✓", '<h2 class="status-text">已完成实名认证</h2>' +
        "<p>认证方式：" + esc(AUSM.METHOD_LABELS[st.method] || st.method || "—") +
        (latest && latest.decided_at ? "，认证时间：" + esc(AUSM.fmtTime(latest.decided_at)) : "") + "</p>" +
        '<p><a href="/">返回首页</a> · <a href="/me">个人中心</a></p>', "realname-verified");
      methods.hidden = true;
    } else if (st.status === "pending") {
      var region = latest && latest.region_name ? "所选省市：" + latest.region_name : "所选省市";
      var photo = latest && latest.id_photo_check;
      html = box("warn", "…", "<h2>线上实名认证审核中</h2>" +
        "<p>线上实名认证审核中（" + esc(region) + "），请耐心等待。" +
        (latest && latest.submitted_at ? "提交时间：" + esc(AUSM.fmtTime(latest.submitted_at)) : "") + "</p>" +
        (photo && photo.check === "mismatch" ? '<p class="alert alert-warn" data-testid="pending-id-photo-mismatch">' + esc(photo.message) + "</p>" : ""),
        "realname-pending");
      methods.hidden = true;
    } else {
      var notice = "";
      if (latest && latest.status === "returned") {
        notice = '<div class="alert alert-error alert-lg" data-testid="realname-returned"><strong>审核退回：' +
          esc(latest.reason || "材料不符合要求") + "，请按要求重新上传。</strong>" +
          (latest.region_name ? '<div class="small">审核省市：' + esc(latest.region_name) +
            (latest.decided_at ? "，退回时间：" + esc(AUSM.fmtTime(latest.decided_at)) : "") + "</div>" : "") +
          "</div>";
      } else if (latest && latest.method === "alipay" && latest.status === "failed") {
        notice = '<div class="alert alert-error alert-lg" data-testid="realname-alipay-failed"><strong>支付宝实名认证未通过：' +
          esc(latest.reason || "认证未通过") + "</strong>" +
          '<div class="small">请确认支付宝账户的实名信息与注册时填写的姓名、证件号码一致后重试，或选择线上实名认证。</div></div>';
      }
      html = notice + box("none", "!", "<h2>您尚未完成实名认证</h2>" +
        "<p>请选择以下任一方式完成实名认证。</p>", "realname-none");
      methods.hidden = false;
      highlight();
    }
    statusCard.innerHTML = html;
  }

  function load() {
    return AUSM.api("GET", "/api/v1/me/realname").then(render, function (err) {
      statusCard.innerHTML = "";
      var div = document.createElement("div");
      statusCard.appendChild(div);
      AUSM.showAlert(div, null, "error", esc(AUSM.errorText(err)) +
        (err.status === 401 ? ' <a href="/login?next=/realname">重新登录</a>' : ""));
    });
  }

  function highlight() {
    var hash = location.hash.replace("#", "");
    document.querySelectorAll(".method").forEach(function (el) { el.classList.remove("highlight"); });
    if (hash === "alipay") {
      document.getElementById("alipay").classList.add("highlight");
      document.getElementById("alipay-start").focus();
    } else if (hash === "online") {
      document.getElementById("online").scrollIntoView({ behavior: "smooth", block: "start" });
      document.getElementById("region_code").focus({ preventScroll: true });
    }
  }
  window.addEventListener("hashchange", highlight);

  // Regions
  var regionSelect = document.getElementById("region_code");
  AUSM.api("GET", "/api/v1/realname/regions").then(function (regions) {
    regionSelect.innerHTML = '<option value="">请选择所在省市</option>';
    regions.forEach(function (r) {
      var opt = document.createElement("option");
      opt.value = r.code;
      opt.textContent = r.name;
      regionSelect.appendChild(opt);
    });
  }, function (err) {
    regionSelect.innerHTML = '<option value="">加载失败，请刷新页面</option>';
    AUSM.setFieldError(document.getElementById("online-form"), "region_code", "省市列表加载失败：" + AUSM.errorText(err));
  });

  // Alipay
  var alipayButton = document.getElementById("alipay-start");
  var alipayAlert = document.getElementById("alipay-alert");
  alipayButton.addEventListener("click", function () {
    AUSM.clearAlert(alipayAlert);
    AUSM.setBusy(alipayButton, true, "正在跳转支付宝…");
    AUSM.api("POST", "/api/v1/me/realname/alipay").then(function (r) {
      location.assign(r.redirect_url);
    }, function (err) {
      AUSM.setBusy(alipayButton, false);
      AUSM.showAlert(alipayAlert, AUSM.errorText(err), "error");
      if (err.status === 409) load();
    });
  });

  // Photos: checked and previewed by the upload slots (static/uploads.js), again before sending
  var form = document.getElementById("online-form");

  // The 人像面's number, read as soon as the photo is picked: told at once, never a reason to refuse.
  var front = document.getElementById("id_front");
  var frontCheck = document.getElementById("id-photo-check");
  var frontSeq = 0;
  front.addEventListener("change", function () {
    var file = front.files && front.files[0];
    var mine = ++frontSeq;
    frontCheck.hidden = true;
    frontCheck.className = "id-photo-check";
    if (!file) return;
    var data = new FormData();
    data.append("id_front", file);
    frontCheck.hidden = false;
    frontCheck.textContent = "正在识别证件号码…";
    AUSM.upload("POST", "/api/v1/me/realname/id-photo-check", data).then(function (r) {
      if (mine !== frontSeq) return;
      frontCheck.hidden = !r.message;
      frontCheck.textContent = r.message || "";
      frontCheck.setAttribute("data-check", r.check || "");
      frontCheck.classList.add(r.check === "match" ? "ok" : r.check === "mismatch" ? "warn" : "info");
    }, function () {
      if (mine === frontSeq) frontCheck.hidden = true;   // the photo's own problem is shown at its field
    });
  });

  AUSM.bindForm(form, {
    url: "/api/v1/me/realname/online",
    multipart: true,
    busyText: "提交中…",
    onSuccess: function () {
      form.reset();
      form.querySelectorAll(".preview").forEach(function (p) { p.textContent = "已提交"; });
      AUSM.toast("提交成功，请等待所选省市审核");
      return load().then(function () { window.scrollTo({ top: 0, behavior: "smooth" }); });
    },
    onError: function (err) { if (err.status === 409) load(); }
  });

  load();
})();
