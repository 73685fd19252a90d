/* Material's content-tab target script (from its partials/javascripts/content.html), loaded as a file for the CSP. */
var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"));
