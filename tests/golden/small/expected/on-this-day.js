// On this day (on-this-day/index.html): open today's page, by the visitor's own date, when
// the site has posts from today. A link with a fragment (#days) shows the list instead.
(function () {
  "use strict";
  var days = document.getElementById("days");
  if (!days || window.location.hash) {
    return;
  }
  var now = new Date();
  var pad = function (number) {
    return (number < 10 ? "0" : "") + number;
  };
  var today = pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  var link = days.querySelector('a[data-month-day="' + today + '"]');
  if (link) {
    window.location.replace(link.href);
  }
})();
