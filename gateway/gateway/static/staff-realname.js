/* 实名认证审核 (/staff/realname): the province's online real-name requests and their decision. */
(function () {
  var esc = AUSM.esc;
  var status = "submitted";
  var body = document.getElementById("request-body");
  var listAlert = document.getElementById("list-alert");
  var dialog = document.getElementById("detail-dialog");
  var detailBody = document.getElementById("detail-body");
  var decisionForm = document.getElementById("decision-form");
  var current = null;
  var ACTIONS = { view: "查看", approve: "审核通过", "return": "退回" };
  var EMPTY = { submitted: "暂无待审核的申请", approved: "暂无已通过的申请", returned: "暂无已退回的申请" };
  var PHOTO_LABELS = { id_front: "证件人像面", id_back: "证件国徽面", id_handheld: "手持证件人像面" };

  function statusBadge(s) {
    var cls = { submitted: "badge-warn", approved: "badge-ok", returned: "badge-err" }[s] || "";
    return '<span class="badge ' + cls + '">' + esc(AUSM.REQUEST_STATUS[s] || s) + "</span>";
  }

  function loadList() {
    AUSM.clearAlert(listAlert);
    body.innerHTML = '<tr><td colspan="7" class="empty"><span class="spinner" aria-hidden="true"></span> 正在加载…</td></tr>';
    var asked = status;
    return AUSM.api("GET", "/api/v1/staff/realname-requests?status=" + encodeURIComponent(status)).then(function (rows) {
      if (asked !== status) return;
      if (!rows.length) { body.innerHTML = '<tr><td colspan="7" class="empty" data-testid="empty">' + EMPTY[status] + "</td></tr>"; return; }
      body.innerHTML = rows.map(function (r) {
        var a = r.applicant || {};
        return '<tr class="clickable" data-id="' + esc(r.id) + '" data-testid="request-row">' +
          "<td>" + esc(a.name) + "</td><td>" + esc(a.id_type_label) + "</td><td>" + esc(a.id_number) + "</td>" +
          "<td>" + esc(r.region_name || r.region_code || "—") + "</td><td>" + esc(AUSM.fmtTime(r.submitted_at)) + "</td>" +
          "<td>" + statusBadge(r.status) + "</td>" +
          '<td><button type="button" class="btn btn-sm" data-open="' + esc(r.id) + '" data-testid="open-request">' +
          (r.status === "submitted" ? "审核" : "查看") + "</button></td></tr>";
      }).join("");
    }, function (err) {
      body.innerHTML = '<tr><td colspan="7" class="empty">加载失败</td></tr>';
      AUSM.showAlert(listAlert, null, "error", esc(AUSM.errorText(err)) +
        (err.status === 401 ? ' <a href="/staff/login?next=/staff/realname">重新登录</a>' : ""));
    });
  }

  body.addEventListener("click", function (e) {
    var row = e.target.closest("tr[data-id]");
    if (row) openDetail(row.getAttribute("data-id"));
  });

  function openDetail(id) {
    current = null;
    detailBody.innerHTML = '<p class="loading"><span class="spinner" aria-hidden="true"></span> 正在加载申请详情…</p>';
    decisionForm.hidden = true;
    AUSM.clearErrors(decisionForm);
    decisionForm.reset();
    AUSM.openDialog(dialog);
    AUSM.api("GET", "/api/v1/staff/realname-requests/" + encodeURIComponent(id)).then(function (r) {
      current = r;
      renderDetail(r);
    }, function (err) {
      detailBody.innerHTML = '<div class="alert alert-error">' + esc(AUSM.errorText(err)) + "</div>";
    });
  }

  // What OCR read on the 人像面, beside the photo: a hint for the reviewer's own comparison, never a verdict.
  var PHOTO_CHECKS = { match: ["badge-ok", "号码一致"], mismatch: ["badge-err", "号码不一致"], unreadable: ["badge-warn", "未能识别号码"],
                       not_applicable: ["", "不识别号码"], reading: ["", "号码识别中，稍后刷新查看"] };
  function photoCheck(c) {
    if (!c || !c.check) return "";
    var look = PHOTO_CHECKS[c.check] || ["", c.check];
    return '<div class="photo-check" data-testid="photo-check" data-check="' + esc(c.check) + '"><span class="badge ' + look[0] + '">' +
      esc(look[1]) + "</span>" + (c.check === "mismatch" && c.read ? ' <span class="small">照片上为 <strong data-testid="photo-check-read">' +
      esc(c.read) + "</strong></span>" : "") + "</div>";
  }

  function renderDetail(r) {
    var a = r.applicant || {};
    var kv = [
      ["姓名", a.name, "detail-name"], ["证件类型", a.id_type_label, "detail-id-type"],
      ["证件号码", a.id_number, "detail-id-number"], ["性别", AUSM.genderLabel(a.gender), "detail-gender"],
      ["出生日期", a.birth_date || "—", "detail-birth-date"], ["所在省市", r.region_name || r.region_code || "—", "detail-region"],
      ["提交时间", AUSM.fmtTime(r.submitted_at), "detail-submitted"]
    ];
    var html = '<dl class="kv two">';
    kv.forEach(function (k) { html += "<dt>" + k[0] + '</dt><dd data-testid="' + k[2] + '">' + esc(k[1]) + "</dd>"; });
    html += "<dt>状态</dt><dd>" + statusBadge(r.status) + (r.decided_at ? ' <span class="small muted">' + esc(AUSM.fmtTime(r.decided_at)) + "</span>" : "") + "</dd>";
    if (r.reason) html += '<dt>退回原因</dt><dd data-testid="detail-reason">' + esc(r.reason) + "</dd>";
    html += "</dl>";

    html += '<h3 class="mt-18">证件照片 <span class="small muted">（点击图片可放大查看）</span></h3><div class="photo-grid">';
    var photos = r.photos || {};
    ["id_front", "id_back", "id_handheld"].forEach(function (f) {
      var url = photos[f];
      html += "<figure>" + (url
        ? '<button type="button" data-zoom="' + esc(url) + '" data-label="' + PHOTO_LABELS[f] + '" aria-label="查看大图：' + PHOTO_LABELS[f] + '"><img src="' + esc(url) + '" alt="' + PHOTO_LABELS[f] + '" data-testid="photo-' + f + '"></button>'
        : '<div class="center muted pad-y-60">未上传</div>') +
        "<figcaption>" + PHOTO_LABELS[f] + (f === "id_front" ? photoCheck(r.id_photo_check) : "") + "</figcaption></figure>";
    });
    html += "</div>";

    var history = r.history || [];
    html += '<h3 class="mt-18">审核记录</h3>';
    if (!history.length) html += '<p class="muted small">暂无记录</p>';
    else {
      html += '<ul class="history" data-testid="history">' + history.map(function (h) {
        return "<li>" + esc(AUSM.fmtTime(h.at)) + " · " + esc(h.staff_name || "") + " · " + esc(ACTIONS[h.action] || h.action) +
          (h.reason ? "：" + esc(h.reason) : "") + "</li>";
      }).join("") + "</ul>";
    }
    detailBody.innerHTML = html;
    decisionForm.hidden = r.status !== "submitted";
  }

  detailBody.addEventListener("click", function (e) {
    var b = e.target.closest("[data-zoom]");
    if (b) AUSM.lightbox(b.getAttribute("data-zoom"), b.getAttribute("data-label"));
  });

  function decide(approve, button) {
    if (!current) return;
    AUSM.clearErrors(decisionForm);
    var reason = document.getElementById("reason").value.trim();
    if (!approve && !reason) {
      AUSM.setFieldError(decisionForm, "reason", "请填写退回原因");
      AUSM.showAlert(decisionForm, "退回时请填写退回原因，告诉申请人需要如何修改", "error");
      document.getElementById("reason").focus();
      return;
    }
    var buttons = decisionForm.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    AUSM.setBusy(button, true, "提交中…");
    AUSM.api("POST", "/api/v1/staff/realname-requests/" + encodeURIComponent(current.id) + "/decision",
      { approve: approve, reason: reason || null }).then(function () {
      AUSM.setBusy(button, false);
      buttons.forEach(function (b) { b.disabled = false; });
      AUSM.closeDialog(dialog);
      AUSM.toast(approve ? "已审核通过" : "已退回，申请人将看到退回原因");
      loadList();
    }, function (err) {
      AUSM.setBusy(button, false);
      buttons.forEach(function (b) { b.disabled = false; });
      AUSM.showErrors(decisionForm, err);
      if (err.status === 409) loadList();
    });
  }
  document.getElementById("approve-btn").addEventListener("click", function (e) { decide(true, e.currentTarget); });
  document.getElementById("return-btn").addEventListener("click", function (e) { decide(false, e.currentTarget); });
  decisionForm.addEventListener("submit", function (e) { e.preventDefault(); });

  AUSM.tabs(document.getElementById("status-tabs"), function (tab) {
    status = tab.getAttribute("data-status");
    loadList();
  });
  document.getElementById("refresh").addEventListener("click", loadList);
  loadList();
})();
