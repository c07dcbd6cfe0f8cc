// MathJax settings for pymdownx.arithmatex (generic mode): it wraps math in
// <span class="arithmatex">\( … \)</span> and <div class="arithmatex">\[ … \]</div>,
// so only those elements are typeset.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
  },
  // Typesetting is done below, once per page, for the first page and for each page that
  // navigation.instant swaps in without a reload.
  startup: { typeset: false },
};

document$.subscribe(() => {
  MathJax.startup.promise = MathJax.startup.promise.then(() => {
    MathJax.startup.output.clearCache();
    MathJax.typesetClear();
    MathJax.texReset();
    return MathJax.typesetPromise();
  });
});
