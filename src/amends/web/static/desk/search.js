// Search as you type on the posts page. The form works without this (its Search button); with
// it, the results are fetched as the officer types or changes a filter and put in place, and the
// address kept in step so Back and a shared link show the same search. The page asks for the
// results alone (the header django-htmx reads). Kept to these few lines, rather than a library,
// because a phone loads it on every search.
(function () {
  "use strict";
  var form = document.querySelector("form[data-results]");
  if (!form || !window.fetch) return;
  var results = document.getElementById(form.getAttribute("data-results"));
  var timer = null;
  var latest = 0;

  function search() {
    var query = new URLSearchParams(new FormData(form)).toString();
    var url = form.action + (query ? "?" + query : "");
    var asked = ++latest;
    fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (answer) {
        if (!answer.ok) throw new Error(String(answer.status));
        return answer.text();
      })
      .then(function (html) {
        if (asked !== latest) return; // a later search has been asked for
        results.innerHTML = html;
        history.replaceState(null, "", url);
      })
      .catch(function () {}); // the Search button still works
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(search, 300);
  }

  form.addEventListener("input", function (event) {
    if (event.target.type === "search") soon();
  });
  form.addEventListener("change", function (event) {
    if (event.target.type !== "search") soon();
  });
})();
