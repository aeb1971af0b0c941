/* Persian digits in the counts the admin's own scripts write («۳ از ۵۰ انتخاب شده است»):
   Django's JavaScript catalogue formats numbers with Latin digits. Loaded on every admin page. */
(function () {
  "use strict";
  var FA = "۰۱۲۳۴۵۶۷۸۹";
  if (typeof window.interpolate !== "function") return;
  var interpolate = window.interpolate;
  window.interpolate = function () {
    return String(interpolate.apply(this, arguments)).replace(/[0-9]/g, function (d) {
      return FA[+d];
    });
  };
})();
