// Shows a question only when the answer it depends on is given; without this script every question shows.
(function () {
  "use strict";
  function answerOf(form, name) {
    var values = [];
    form.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") ? input.checked : input.value) {
        values.push(input.value);
      }
    });
    return values;
  }
  function refresh(form) {
    form.querySelectorAll("[data-show-if-field]").forEach(function (question) {
      var wanted = question.getAttribute("data-show-if-value");
      var shown = answerOf(form, question.getAttribute("data-show-if-field")).indexOf(wanted) !== -1;
      question.hidden = !shown;
    });
  }
  document.querySelectorAll("form[data-conditional]").forEach(function (form) {
    form.addEventListener("change", function () { refresh(form); });
    refresh(form);
  });
})();
