// Rekindle dashboard: small enhancements over pages that work without JavaScript.
// htmx requests carry the form token in a header (the server refuses state changes without it).
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="rekindle-token"]');
  if (meta) {
    event.detail.headers["X-Rekindle-Token"] = meta.content;
  }
});
