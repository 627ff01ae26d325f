// /api/docs: Swagger UI from the local copy of swagger-ui-dist; the spec URL comes from
// the page (data-spec-url), so no inline script is needed.
document.addEventListener("DOMContentLoaded", () => {
  const target = document.getElementById("swagger-ui");
  if (!target || typeof SwaggerUIBundle === "undefined") return;
  // deepLinking off: it puts a link inside each operation's toggle button (nested controls)
  SwaggerUIBundle({ url: target.dataset.specUrl, dom_id: "#swagger-ui", deepLinking: false });
});
