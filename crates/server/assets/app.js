// Rekindle dashboard: small enhancements over pages that work without JavaScript.
// htmx requests carry the form token in a header (the server refuses state changes without it).
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="rekindle-token"]');
  if (meta) {
    event.detail.headers["X-Rekindle-Token"] = meta.content;
  }
});
// A region being refreshed says so (aria-busy) until htmx has swapped the answer in.
document.addEventListener("htmx:beforeRequest", function (event) {
  var target = event.detail.target;
  if (target) {
    target.setAttribute("aria-busy", "true");
  }
});
document.addEventListener("htmx:afterRequest", function (event) {
  var target = event.detail.target;
  if (target) {
    target.removeAttribute("aria-busy");
  }
});
