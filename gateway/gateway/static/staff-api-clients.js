/* Province API clients (/staff/api-clients): register with a secret (shown once) or a public key
   (private_key_jwt), rotate the secret or the key (the old one stays valid for the overlap), revoke. */
(function () {
  "use strict";

  var esc = AUSM.esc;
  var el = function (id) { return document.getElementById(id); };
  var KEY_METHOD = "private_key_jwt";
  var clients = {};

  function show(html) {
    var box = el("client-secret");
    box.innerHTML = html;
    box.hidden = false;
    box.scrollIntoView();
  }
  function showSecret(client, what) {
    if (!client.client_secret) {     // a private_key_jwt client: no secret exists
      show(esc(what) + "：client_id <code data-testid=\"secret-client-id\">" + esc(client.client_id) +
        "</code>，认证方式 <code>private_key_jwt</code>，公钥 kid <code data-testid=\"key-kid\">" +
        esc((client.public_key || {}).kid || "") + "</code>（平台只保存公钥，私钥留在省级系统中）");
      return;
    }
    show(esc(what) + "：client_id <code data-testid=\"secret-client-id\">" + esc(client.client_id) +
      "</code>，client_secret <code data-testid=\"secret-value\">" + esc(client.client_secret) +
      "</code>（只显示这一次，请立即妥善保存）");
  }
  function row(c) {
    var keyClient = c.token_endpoint_auth_method === KEY_METHOD;
    var actions = c.active
      ? '<button type="button" class="btn btn-small" data-rotate="' + esc(c.client_id) + '" data-testid="client-rotate">' +
        (keyClient ? "轮换公钥" : "轮换密钥") + "</button> " +
        '<button type="button" class="btn btn-small btn-danger" data-revoke="' + esc(c.client_id) + '" data-testid="client-revoke">停用</button>'
      : "";
    var previous = c.previous_secret_valid_until || c.previous_key_valid_until;
    var status = c.active ? (previous ? "启用（" + (c.previous_key_valid_until ? "旧公钥" : "旧密钥") + "有效至 " +
      esc(AUSM.fmtTime(previous)) + "）" : "启用") : "已停用";
    var method = "<code>" + esc(c.token_endpoint_auth_method || "client_secret_basic") + "</code>" +
      (keyClient && c.public_key ? "<br><small>kid " + esc(c.public_key.kid) + "</small>" : "");
    return '<tr data-testid="client-row"><td>' + esc(c.name) + "</td><td><code>" + esc(c.client_id) + "</code></td><td>" +
      esc(c.province_name || c.province_code) + "</td><td>" + c.scopes.map(function (s) { return "<code>" + esc(s) + "</code>"; }).join(" ") +
      "</td><td>" + method + "</td><td>" + status + "</td><td>" + actions + "</td></tr>";
  }
  function load() {
    return AUSM.api("GET", "/api/v1/api-clients").then(function (list) {
      clients = {};
      list.forEach(function (c) { clients[c.client_id] = c; });
      el("clients-body").innerHTML = list.length ? list.map(row).join("") : '<tr><td colspan="7" class="empty">暂无客户端</td></tr>';
    });
  }
  function syncMethod() {
    var keyed = el("client-auth-method").value === KEY_METHOD;
    el("public-key-field").hidden = !keyed;
    el("client-public-key").disabled = !keyed;      // disabled fields are not sent
    el("client-public-key").required = keyed;
  }
  function openKeyRotation(clientId) {
    var form = el("rotate-key-form");
    form.reset();
    AUSM.clearErrors(form);
    form.setAttribute("data-client", clientId);
    el("rotate-key-client").textContent = clientId;
    el("rotate-key").hidden = false;
    el("rotate-public-key").focus();
  }
  AUSM.ready(function () {
    el("client-auth-method").addEventListener("change", syncMethod);
    syncMethod();
    AUSM.bindForm(el("client-form"), {
      url: "/api/v1/api-clients",
      busyText: "登记中…",
      transform: function (data, form) {
        data.scopes = Array.prototype.map.call(form.querySelectorAll("input[name=scopes]:checked"), function (i) { return i.value; });
        return data;
      },
      onSuccess: function (client, form) { showSecret(client, "已登记"); form.reset(); syncMethod(); return load(); }
    });
    AUSM.bindForm(el("rotate-key-form"), {
      url: function (data, form) { return "/api/v1/api-clients/" + encodeURIComponent(form.getAttribute("data-client")) + "/rotate"; },
      busyText: "登记中…",
      transform: function (data) {
        return { public_key: data.public_key, overlap_seconds: parseInt(data.overlap_seconds, 10),
                 token_endpoint_auth_method: KEY_METHOD };
      },
      onSuccess: function (client) { el("rotate-key").hidden = true; showSecret(client, "已轮换公钥（旧公钥在并行期内仍可验证）"); return load(); }
    });
    el("rotate-key-cancel").addEventListener("click", function () { el("rotate-key").hidden = true; });
    el("clients-body").addEventListener("click", function (event) {
      var rotate = event.target.getAttribute("data-rotate"), revoke = event.target.getAttribute("data-revoke");
      if (rotate && clients[rotate] && clients[rotate].token_endpoint_auth_method === KEY_METHOD) {
        openKeyRotation(rotate);
      } else if (rotate) {
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
