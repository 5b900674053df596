// NetAssist sample site: a clock, and one fetch so that the request list shows a
// request made by a script (compare its Accept header with the page's).
(function () {
  "use strict";
  var clock = document.getElementById("clock");
  function tick() { clock.textContent = new Date().toLocaleTimeString(); }
  tick();
  setInterval(tick, 1000);

  var hello = document.getElementById("hello");
  fetch("api/hello.json", { headers: { "Accept": "application/json" } })
    .then(function (r) {
      if (!r.ok) { throw new Error(r.status + " " + r.statusText); }
      return r.json();
    })
    .then(function (data) { hello.textContent = data.zh + " / " + data.en; })
    .catch(function (err) { hello.textContent = "fetch failed 请求失败: " + err.message; });
})();
