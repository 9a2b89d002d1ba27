/* 找回密码 (/forgot-password): reset through the API; the id-type field is set up by static/app.js. */
(function () {
  var form = document.getElementById("forgot-form");
  AUSM.bindForm(form, {
    url: "/api/v1/password-resets",
    validate: function (data) {
      if (data.password !== data.password_confirm) return { password_confirm: "两次输入的新密码不一致" };
    },
    transform: function (data) { data.phone = data.phone.replace(/[\s-]/g, ""); return data; },
    onSuccess: function () {
      form.hidden = true;
      var ok = document.getElementById("reset-success");
      ok.hidden = false;
      ok.focus();
    }
  });
})();
