/* deskbot chat widget. Embed with:
 *   <script src="https://support.example.com/widget.js" data-account-key="KEY" async></script>
 * Optional: data-token (a token minted by your site instead of the key), data-name,
 * data-lang ("en" | "zh"), data-position ("right" | "left"), data-color ("#4f46e5").
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__deskbotWidget) { return; }
  window.__deskbotWidget = true;
  var origin = new URL(script.src, location.href).origin;
  var d = script.dataset;
  var zh = (d.lang || navigator.language || "en").toLowerCase().indexOf("zh") === 0;
  var label = zh ? "技术支持" : "Support";
  var color = /^#[0-9a-fA-F]{3,8}$/.test(d.color || "") ? d.color : "#4f46e5";
  var side = d.position === "left" ? "left" : "right";

  var hash = new URLSearchParams();
  if (d.accountKey) { hash.set("key", d.accountKey); }
  if (d.token) { hash.set("token", d.token); }
  if (d.name) { hash.set("name", d.name); }
  var src = origin + "/?embed=1" + (d.lang ? "&lang=" + encodeURIComponent(d.lang) : "") + "#" + hash.toString();

  var button = document.createElement("button");
  button.type = "button";
  button.setAttribute("aria-label", label);
  button.setAttribute("aria-expanded", "false");
  button.textContent = label;
  button.style.cssText = "position:fixed;bottom:20px;" + side + ":20px;z-index:2147483000;border:0;border-radius:999px;" +
    "padding:12px 18px;font:600 15px/1 system-ui,-apple-system,'Segoe UI',sans-serif;color:#fff;background:" + color +
    ";box-shadow:0 6px 24px rgba(0,0,0,.18);cursor:pointer";

  var frame = null;
  function open() {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.src = src;
      frame.title = label;
      frame.allow = "clipboard-write";
      frame.style.cssText = "position:fixed;bottom:80px;" + side + ":20px;z-index:2147483000;width:min(400px,calc(100vw - 24px));" +
        "height:min(640px,calc(100vh - 110px));border:1px solid rgba(0,0,0,.08);border-radius:16px;background:#fff;" +
        "box-shadow:0 12px 48px rgba(0,0,0,.22)";
      document.body.appendChild(frame);
    } else {
      frame.style.display = frame.style.display === "none" ? "block" : "none";
    }
    button.setAttribute("aria-expanded", frame.style.display === "none" ? "false" : "true");
  }
  button.addEventListener("click", open);
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && frame && frame.style.display !== "none") { frame.style.display = "none"; button.setAttribute("aria-expanded", "false"); button.focus(); }
  });
  function mount() { document.body.appendChild(button); }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
