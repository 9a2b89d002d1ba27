/* 找回密码 (/forgot-password): reset through the API; the id-type field is set up by static/app.js. */
(function () {
  var form = document.getElementById("forgot-form");
  AUSM.bindForm(form, {
    url: "/api/v1/password-resets",
    transform: function (data) { data.phone = data.phone.replace(/[\s-]/g, ""); return data; },
    onSuccess: function () {
      form.hidden = true;
      var ok = document.getElementById("reset-success");
      ok.hidden = false;
      ok.focus();
    }
  });
})();
