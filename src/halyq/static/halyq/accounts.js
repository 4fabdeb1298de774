/* Account forms: show only the districts of the chosen region (the form works without it). */
(function () {
  "use strict";
  function filterDistricts(regionSelect) {
    var district = document.getElementsByName(regionSelect.getAttribute("data-district-filter"))[0];
    if (!district) { return; }
    var chosen = regionSelect.options[regionSelect.selectedIndex];
    var regionName = chosen && chosen.value ? chosen.text : null;
    var groups = district.getElementsByTagName("optgroup");
    for (var i = 0; i < groups.length; i++) {
      var keep = regionName === null || groups[i].label === regionName;
      groups[i].hidden = !keep;
      groups[i].disabled = !keep;
      if (!keep) {
        var options = groups[i].getElementsByTagName("option");
        for (var j = 0; j < options.length; j++) {
          if (options[j].selected) { district.value = ""; }
        }
      }
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var selects = document.querySelectorAll("select[data-district-filter]");
    for (var i = 0; i < selects.length; i++) {
      filterDistricts(selects[i]);
      selects[i].addEventListener("change", function (event) { filterDistricts(event.target); });
    }
  });
})();
