/* 我的订单 ([data-my-orders]): every order of the person, with its refunds and their reasons. */
(function () {
  "use strict";
  var root = document.querySelector("[data-my-orders]");
  if (!root) return;
  var esc = AUSM.esc, body = root.querySelector('[data-role="rows"]');

  function actions(o) {
    var links = [];
    if (o.paid_at) {
      links.push('<a href="/api/v1/payments/orders/' + encodeURIComponent(o.order_no) +
        '/receipt.pdf" data-testid="order-receipt">缴费凭证</a>');
    }
    if (o.status === "pending" && o.ref_service === "exam") {
      links.push('<a href="/exam/enrollments/' + encodeURIComponent(o.ref_id) + '/payment">继续支付</a>');
    }
    return links.join(" ") || "—";
  }

  function row(o) {
    var html = '<tr data-testid="order-row" data-order="' + esc(o.order_no) + '"><td class="nowrap">' + esc(o.order_no_display) +
      "</td><td>" + esc(o.description) + "</td><td>¥" + esc(o.amount_yuan) + "</td><td>" + esc(o.channel_label) +
      '</td><td data-testid="order-status">' + esc(o.status_label) +
      (o.close_reason_label ? "（" + esc(o.close_reason_label) + "）" : "") +
      (o.settled ? '<div class="small muted" data-testid="order-settled">报名缴费成功</div>' : "") + "</td><td>" + esc(AUSM.fmtTime(o.created_at)) +
      "</td><td>" + esc(o.paid_at ? AUSM.fmtTime(o.paid_at) : "—") + "</td><td>" + actions(o) + "</td></tr>";
    (o.refunds || []).forEach(function (r) {
      html += '<tr class="sub-row" data-testid="refund-row"><td></td><td colspan="7">退款 ' + esc(r.refund_no) + "：¥" +
        esc(r.amount_yuan) + "，" + esc(r.status_label) + '，原因：<span data-testid="refund-reason">' + esc(r.reason) +
        "</span>" + (r.succeeded_at ? "（" + esc(AUSM.fmtTime(r.succeeded_at)) + "）" : "") + "</td></tr>";
    });
    return html;
  }

  AUSM.api("GET", "/api/v1/me/orders").then(function (orders) {
    body.innerHTML = orders.length ? orders.map(row).join("") : '<tr><td colspan="8" class="empty">暂无订单</td></tr>';
  }, function (err) {
    body.innerHTML = '<tr><td colspan="8" class="empty">' + esc(AUSM.errorText(err)) + "</td></tr>";
  });
})();
