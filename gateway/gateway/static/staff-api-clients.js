/* Province API clients (/staff/api-clients): register (the secret is shown once), rotate, revoke. */
(function () {
  "use strict";

  var esc = AUSM.esc;
  var el = function (id) { return document.getElementById(id); };

  function showSecret(client, what) {
    var box = el("client-secret");
    box.innerHTML = esc(what) + "：client_id <code data-testid=\"secret-client-id\">" + esc(client.client_id) +
      "</code>，client_secret <code data-testid=\"secret-value\">" + esc(client.client_secret) +
      "</code>（只显示这一次，请立即妥善保存）";
    box.hidden = false;
    box.scrollIntoView();
  }
  function row(c) {
    var actions = c.active
      ? '<button type="button" class="btn btn-small" data-rotate="' + esc(c.client_id) + '" data-testid="client-rotate">轮换密钥</button> ' +
        '<button type="button" class="btn btn-small btn-danger" data-revoke="' + esc(c.client_id) + '" data-testid="client-revoke">停用</button>'
      : "";
    var status = c.active ? (c.previous_secret_valid_until ? "启用（旧密钥有效至 " + esc(AUSM.fmtTime(c.previous_secret_valid_until)) + "）" : "启用")
      : "已停用";
    return '<tr data-testid="client-row"><td>' + esc(c.name) + "</td><td><code>" + esc(c.client_id) + "</code></td><td>" +
      esc(c.province_name || c.province_code) + "</td><td>" + c.scopes.map(function (s) { return "<code>" + esc(s) + "</code>"; }).join(" ") +
      "</td><td>" + status + "</td><td>" + actions + "</td></tr>";
  }
  function load() {
    return AUSM.api("GET", "/api/v1/api-clients").then(function (list) {
      el("clients-body").innerHTML = list.length ? list.map(row).join("") : '<tr><td colspan="6" class="empty">暂无客户端</td></tr>';
    });
  }
  AUSM.ready(function () {
    AUSM.bindForm(el("client-form"), {
      url: "/api/v1/api-clients",
      busyText: "登记中…",
      transform: function (data, form) {
        data.scopes = Array.prototype.map.call(form.querySelectorAll("input[name=scopes]:checked"), function (i) { return i.value; });
        return data;
      },
      onSuccess: function (client, form) { showSecret(client, "已登记"); form.reset(); return load(); }
    });
    el("clients-body").addEventListener("click", function (event) {
      var rotate = event.target.getAttribute("data-rotate"), revoke = event.target.getAttribute("data-revoke");
      if (rotate) {
        AUSM.api("POST", "/api/v1/api-clients/" + encodeURIComponent(rotate) + "/rotate", {})
          .then(function (client) { showSecret(client, "已轮换（旧密钥 24 小时内仍可使用）"); return load(); },
                function (err) { AUSM.toast(AUSM.errorText(err)); });
      } else if (revoke && window.confirm("停用后该客户端立即无法调用接口，确定停用？")) {
        AUSM.api("POST", "/api/v1/api-clients/" + encodeURIComponent(revoke) + "/revoke", {})
          .then(load, function (err) { AUSM.toast(AUSM.errorText(err)); });
      }
    });
    load();
  });
})();
