/* The anonymous tally of the people met (templates/actions/_tally.html): +/− steppers around each number,
 * the section folded while nothing is counted. Opening it or touching a stepper counts the tally; « Ne pas
 * compter » empties it. Without this script the form keeps its tick box and plain number inputs. */
(function () {
  "use strict";

  var LIMIT = 200;

  function plural(n, one, many) { return n + " " + (n > 1 ? many : one); }

  document.querySelectorAll("[data-tally]").forEach(function (fieldset) {
    var counted = fieldset.querySelector("[data-tally-counted] input[type='checkbox']");
    var panel = fieldset.querySelector("[data-tally-panel]");
    var head = fieldset.querySelector("[data-tally-head]");
    var opener = fieldset.querySelector("[data-tally-open]");
    var status = fieldset.querySelector("[data-tally-status]");
    var reset = fieldset.querySelector("[data-tally-reset]");
    var confirmBox = fieldset.querySelector("[data-tally-confirm]");
    var confirmInput = confirmBox.querySelector("input[type='checkbox']");
    var inputs = Array.prototype.slice.call(fieldset.querySelectorAll("input[data-count]"));
    var adults = inputs.slice(-2);
    // A number the young people counted make (the participants without a file of a collective action).
    var form = fieldset.closest("form");
    var total = form && form.querySelector("input[data-tally-total]");

    fieldset.classList.add("is-enhanced");
    fieldset.querySelector("[data-tally-counted]").hidden = true;
    head.hidden = false;
    reset.hidden = false;

    function value(input) {
      var n = parseInt(input.value, 10);
      return isNaN(n) ? 0 : n;
    }

    function setOpen(open) {
      panel.hidden = !open;
      opener.setAttribute("aria-expanded", open ? "true" : "false");
      fieldset.classList.toggle("is-open", open);
    }

    function markCounted() {
      if (!counted.checked) {
        counted.checked = true;
        counted.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }

    function sync() {
      var youths = 0, grown = 0, large = false;
      inputs.forEach(function (input) {
        var n = Math.max(0, value(input));  // a negative typed is refused on saving
        if (adults.indexOf(input) === -1) { youths += n; } else { grown += n; }
        if (n > LIMIT) { large = true; }
      });
      if (counted.checked || youths + grown > 0) {
        counted.checked = true;
        status.textContent = youths + grown === 0
          ? "Compté : personne rencontré"
          : "Compté : " + plural(youths, "jeune", "jeunes") + ", " + plural(grown, "adulte", "adultes");
        fieldset.classList.add("is-counted");
      } else {
        status.textContent = fieldset.dataset.idle || "Non compté";
        fieldset.classList.remove("is-counted");
      }
      confirmBox.hidden = !large && !confirmInput.checked;
    }

    function writeTotal() {
      var youths = 0;
      inputs.forEach(function (input) {
        if (adults.indexOf(input) === -1) { youths += Math.max(0, value(input)); }
      });
      total.value = youths;
      total.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function stepper(input, delta, text, label) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn tally-step" + (delta > 0 ? " tally-plus" : " tally-minus");
      button.setAttribute("aria-label", label + " : " + input.dataset.label);
      button.setAttribute("aria-controls", input.id);
      button.innerHTML = '<span aria-hidden="true">' + text + "</span>";
      button.addEventListener("click", function () {
        input.value = Math.max(0, value(input) + delta);
        markCounted();
        input.dispatchEvent(new Event("input", { bubbles: true }));
      });
      return button;
    }

    inputs.forEach(function (input) {
      input.insertAdjacentElement("beforebegin", stepper(input, -1, "−", "Retirer une personne"));
      input.insertAdjacentElement("afterend", stepper(input, 1, "+", "Ajouter une personne"));
      input.addEventListener("input", function () {
        if (value(input) > 0) { markCounted(); }
        if (total && adults.indexOf(input) === -1) { writeTotal(); }
        sync();
      });
      input.addEventListener("focus", function () { input.select(); });
    });

    opener.addEventListener("click", function () {
      var open = panel.hidden;
      setOpen(open);
      if (open) { markCounted(); }
      sync();
    });

    reset.addEventListener("click", function () {
      inputs.forEach(function (input) { input.value = 0; });
      confirmInput.checked = false;
      counted.checked = false;
      counted.dispatchEvent(new Event("change", { bubbles: true }));
      setOpen(false);
      sync();
      opener.focus();
    });

    confirmInput.addEventListener("change", sync);
    setOpen(fieldset.classList.contains("is-open"));
    sync();
    // A draft restored by forms.js (run after this script) sets the tick box without an event.
    window.setTimeout(function () {
      if (counted.checked && panel.hidden) { setOpen(true); }
      sync();
    }, 0);
  });
})();
