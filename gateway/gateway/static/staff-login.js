/* 管理部门工作人员登录 (/staff/login). */
(function () {
  var form = document.getElementById("staff-login-form");
  var next = AUSM.safeNext(form.getAttribute("data-next"), "/staff/realname");
  AUSM.bindForm(form, {
    url: "/api/v1/staff/sessions",
    busyText: "登录中…",
    transform: function (data) { data.transport = "cookie"; return data; },
    onSuccess: function () {
      AUSM.showAlert(form, "登录成功，正在跳转…", "success");
      location.assign(next);
    }
  });
})();
