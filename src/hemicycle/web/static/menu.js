// The main navigation folds under "Menu" on a phone, so the page starts near the top of
// the screen; wider screens always show it (its summary is hidden there). Loaded right
// after the header, not deferred, so the menu never opens and then closes in view.
(function () {
  const menu = document.querySelector("details.menu");
  if (!menu) return;
  const narrow = window.matchMedia("(max-width: 47.99rem)");
  const fit = () => { menu.open = !narrow.matches; };
  fit();
  narrow.addEventListener("change", fit);
})();
