/* 新用户注册 (/register); the id-type field is set up by static/app.js. */
(function () {
  var form = document.getElementById("register-form");
  AUSM.bindForm(form, {
    url: "/api/v1/accounts",
    transform: function (data) {
      data.phone = data.phone.replace(/[\s-]/g, "");
      if (data.id_type !== "foreign_passport") data.nationality = null;
      return data;
    },
    onSuccess: function () {
      form.hidden = true;
      var ok = document.getElementById("register-success");
      ok.hidden = false;
      ok.focus && ok.setAttribute("tabindex", "-1");
      ok.focus();
      setTimeout(function () { location.assign("/login"); }, 2000);
    }
  });
})();
