// /api/docs: Swagger UI from the local copy of swagger-ui-dist; the spec URL comes from
// the page (data-spec-url), so no inline script is needed.
document.addEventListener("DOMContentLoaded", () => {
  const target = document.getElementById("swagger-ui");
  if (!target || typeof SwaggerUIBundle === "undefined") return;
  SwaggerUIBundle({ url: target.dataset.specUrl, dom_id: "#swagger-ui", deepLinking: true });
});
