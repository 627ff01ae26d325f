// Subject autocomplete for inputs marked data-autocomplete="<thesaurus autocomplete API>":
// fills the input's <datalist> with concept labels as the reader types. Without
// JavaScript the field still takes any label (the search matches labels).
document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("input[data-autocomplete]")) {
    const list = input.list;
    if (!list) continue;
    let timer = null;
    let last = "";
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const q = input.value.trim();
        if (q.length < 2 || q === last) return;
        last = q;
        const url = `${input.dataset.autocomplete}?q=${encodeURIComponent(q)}&lang=${encodeURIComponent(input.dataset.lang || "")}&limit=10`;
        try {
          const response = await fetch(url, { headers: { Accept: "application/json" } });
          if (!response.ok) return;
          const data = await response.json();
          list.replaceChildren(...data.hits.map((hit) => {
            const option = document.createElement("option");
            option.value = hit.pref || hit.label;
            return option;
          }));
        } catch (error) {
          // no suggestions this time; the field still works
        }
      }, 150);
    });
  }
});
