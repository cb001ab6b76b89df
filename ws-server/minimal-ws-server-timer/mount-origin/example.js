// Opens one idle ws connection on the "timer" subprotocol and shows whether
// it is still open.
document.addEventListener("DOMContentLoaded", function () {
	var scheme = document.location.protocol === "https:" ? "wss://" : "ws://";
	var ws = new WebSocket(scheme + document.location.host + "/", "timer");
	var status = document.getElementById("status");
	var opened = Date.now();

	ws.onopen = function () {
		status.textContent = "ws open";
		setInterval(function () {
			if (ws.readyState === WebSocket.OPEN) {
				status.textContent = "ws open for " + Math.round((Date.now() - opened) / 1000) + " s";
			}
		}, 1000);
	};
	ws.onclose = function () {
		status.textContent = "ws closed";
	};
});
