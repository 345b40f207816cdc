// The front page's search: narrows the product list as you type. Every word must match: a plain word anywhere
// in a product's fields or description; a word written `field:value` (product, domain, owner, column,
// classification, kind) the start of a word of that field only. A query in the address (#q=domain:users) is
// applied on load and on change. No request is made.
(function () {
  "use strict";
  var FIELDS = ["product", "domain", "owner", "column", "classification", "kind"];
  var input = document.getElementById("search");
  var list = document.getElementById("products");
  if (!input || !list) {
    return;
  }
  var items = Array.prototype.slice.call(list.children);
  var count = document.getElementById("count");
  var empty = document.getElementById("empty");

  function parse(query) {
    return query.toLowerCase().split(/\s+/).filter(Boolean).map(function (word) {
      var colon = word.indexOf(":");
      var field = colon > 0 ? word.slice(0, colon) : "";
      if (FIELDS.indexOf(field) >= 0 && colon < word.length - 1) {
        return { field: field, value: word.slice(colon + 1) };
      }
      return { field: "", value: word };
    });
  }

  function matches(item, term) {
    if (!term.field) {
      return ["text"].concat(FIELDS).some(function (field) {
        return (item.getAttribute("data-" + field) || "").indexOf(term.value) >= 0;
      });
    }
    return (item.getAttribute("data-" + term.field) || "").split(/\s+/).some(function (word) {
      return word.indexOf(term.value) === 0;
    });
  }

  function apply() {
    var terms = parse(input.value);
    var shown = 0;
    items.forEach(function (item) {
      var ok = terms.every(function (term) { return matches(item, term); });
      item.hidden = !ok;
      shown += ok ? 1 : 0;
    });
    count.textContent = shown + " of " + items.length + " products";
    empty.hidden = shown !== 0;
  }

  function fromAddress() {
    if (location.hash.indexOf("#q=") === 0) {
      input.value = decodeURIComponent(location.hash.slice(3));
      apply();
    }
  }

  input.addEventListener("input", apply);
  list.addEventListener("click", function (event) {
    var tag = event.target.closest("button.tag");
    if (tag) {
      input.value = tag.getAttribute("data-query");
      apply();
      input.focus();
    }
  });
  window.addEventListener("hashchange", fromAddress);
  fromAddress();
})();
