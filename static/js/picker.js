/* Picker: turns a <select data-picker> into a search box with removable chips.
 * Local mode filters the select's own options (partners); with data-source it asks the server (youths).
 * data-no-create: no "Créer la fiche" link when nothing is found (a filter, not a form that records).
 * The select stays in the form, hidden, and is what gets submitted. Keyboard: arrows, Enter, Escape, Backspace. */
(function () {
  "use strict";

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function initPicker(select) {
    var id = select.id;
    var source = select.dataset.source || "";
    var multiple = select.multiple;
    var listId = id + "_listbox";
    var wrapper = document.createElement("div");
    var chips = document.createElement("ul");
    var input = document.createElement("input");
    var list = document.createElement("ul");
    var status = document.createElement("div");
    // "No result" is said beside the listbox, not inside it: a listbox holds options only.
    var empty = document.createElement("div");
    var results = [];
    var active = -1;
    var timer = null;
    var requestNumber = 0;

    wrapper.className = "picker";
    chips.className = "picker-chips list-unstyled";
    chips.setAttribute("aria-label", "Sélection");
    input.type = "text";
    input.className = "form-control" + (select.classList.contains("form-select-sm") ? " form-control-sm" : "") +
      (select.classList.contains("is-invalid") ? " is-invalid" : "");
    if (select.classList.contains("form-select-sm")) { wrapper.classList.add("picker-sm"); }
    input.id = id + "_search";
    input.autocomplete = "off";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.placeholder = source ? "Tapez un prénom, un surnom ou une référence…" : "Tapez pour chercher…";
    if (select.getAttribute("aria-describedby")) {
      input.setAttribute("aria-describedby", select.getAttribute("aria-describedby"));
    }
    list.className = "picker-list";
    list.id = listId;
    list.setAttribute("role", "listbox");
    list.hidden = true;
    empty.className = "picker-list picker-empty";
    empty.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");

    select.parentNode.insertBefore(wrapper, select);
    wrapper.appendChild(chips);
    wrapper.appendChild(input);
    wrapper.appendChild(list);
    wrapper.appendChild(empty);
    wrapper.appendChild(status);
    wrapper.appendChild(select);
    select.classList.add("picker-select-hidden");
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    var label = document.querySelector('label[for="' + id + '"]');
    if (label) {
      label.htmlFor = input.id;
      label.id = label.id || id + "_label";
      list.setAttribute("aria-labelledby", label.id);
      chips.setAttribute("aria-label", "Sélection : " + label.textContent.replace("*", "").trim());
    }

    function selected() {
      return Array.prototype.filter.call(select.options, function (o) { return o.selected && o.value; });
    }

    function renderChips() {
      chips.innerHTML = "";
      selected().forEach(function (option) {
        var chip = document.createElement("li");
        var text = document.createElement("span");
        var remove = document.createElement("button");
        chip.className = "picker-chip";
        text.textContent = option.textContent;
        remove.type = "button";
        remove.innerHTML = '<i class="bi bi-x-lg" aria-hidden="true"></i>';
        remove.setAttribute("aria-label", "Retirer " + option.textContent);
        remove.addEventListener("click", function () {
          option.selected = false;
          if (source) { option.remove(); }
          renderChips();
          status.textContent = option.textContent + " retiré";
          select.dispatchEvent(new Event("change", { bubbles: true }));
          input.focus();
        });
        chip.appendChild(text);
        chip.appendChild(remove);
        chips.appendChild(chip);
      });
    }

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      empty.hidden = true;
      empty.innerHTML = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function choose(result) {
      var option = Array.prototype.find.call(select.options, function (o) { return o.value === String(result.id); });
      if (!option) {
        option = new Option(result.label, result.id);
        select.add(option);
      }
      if (!multiple) {
        Array.prototype.forEach.call(select.options, function (o) { o.selected = false; });
      }
      option.selected = true;
      input.value = "";
      close();
      renderChips();
      status.textContent = result.label + " ajouté";
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      }
    }

    function render(query, createUrl) {
      list.innerHTML = "";
      empty.innerHTML = "";
      results.forEach(function (result, i) {
        var item = document.createElement("li");
        item.id = listId + "_" + i;
        item.className = "picker-option";
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        var main = document.createElement("span");
        main.textContent = result.label;
        item.appendChild(main);
        if (result.detail) {
          var detail = document.createElement("small");
          detail.textContent = result.detail;
          item.appendChild(detail);
        }
        item.addEventListener("mousedown", function (event) { event.preventDefault(); });
        item.addEventListener("click", function () { choose(result); input.focus(); });
        list.appendChild(item);
      });
      if (!results.length) {
        empty.textContent = query ? "Aucun résultat pour « " + query + " »." : "Aucune autre valeur.";
        if (createUrl && query) {
          var link = document.createElement("a");
          link.href = createUrl + "?prenom=" + encodeURIComponent(query) + "&next=" +
            encodeURIComponent(window.location.pathname + window.location.search);
          link.textContent = " Créer la fiche de « " + query + " »";
          link.addEventListener("mousedown", function (event) { event.preventDefault(); });
          empty.appendChild(link);
        }
      }
      list.hidden = !results.length;
      empty.hidden = !!results.length;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      status.textContent = results.length ? results.length + " résultat(s)" : "Aucun résultat";
      active = -1;
    }

    function searchLocal(query) {
      var folded = fold(query);
      results = Array.prototype.filter.call(select.options, function (o) {
        return o.value && !o.selected && fold(o.textContent).indexOf(folded) !== -1;
      }).slice(0, 50).map(function (o) { return { id: o.value, label: o.textContent }; });
      render(query, "");
    }

    // The youths typed offline and still in the outbox (static/js/outbox.js) are offered too: an
    // intervention entered offline can name them; the outbox sends them first and links them.
    function pendingYouths(query) {
      if (!window.EmpsOutbox) { return Promise.resolve([]); }
      return window.EmpsOutbox.pendingYouths(query).catch(function () { return []; });
    }

    function searchRemote(query) {
      var number = ++requestNumber;
      if (!query) { results = []; close(); return; }
      var remote = fetch(source + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .catch(function () { return null; });
      Promise.all([remote, pendingYouths(query)]).then(function (answers) {
        var data = answers[0];
        var pending = answers[1];
        if (number !== requestNumber) { return; }
        var chosen = selected().map(function (o) { return o.value; });
        results = (data ? data.results : []).concat(pending).filter(function (r) {
          return chosen.indexOf(String(r.id)) === -1;
        });
        render(query, data && !select.hasAttribute("data-no-create") ? data.create_url || "" : "");
        if (!data) {
          status.textContent = "Recherche impossible pour le moment : vérifiez la connexion.";
          if (!results.length) {
            empty.textContent = "Hors connexion : seuls les jeunes saisis sur ce téléphone sont proposés.";
          }
        }
      });
    }

    function search() {
      var query = input.value.trim();
      if (source) {
        clearTimeout(timer);
        timer = setTimeout(function () { searchRemote(query); }, 180);
      } else {
        searchLocal(query);
      }
    }

    input.addEventListener("input", search);
    input.addEventListener("focus", function () { if (!source) { searchLocal(input.value.trim()); } });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    input.addEventListener("keydown", function (event) {
      var count = list.querySelectorAll("[role=option]").length;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) { search(); return; }
        highlight(Math.min(active + 1, count - 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter") {
        if (!list.hidden && count) {
          event.preventDefault();
          choose(results[active >= 0 ? active : 0]);
        } else if (!list.hidden || input.value) {
          event.preventDefault();
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); close(); }
      } else if (event.key === "Backspace" && !input.value) {
        var last = selected().pop();
        if (last) {
          last.selected = false;
          if (source) { last.remove(); }
          renderChips();
          status.textContent = last.textContent + " retiré";
        }
      }
    });
    select.addEventListener("picker:refresh", renderChips);
    renderChips();
  }

  document.querySelectorAll("select[data-picker]").forEach(initPicker);
})();
