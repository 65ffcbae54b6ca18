/* Form helpers: duration shortcuts, note counter, focus on the first error,
 * and a draft kept in this tab so that nothing typed is lost when a save fails or the session expires. */
(function () {
  "use strict";

  document.querySelectorAll("[data-fill]").forEach(function (button) {
    button.addEventListener("click", function () {
      var target = document.querySelector(button.dataset.fill);
      if (target) {
        target.value = button.dataset.value;
        target.dispatchEvent(new Event("input", { bubbles: true }));
        target.focus();
      }
    });
  });

  document.querySelectorAll("textarea[data-counter][maxlength]").forEach(function (area) {
    var counter = document.createElement("div");
    var max = area.getAttribute("maxlength");
    counter.className = "char-counter";
    counter.id = area.id + "_counter";
    function update() { counter.textContent = area.value.length + " / " + max + " caractères"; }
    area.insertAdjacentElement("afterend", counter);
    area.addEventListener("input", update);
    update();
  });

  var firstError = document.querySelector(".is-invalid:not(.picker-select-hidden), fieldset.is-invalid input");
  if (firstError && typeof firstError.focus === "function") {
    firstError.focus({ preventScroll: true });
    firstError.scrollIntoView({ block: "center" });
  }

  // A duration above the form's limit, or « 15h » alone (an hour of the day in French), is asked before the
  // form leaves: an entry kept offline would otherwise come back refused later. The server asks as well
  // (emps/durations.py, which reads every other way of writing a duration).
  document.querySelectorAll("input[data-confirm-above]").forEach(function (input) {
    var form = input.form;
    var limit = Number(input.dataset.confirmAbove);
    var box = form && form.querySelector("[data-confirm-duration]");
    if (!box) { return; }
    form.addEventListener("submit", function (event) {
      if (box.checked) { return; }
      var typed = input.value.trim().replace(/\s+/g, " ");
      var bare = /^(\d{1,2}) ?h$/i.exec(typed);
      var plain = /^\d+(?:[.,]\d+)?$/.test(typed) ? parseFloat(typed.replace(",", ".")) : null;
      var question = null;
      if (bare && Number(bare[1]) * 60 > limit) {
        question = bare[1] + " heures ? « " + typed + " » est aussi une heure de la journée (l'heure de début a son propre champ).";
      } else if (plain !== null && plain * 60 > limit && plain <= 24) {
        question = "Plus de " + limit / 60 + " heures de présence (" + typed + " h) : confirmez-vous cette durée ?";
      }
      if (!question) { return; }
      if (window.confirm(question)) {
        box.checked = true;
        var holder = box.closest("[data-duration-confirmation]");
        if (holder) { holder.hidden = false; }
      } else {
        event.preventDefault();
        event.stopImmediatePropagation();
        input.focus();
      }
    }, true);
  });

  var SKIP = ["csrfmiddlewaretoken", "next", "version"];

  function serialize(form) {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP.indexOf(el.name) !== -1 || el.type === "submit" || el.type === "button") { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        data[el.name] = data[el.name] || [];
        if (el.checked) { data[el.name].push(el.value); }
      } else if (el.tagName === "SELECT" && el.multiple) {
        data[el.name] = Array.prototype.filter.call(el.options, function (o) { return o.selected; })
          .map(function (o) { return { value: o.value, label: o.textContent }; });
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  function restore(form, data) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in data)) { return; }
      var value = data[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = value.indexOf(el.value) !== -1;
      } else if (el.tagName === "SELECT" && el.multiple) {
        value.forEach(function (item) {
          var option = Array.prototype.find.call(el.options, function (o) { return o.value === item.value; });
          if (!option) { option = new Option(item.label, item.value); el.add(option); }
          option.selected = true;
        });
        el.dispatchEvent(new Event("picker:refresh"));
      } else if (typeof value === "string") {
        el.value = value;
        el.dispatchEvent(new Event("input", { bubbles: true }));
      }
    });
  }

  // The outbox (outbox.js) keeps and restores an entry the same way.
  window.EmpsForms = { serialize: serialize, restore: restore };

  document.querySelectorAll("form[data-draft]").forEach(function (form) {
    var key = "emps-draft:" + form.dataset.draft;
    var storage;
    try { storage = window.sessionStorage; } catch (e) { return; }
    var saved = null;
    try { saved = JSON.parse(storage.getItem(key) || "null"); } catch (e) { saved = null; }
    var hasErrors = !!document.querySelector(".alert-danger[data-autofocus]");
    var fromLogin = document.referrer.indexOf("/connexion/") !== -1;
    if (saved && !hasErrors && (!saved.submitted || fromLogin)) {
      restore(form, saved.fields);
      var notice = document.createElement("div");
      notice.className = "alert alert-info d-flex flex-wrap gap-2 align-items-center";
      notice.setAttribute("role", "status");
      notice.textContent = saved.submitted
        ? "Votre saisie précédente n'avait pas été enregistrée (session expirée) : elle est reprise ci-dessous. "
        : "Votre saisie en cours a été reprise. ";
      var clear = document.createElement("button");
      clear.type = "button";
      clear.className = "btn btn-sm btn-outline-secondary";
      clear.textContent = "Repartir d'un formulaire vide";
      clear.addEventListener("click", function () { storage.removeItem(key); window.location.reload(); });
      notice.appendChild(clear);
      form.parentNode.insertBefore(notice, form);
    } else if (saved && saved.submitted && !hasErrors) {
      storage.removeItem(key);
    }
    function save(submitted) {
      try { storage.setItem(key, JSON.stringify({ fields: serialize(form), submitted: submitted })); } catch (e) { /* full */ }
    }
    form.addEventListener("input", function () { save(false); });
    form.addEventListener("change", function () { save(false); });
    form.addEventListener("submit", function () { save(true); });
  });
})();
