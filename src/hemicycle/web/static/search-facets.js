// A result page goes out before its facet counts when they are still being counted: fetch
// them (/search/facets, the same parameters) into the sidebar. Without this script, the
// sidebar's link loads the page again, waiting for the counts.
for (const aside of document.querySelectorAll("[data-facets-src]")) {
  fetch(aside.dataset.facetsSrc, { headers: { Accept: "text/html" } })
    .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
    .then((html) => {
      aside.innerHTML = html;
      aside.removeAttribute("data-facets-src");
    })
    .catch(() => {});
}
