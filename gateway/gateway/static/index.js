/* 首页: the 信息采集 tile asks for login or real-name verification first. */
(function () {
  var kind = document.body.getAttribute("data-caller");
  var realname = document.body.getAttribute("data-realname");
  document.getElementById("tile-collect").addEventListener("click", function () {
    if (kind !== "person") {
      if (kind === "staff") { AUSM.toast("请使用会计人员账号登录后办理信息采集"); return; }
      location.assign("/login?next=" + encodeURIComponent("/"));
      return;
    }
    if (realname !== "verified") { AUSM.openDialog("realname-dialog"); return; }
    location.assign("/collection");
  });
})();
