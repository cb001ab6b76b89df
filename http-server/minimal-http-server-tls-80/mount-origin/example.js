// Shows the HTTP/2 badge when the browser fetched this page over h2: the
// navigation timing entry records the negotiated protocol.
document.addEventListener("DOMContentLoaded", function () {
	var nav = performance.getEntriesByType("navigation")[0];
	var proto = nav ? nav.nextHopProtocol : "unknown";
	document.getElementById("proto").textContent = "This page arrived over " + proto + ".";
	if (proto === "h2") {
		document.getElementById("h2").hidden = false;
	}
});
