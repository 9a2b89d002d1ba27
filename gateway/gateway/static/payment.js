/* 网上缴费 ([data-payment-page]): the enrollment summary, 生成订单 after the SMS code and e-mail, the QR of the
 * chosen channel with its countdown, and the status kept up to date by polling the order (no reload) until
 * 报名成功. Every label and amount comes from the API. */
(function () {
  "use strict";
  var root = document.querySelector("[data-payment-page]");
  if (!root) return;
  var esc = AUSM.esc;
  var ref = root.getAttribute("data-ref");
  var el = function (role) { return root.querySelector('[data-role="' + role + '"]'); };
  var form = el("order-form");
  var current = null, pollTimer = null, countdownTimer = null, settledAt = 0, channels = [];

  function alert(message, kind) {
    var box = el("alert");
    if (!message) { box.hidden = true; return; }
    AUSM.showAlert(box, message, kind || "error");
  }

  function setStep(step) {
    AUSM.examSteps(step);
  }

  function renderSummary(data) {
    var s = data.summary || {}, rows = [];
    rows.push(["考生姓名", s.name]);
    if (s.enrollment_no) rows.push(["报名注册号", s.enrollment_no]);
    if (s.level_label || s.level) rows.push(["报考级别", s.level_label || s.level]);
    if (s.subjects && s.subjects.length) {
      rows.push(["报考科目", s.subjects.map(function (x) { return x.name; }).join("、")]);
    }
    if (s.site) rows.push(["报名点", s.site]);
    if (data.payable) {
      rows.push(["应缴金额", "¥" + data.payable.amount_yuan]);
      rows.push(["缴费截止时间", AUSM.fmtTime(data.payable.deadline)]);
    }
    el("summary").innerHTML = rows.map(function (r) {
      return "<dt>" + esc(r[0]) + '</dt><dd data-testid="summary-' + esc(r[0]) + '">' + esc(r[1] || "—") + "</dd>";
    }).join("");
    // what the enrollment's owner says before paying (考后资格审核: the record may fail the review after the exam)
    var warnings = (data.payable && !data.settled_order && data.payable.warnings) || [], box = el("warnings");
    box.hidden = !warnings.length;
    box.innerHTML = warnings.length ? "<strong>缴费前请注意：</strong><ul>" + warnings.map(function (t) {
      return "<li>" + esc(t) + "</li>"; }).join("") + "</ul>" : "";
  }

  function renderChannels(list) {
    channels = list || [];
    var box = el("channels");
    box.querySelectorAll("label").forEach(function (l) { l.remove(); });
    channels.forEach(function (c, i) {
      var label = document.createElement("label");
      label.innerHTML = '<input type="radio" name="channel" value="' + esc(c.code) + '"' + (i === 0 ? " checked" : "") +
        ' data-testid="channel-' + esc(c.code) + '"> ' + esc(c.label);
      box.appendChild(label);
    });
  }

  function fillOrder(o) {
    root.querySelector('[data-field="order_no"]').textContent = o ? o.order_no_display : "";
    root.querySelector('[data-field="amount"]').textContent = o ? "¥" + o.amount_yuan : "";
    root.querySelector('[data-field="created_at"]').textContent = o ? AUSM.fmtTime(o.created_at) : "";
  }

  function renderRefunds(orders) {
    var notes = [];
    (orders || []).forEach(function (o) {
      (o.refunds || []).forEach(function (r) {
        notes.push('<li data-testid="refund-note">订单 ' + esc(o.order_no_display) + " 的 ¥" + esc(r.amount_yuan) + " " +
          esc(r.status_label) + "：" + esc(r.reason) + "</li>");
      });
    });
    el("refunds").innerHTML = notes.join("");
  }

  function setStatus(text, kind) {
    var badge = el("status");
    badge.textContent = text;
    badge.className = "badge" + (kind ? " badge-" + kind : "");
  }

  function showQr(o) {
    current = o;
    fillOrder(o);
    form.hidden = true;
    el("qr").hidden = false;
    el("qr-img").src = "/api/v1/payments/orders/" + encodeURIComponent(o.order_no) + "/qr.svg?t=" + Date.now();
    el("qr-channel").textContent = o.channel_label;
    el("scan-link").href = o.code_url || "#";
    var row = el("switch");
    row.querySelectorAll("button").forEach(function (b) { b.remove(); });
    channels.forEach(function (c) {
      if (c.code === o.channel) return;
      var b = document.createElement("button");
      b.type = "button";
      b.className = "btn btn-sm";
      b.textContent = c.label;
      b.setAttribute("data-testid", "switch-" + c.code);
      b.addEventListener("click", function () { switchTo(c.code, b); });
      row.appendChild(b);
    });
    setStatus("待支付", "warn");
    startCountdown(o.seconds_left || 0);
    poll();
  }

  function startCountdown(seconds) {
    clearInterval(countdownTimer);
    var until = Date.now() + seconds * 1000;
    function tick() {
      var left = Math.max(0, Math.round((until - Date.now()) / 1000));
      el("countdown").textContent = String(Math.floor(left / 60)).padStart(2, "0") + ":" + String(left % 60).padStart(2, "0");
      if (!left) clearInterval(countdownTimer);
    }
    tick();
    countdownTimer = setInterval(tick, 1000);
  }

  function showForm() {
    clearInterval(countdownTimer);
    el("qr").hidden = true;
    form.hidden = false;
  }

  function showDone(o, orders) {
    clearInterval(countdownTimer);
    fillOrder(o);
    form.hidden = true;
    el("qr").hidden = true;
    var info = el("paid-info");
    info.textContent = "已通过" + o.channel_label + "支付 ¥" + o.amount_yuan + "，支付平台交易号 " + (o.channel_txn_id || "—") +
      "，支付时间 " + AUSM.fmtTime(o.paid_at) + "。";
    info.hidden = false;
    setStep(6);
    setStatus("已缴费（" + o.channel_label + "）", "ok");
    var receipt = el("receipt");
    receipt.href = "/api/v1/payments/orders/" + encodeURIComponent(o.order_no) + "/receipt.pdf";
    receipt.hidden = false;
    el("done-order").textContent = o.order_no_display;
    el("done").hidden = false;
    renderRefunds(orders);
    if (!settledAt) settledAt = Date.now();
  }

  function apply(data) {
    if (!channels.length) renderChannels(data.channels);
    renderSummary(data);
    renderRefunds(data.orders);
    if (data.settled_order) { showDone(data.settled_order, data.orders); schedule(3000, reload); return; }
    if (data.open_order) { showQr(data.open_order); return; }
    fillOrder(null);
    var closed = (data.orders || [])[0];
    if (closed && closed.status === "closed") {
      setStatus("订单已关闭（" + (closed.close_reason_label || "") + "），请重新生成订单", "err");
    }
    if (data.refusal) { alert(data.refusal.message); form.hidden = true; return; }
    showForm();
  }

  function schedule(ms, fn) {
    clearTimeout(pollTimer);
    // after 报名成功, keep an eye on refunds of other payments for two minutes, then stop
    if (settledAt && Date.now() - settledAt > 120000) return;
    pollTimer = setTimeout(fn, ms);
  }

  function reload() {
    AUSM.api("GET", "/api/v1/payments/payables/" + encodeURIComponent(ref)).then(apply, function (err) {
      alert(AUSM.errorText(err));
    });
  }

  function poll() {
    if (!current) return;
    schedule(2000, function () {
      AUSM.api("GET", "/api/v1/payments/orders/" + encodeURIComponent(current.order_no)).then(function (o) {
        if (o.status === "pending") { poll(); return; }
        current = null;
        reload();                       // paid, closed or refunded: the page shows what it means
      }, function () { poll(); });
    });
  }

  function switchTo(channel, button) {
    AUSM.setBusy(button, true, "正在生成…");
    AUSM.api("POST", "/api/v1/payments/orders/" + encodeURIComponent(current.order_no) + "/switch",
             { channel: channel }).then(function (o) { alert(""); showQr(o); }, function (err) {
      AUSM.setBusy(button, false);
      alert(AUSM.errorText(err));
      reload();
    });
  }

  AUSM.bindForm(form, {
    url: "/api/v1/payments/orders",
    busyText: "正在生成订单…",
    validate: function (data) { return data.channel ? {} : { channel: "请选择支付平台" }; },
    transform: function (data) {
      return { ref: ref, channel: data.channel, phone: (data.phone || "").replace(/[\s-]/g, ""),
               sms_code: data.sms_code, email: data.email };
    },
    onSuccess: function (o) { alert(""); showQr(o); },
    onError: function (err) { if (err.status === 409) reload(); }
  });

  reload();
})();
