/* 缴费与对账 ([data-finance-page]): orders and refunds with filters and CSV export, a day's reconciliation with
 * its differences and their fixes, and the audit trail. */
(function () {
  "use strict";
  var root = document.querySelector("[data-finance-page]");
  if (!root) return;
  var esc = AUSM.esc;
  var $ = function (sel) { return root.querySelector(sel); };
  var ACTIONS = { reconcile: "对账", fix_missing_payment: "补记收款", fix_missing_refund: "补记退款" };

  function alert(message, kind) {
    var box = $('[data-role="alert"]');
    if (!message) { box.hidden = true; return; }
    AUSM.showAlert(box, message, kind || "error");
  }

  function query(form) {
    var data = AUSM.formData(form), parts = [];
    Object.keys(data).forEach(function (k) { if (data[k]) parts.push(k + "=" + encodeURIComponent(data[k])); });
    return parts.join("&");
  }

  function orderRow(o) {
    return '<tr data-testid="finance-order-row"><td class="nowrap">' + esc(o.order_no) + "</td><td>" + esc(o.ref) + "</td><td>" +
      esc(o.province_code) + "</td><td>" + esc(o.channel_label) + "</td><td>¥" + esc(o.amount_yuan) + "</td><td>" +
      esc(o.status_label) + "</td><td>" + esc(AUSM.fmtTime(o.created_at)) + "</td><td>" +
      esc(o.paid_at ? AUSM.fmtTime(o.paid_at) : "—") + "</td><td>" + esc(o.channel_txn_id || "—") + "</td><td>¥" +
      esc(o.refunded_yuan) + "</td></tr>";
  }

  function refundRow(r) {
    return '<tr data-testid="finance-refund-row"><td class="nowrap">' + esc(r.refund_no) + "</td><td>" + esc(r.order_no) +
      "</td><td>" + esc(r.channel_label) + "</td><td>¥" + esc(r.amount_yuan) + "</td><td>" + esc(r.status_label) +
      "</td><td>" + esc(r.reason) + "</td><td>" + esc(AUSM.fmtTime(r.created_at)) + "</td><td>" +
      esc(r.succeeded_at ? AUSM.fmtTime(r.succeeded_at) : "—") + "</td></tr>";
  }

  function bindList(kind, render, cols) {
    var form = $('[data-role="filters"][data-kind="' + kind + '"]');
    var body = $('[data-role="' + kind + '-rows"]');
    function load() {
      var q = query(form);
      $('[data-role="filters"][data-kind="' + kind + '"] [data-role="export"]').href =
        "/api/v1/staff/finance/" + kind + ".csv" + (q ? "?" + q : "");
      AUSM.api("GET", "/api/v1/staff/finance/" + kind + (q ? "?" + q : "")).then(function (rows) {
        body.innerHTML = rows.length ? rows.map(render).join("") : '<tr><td colspan="' + cols + '" class="empty">没有记录</td></tr>';
      }, function (err) { alert(AUSM.errorText(err)); });
    }
    form.addEventListener("submit", function (e) { e.preventDefault(); load(); });
    return load;
  }

  function differenceRow(result, d) {
    var fix = d.fixable ? '<button type="button" class="btn btn-sm" data-fix data-channel="' + esc(result.channel) +
      '" data-kind="' + esc(d.kind) + '" data-key="' + esc(d.key) + '" data-testid="fix-' + esc(d.kind) + '">处理</button>' : "需人工核查";
    return '<tr data-testid="difference-row"><td class="diff-kind">' + esc(d.label) + "</td><td>" + esc(d.order_no || "—") +
      "</td><td>" + esc(d.key || "—") + "</td><td>" + (d.channel_yuan ? "¥" + esc(d.channel_yuan) : "—") + "</td><td>" +
      (d.our_yuan ? "¥" + esc(d.our_yuan) : "—") + "</td><td>" + fix + "</td></tr>";
  }

  function renderReconcile(results, day) {
    $('[data-role="reconcile-result"]').innerHTML = results.map(function (r) {
      var label = { alipay: "支付宝", wechat: "微信", unionpay: "云闪付" }[r.channel] || r.channel;
      return '<h3 data-testid="reconcile-channel">' + esc(label) + "：账单 " + r.lines + " 笔，核对一致 " + r.matched +
        " 笔，差异 " + r.differences.length + " 笔</h3>" + (r.differences.length ?
        '<table class="data"><thead><tr><th>差异</th><th>订单号码</th><th>交易号/退款单号</th><th>支付平台金额</th>' +
        "<th>本平台金额</th><th>处理</th></tr></thead><tbody>" + r.differences.map(function (d) {
          return differenceRow(r, d);
        }).join("") + "</tbody></table>" : "");
    }).join("");
    $('[data-role="reconcile-result"]').querySelectorAll("[data-fix]").forEach(function (button) {
      button.addEventListener("click", function () {
        AUSM.setBusy(button, true, "处理中…");
        AUSM.api("POST", "/api/v1/staff/finance/reconciliation/fixes", { day: day, channel: button.getAttribute("data-channel"),
          kind: button.getAttribute("data-kind"), key: button.getAttribute("data-key") }).then(function () {
          alert("已处理，操作已记录", "success");
          runReconcile(day);
        }, function (err) { AUSM.setBusy(button, false); alert(AUSM.errorText(err)); });
      });
    });
  }

  function runReconcile(day) {
    $('[data-role="reconcile-result"]').innerHTML = '<p class="loading">正在下载账单并核对…</p>';
    AUSM.api("GET", "/api/v1/staff/finance/reconciliation?day=" + encodeURIComponent(day)).then(function (results) {
      renderReconcile(results, day);
    }, function (err) { alert(AUSM.errorText(err)); });
  }

  function loadAudit() {
    AUSM.api("GET", "/api/v1/staff/finance/audit").then(function (rows) {
      $('[data-role="audit-rows"]').innerHTML = rows.map(function (a) {
        return '<tr data-testid="audit-row"><td>' + esc(AUSM.fmtTime(a.at)) + "</td><td>" + esc(a.actor_name) + "</td><td>" +
          esc(ACTIONS[a.action] || a.action) + "</td><td>" + esc(a.subject) + '</td><td class="small">' +
          esc(JSON.stringify(a.detail)) + "</td></tr>";
      }).join("") || '<tr><td colspan="5" class="empty">暂无记录</td></tr>';
    }, function (err) { alert(AUSM.errorText(err)); });
  }

  var loaders = { orders: bindList("orders", orderRow, 10), refunds: bindList("refunds", refundRow, 8), audit: loadAudit };
  root.querySelectorAll("[data-tab]").forEach(function (tab) {
    tab.addEventListener("click", function () {
      var name = tab.getAttribute("data-tab");
      root.querySelectorAll("[data-panel]").forEach(function (p) { p.hidden = p.getAttribute("data-panel") !== name; });
      root.querySelectorAll("[data-tab]").forEach(function (t) { t.classList.toggle("btn-primary", t === tab); });
      alert("");
      if (loaders[name]) loaders[name]();
    });
  });
  var dayInput = $('[data-role="reconcile-form"] [name="day"]');
  var now = new Date(Date.now() + 8 * 3600 * 1000);
  dayInput.value = now.toISOString().slice(0, 10);
  $('[data-role="reconcile-form"]').addEventListener("submit", function (e) { e.preventDefault(); runReconcile(dayInput.value); });
  root.querySelector('[data-tab="orders"]').click();
})();
