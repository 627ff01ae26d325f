// The page viewer on a document page: OpenSeadragon (served from /assets) over the
// document's IIIF manifest. One pane per language version, a second pane to compare
// two languages side by side, thumbnails, page navigation and the page's text beside
// the image (selectable). Configuration comes from data- attributes on
// section[data-viewer]: no inline script (Content-Security-Policy). Once it runs it hides
// the record page's thumbnails ([data-viewer-fallback]), shown to readers without scripts.
(() => {
  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value !== null && value !== undefined) node.setAttribute(name, value);
    }
    node.append(...children);
    return node;
  };
  const firstLabel = (map, lang) => {
    if (!map) return "";
    const values = map[lang] || map.en || map.none || Object.values(map)[0] || [""];
    return values[0];
  };

  // canvases per language, from the manifest's ranges (one Range per language)
  function languages(manifest) {
    const canvases = new Map(manifest.items.map((c) => [c.id, c]));
    const out = [];
    for (const range of manifest.structures || []) {
      const code = range.id.split("/").pop();
      const pages = range.items.map((ref) => canvases.get(ref.id)).filter(Boolean).map((canvas) => {
        const service = canvas.items[0].items[0].body.service[0].id;
        return { service, info: `${service}/info.json`, thumb: `${service}/full/,120/0/default.jpg`, label: canvas.label };
      });
      out.push({ code, label: range.label, rtl: range.viewingDirection === "right-to-left", pages });
    }
    return out;
  }

  class Pane {
    constructor(root, config, langs, code, index) {
      this.root = root;
      this.config = config;
      this.langs = langs;
      this.index = index;
      this.page = 0;
      this.texts = new Map();
      this.build();
      this.show(code);
    }

    build() {
      const t = this.config;
      const id = `viewer-${this.index}`;
      this.select = el("select", { id: `${id}-lang` });
      for (const lang of this.langs) {
        this.select.append(el("option", { value: lang.code, lang: lang.code }, firstLabel(lang.label, lang.code)));
      }
      this.select.addEventListener("change", () => this.show(this.select.value));
      this.prev = el("button", { type: "button", "data-viewer-prev": "" }, t.prev);
      this.next = el("button", { type: "button", "data-viewer-next": "" }, t.next);
      this.status = el("span", { "aria-live": "polite", "data-viewer-status": "" });
      this.prev.addEventListener("click", () => this.go(this.page - 1));
      this.next.addEventListener("click", () => this.go(this.page + 1));
      this.osdBox = el("div", { class: "osd", id: `${id}-osd`, role: "img", "aria-label": t.image });
      this.thumbs = el("div", { class: "thumbs", role: "group", "aria-label": t.thumbnails });
      this.text = el("div", { class: "ocr", tabindex: "0", role: "region", "aria-label": t.text, "data-viewer-text": "" });
      this.root.append(
        el("div", { class: "toolbar" }, el("label", { for: `${id}-lang` }, t.language), this.select, this.prev, this.status, this.next),
        el("div", { class: "stage" }, this.osdBox, el("div", { class: "page-text" }, el("h3", {}, t.text), this.text)),
        this.thumbs);
      this.osd = OpenSeadragon({
        element: this.osdBox, prefixUrl: "/assets/openseadragon/images/", sequenceMode: true,
        showNavigator: false, showSequenceControl: false, showHomeControl: true,
        showFullPageControl: true, crossOriginPolicy: "Anonymous", preserveViewport: false,
      });
      this.osd.addHandler("page", (event) => { this.page = event.page; this.refresh(); });
    }

    show(code) {
      this.lang = this.langs.find((l) => l.code === code) || this.langs[0];
      this.select.value = this.lang.code;
      this.root.dataset.lang = this.lang.code;
      this.page = 0;
      this.osd.open(this.lang.pages.map((p) => p.info));
      this.thumbs.replaceChildren(...this.lang.pages.map((p, i) => {
        const button = el("button", { type: "button", "aria-label": `${this.config.page} ${i + 1}` },
          el("img", { src: p.thumb, alt: "", loading: "lazy" }));
        button.addEventListener("click", () => this.go(i));
        return button;
      }));
      this.thumbs.dir = this.lang.rtl ? "rtl" : "ltr";
      this.loadText();
      this.refresh();
    }

    go(page) {
      if (page < 0 || page >= this.lang.pages.length) return;
      this.page = page;
      this.osd.goToPage(page);
      this.refresh();
    }

    async loadText() {
      const code = this.lang.code;
      if (!this.texts.has(code)) {
        try {
          const response = await fetch(this.config.textUrl.replace("{lang}", code), { headers: { Accept: "application/json" } });
          this.texts.set(code, response.ok ? (await response.json()).pages : []);
        } catch (error) {
          this.texts.set(code, []);
        }
      }
      this.refresh();
    }

    refresh() {
      const total = this.lang.pages.length;
      this.status.textContent = this.config.pageOf.replace("{page}", this.page + 1).replace("{pages}", total);
      this.prev.disabled = this.page === 0;
      this.next.disabled = this.page >= total - 1;
      [...this.thumbs.children].forEach((b, i) => b.setAttribute("aria-current", i === this.page ? "true" : "false"));
      const pages = this.texts.get(this.lang.code);
      this.text.lang = this.lang.code;
      this.text.dir = this.lang.rtl ? "rtl" : "ltr";
      this.text.textContent = pages === undefined ? "…" : (pages[this.page] || this.config.noText);
    }
  }

  async function start(section) {
    if (typeof OpenSeadragon === "undefined") return;
    const config = { ...section.dataset };
    const response = await fetch(config.manifest, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const langs = languages(await response.json());
    if (!langs.length) return;
    const panes = el("div", { class: "viewer" });
    const first = el("div", { class: "viewer-pane", "data-viewer-pane": "0" });
    panes.append(first);
    section.querySelector("[data-viewer-mount]").replaceChildren(panes);
    const preferred = langs.find((l) => l.code === config.lang) ? config.lang : langs[0].code;
    new Pane(first, config, langs, preferred, 0);
    if (langs.length > 1) {
      const compare = el("button", { type: "button", "data-viewer-compare": "" }, config.compare);
      compare.addEventListener("click", () => {
        const second = el("div", { class: "viewer-pane", "data-viewer-pane": "1" });
        panes.append(second);
        panes.classList.add("side-by-side");
        const other = langs.find((l) => l.code !== first.dataset.lang) || langs[0];
        new Pane(second, config, langs, other.code, 1);
        compare.remove();
      });
      section.querySelector("[data-viewer-mount]").prepend(compare);
    }
    section.dataset.viewerReady = "true";
    // the page thumbnails are the page's answer without JavaScript: the viewer replaces them
    for (const fallback of document.querySelectorAll("[data-viewer-fallback]")) fallback.hidden = true;
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const section of document.querySelectorAll("section[data-viewer]")) start(section);
  });
})();
