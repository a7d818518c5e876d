// praxis serve: live reload. Served only by `praxis serve`, never part of a built site.
// Long-polls /__praxis/wait on the same port; reloads when the site was rebuilt,
// swaps the stylesheets in place when only stylesheets changed, and shows an
// overlay (plain text, never HTML) while the last rebuild failed.
(function () {
  "use strict";
  var me = document.currentScript;
  var site = (me && me.getAttribute("data-gen")) || "0";
  var seen = site;
  var overlay = null;
  function show(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "praxis-error-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
        "background:rgba(25,25,25,.95);color:#fff;padding:2rem;font:14px/1.5 ui-monospace,monospace";
      var title = document.createElement("strong");
      title.textContent = "praxis: the last rebuild failed. This is the last good version; fix the file and save.";
      var pre = document.createElement("pre");
      pre.style.whiteSpace = "pre-wrap";
      overlay.appendChild(title);
      overlay.appendChild(pre);
      document.body.appendChild(overlay);
    }
    overlay.lastChild.textContent = text;
  }
  function hide() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }
  // Re-fetches this origin's stylesheets; the page keeps its scroll position.
  function swapStyles(gen) {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href, location.href);
      if (url.origin !== location.origin) continue;
      url.searchParams.set("praxis-reload", gen);
      links[i].href = url.href;
    }
  }
  function poll(delay) {
    setTimeout(function () {
      fetch("/__praxis/wait?gen=" + encodeURIComponent(seen), { cache: "no-store" })
        .then(function (r) {
          if (r.status === 204) return null;
          if (!r.ok) throw new Error("HTTP " + r.status);
          return r.json();
        })
        .then(function (s) {
          if (s) {
            if (String(s.site) !== site) {
              if (Number(s.content) > Number(site)) {
                location.reload();
                return;
              }
              swapStyles(s.site);
              site = String(s.site);
            }
            seen = String(s.gen);
            if (s.error) show(s.error); else hide();
          }
          poll(0);
        }, function () {
          poll(1000);
        });
    }, delay);
  }
  poll(0);
})();
