// Autocomplete for thesaurus search boxes: fills the input's <datalist> from the JSON API.
// The form works without it (it submits to the search page).
(function () {
  document.querySelectorAll("input[data-autocomplete]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var select = input.form.querySelector("select[name=lang]");
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (!q) { list.innerHTML = ""; return; }
        var url = input.dataset.autocomplete + "?limit=10&q=" + encodeURIComponent(q) +
          "&lang=" + encodeURIComponent(select ? select.value : document.documentElement.lang);
        fetch(url).then(function (r) { return r.ok ? r.json() : { hits: [] }; }).then(function (data) {
          if (input.value.trim() !== q) { return; }  // a newer keystroke: this answer is stale
          list.innerHTML = "";
          data.hits.forEach(function (hit) {
            var option = document.createElement("option");
            // hidden labels (misspellings) match but are never shown: offer the prefLabel
            option.value = hit.kind === "hidden" ? (hit.pref || hit.label) : hit.label;
            if (hit.kind === "alt" && hit.pref) { option.label = hit.label + " → " + hit.pref; }
            list.appendChild(option);
          });
        });
      }, 150);
    });
  });
})();
